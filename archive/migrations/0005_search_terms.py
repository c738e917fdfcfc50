"""PostgreSQL: a per-document score for every lexeme, so that ranking costs index reads.

ts_rank_cd has to de-TOAST and walk the whole tsvector of every matching document; with the
corpus multiplied 100 times a common query matches 3,000 documents and ranking alone took
~45 ms. Scores read from this table (an index-only scan per query lexeme) take ~13 ms for the
same query. The table is kept by a trigger on archive_document, so every write path (import,
admin, bulk_create) keeps it in step; the GIN index still decides what matches. SQLite keeps
bm25 over FTS5 and needs nothing here.

score = sum of the lexeme's occurrence weights (title 1.0, topic 0.4, text 0.2, as in
ts_rank) / (1 + ln(number of lexemes)), the length normalisation ts_rank_cd used (option 1).
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE TABLE archive_document_term (
        lexeme text NOT NULL,
        document_id bigint NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (lexeme, document_id) INCLUDE (score)
    )
    """,
    # No foreign key: TRUNCATE archive_document (test flushes) would refuse; the trigger
    # clears a document's rows instead, also before an insert that reuses an id.
    "CREATE INDEX archive_document_term_document ON archive_document_term (document_id)",
    """
    CREATE FUNCTION archive_document_terms() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM archive_document_term WHERE document_id = OLD.id;
            RETURN NULL;
        END IF;
        DELETE FROM archive_document_term WHERE document_id = NEW.id;
        INSERT INTO archive_document_term (lexeme, document_id, score)
        SELECT u.lexeme, NEW.id,
               coalesce((SELECT sum(CASE w WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4
                                           WHEN 'C' THEN 0.2 ELSE 0.1 END)
                         FROM unnest(u.weights) w), 0.1)
               / (1 + ln(greatest(length(NEW.search_vector), 1)))
        FROM unnest(NEW.search_vector) u;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER archive_document_terms_ins AFTER INSERT ON archive_document
    FOR EACH ROW EXECUTE FUNCTION archive_document_terms()
    """,
    """
    CREATE TRIGGER archive_document_terms_upd AFTER UPDATE ON archive_document
    FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
    EXECUTE FUNCTION archive_document_terms()
    """,
    """
    CREATE TRIGGER archive_document_terms_del AFTER DELETE ON archive_document
    FOR EACH ROW EXECUTE FUNCTION archive_document_terms()
    """,
    # Documents imported before this migration.
    """
    INSERT INTO archive_document_term (lexeme, document_id, score)
    SELECT u.lexeme, d.id,
           coalesce((SELECT sum(CASE w WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4
                                       WHEN 'C' THEN 0.2 ELSE 0.1 END)
                     FROM unnest(u.weights) w), 0.1)
           / (1 + ln(greatest(length(d.search_vector), 1)))
    FROM archive_document d, unnest(d.search_vector) u
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS archive_document_terms_del ON archive_document",
    "DROP TRIGGER IF EXISTS archive_document_terms_upd ON archive_document",
    "DROP TRIGGER IF EXISTS archive_document_terms_ins ON archive_document",
    "DROP FUNCTION IF EXISTS archive_document_terms()",
    "DROP TABLE IF EXISTS archive_document_term",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_chronicleentry_calendar")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
