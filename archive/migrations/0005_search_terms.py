"""PostgreSQL: a per-document score for every lexeme, so that ranking costs index reads.

ts_rank_cd has to de-TOAST and walk the whole tsvector of every matching document; with the
corpus multiplied 100 times a common query matches 3,000 documents and ranking alone took
~45 ms. Scores read from this table (an index-only scan per query lexeme) take ~13 ms for the
same query. The table is kept by a trigger on archive_document, so every write path (import,
admin, bulk_create) keeps it in step; the GIN index still decides what matches. SQLite keeps
bm25 over FTS5 and needs nothing here.

score = the lexeme's occurrences, weighted (title 1.0, topic 0.4, text 0.2, as in
ts_rank) / (1 + ln(number of lexemes)), the length normalisation ts_rank_cd used (option 1).
"""

from django.db import migrations

from common.migrations import run_sql

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
    # The vector and its length are read once into variables: NEW's fields stay TOASTed,
    # and reading one per lexeme would de-TOAST it every time.
    """
    CREATE FUNCTION archive_document_terms() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        vector tsvector;
        norm real;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM archive_document_term WHERE document_id = OLD.id;
            RETURN NULL;
        END IF;
        DELETE FROM archive_document_term WHERE document_id = NEW.id;
        vector := NEW.search_vector;
        norm := 1 + ln(greatest(length(vector), 1));
        INSERT INTO archive_document_term (lexeme, document_id, score)
        SELECT u.lexeme, NEW.id,
               (cardinality(array_positions(u.weights, 'A'))
                + 0.4 * cardinality(array_positions(u.weights, 'B'))
                + 0.2 * cardinality(array_positions(u.weights, 'C'))
                + 0.1 * cardinality(array_positions(u.weights, 'D'))) / norm
        FROM unnest(vector) u;
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
    DO $$
    DECLARE
        doc record;
        norm real;
    BEGIN
        FOR doc IN SELECT id, search_vector FROM archive_document LOOP
            norm := 1 + ln(greatest(length(doc.search_vector), 1));
            INSERT INTO archive_document_term (lexeme, document_id, score)
            SELECT u.lexeme, doc.id,
                   (cardinality(array_positions(u.weights, 'A'))
                    + 0.4 * cardinality(array_positions(u.weights, 'B'))
                    + 0.2 * cardinality(array_positions(u.weights, 'C'))
                    + 0.1 * cardinality(array_positions(u.weights, 'D'))) / norm
            FROM unnest(doc.search_vector) u;
        END LOOP;
    END
    $$
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS archive_document_terms_del ON archive_document",
    "DROP TRIGGER IF EXISTS archive_document_terms_upd ON archive_document",
    "DROP TRIGGER IF EXISTS archive_document_terms_ins ON archive_document",
    "DROP FUNCTION IF EXISTS archive_document_terms()",
    "DROP TABLE IF EXISTS archive_document_term",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_chronicleentry_calendar")]

    operations = [
        migrations.RunPython(run_sql(postgresql=PG_FORWARD), run_sql(postgresql=PG_BACKWARD)),
    ]
