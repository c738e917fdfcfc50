"""PostgreSQL: adjacent lexeme pairs in archive_document_term, so a two-word phrase is a lookup.

A quoted phrase ("national question") is the tsquery 'nation' <-> 'question'. The GIN index
knows which documents hold both lexemes but not where, so PostgreSQL re-reads the whole
tsvector of every such document to check positions: with the corpus multiplied 100 times,
2,200 long documents and 20 ms, to keep 800. Each document's rows in archive_document_term
now also hold every pair of lexemes at adjacent positions ('nation question', with a space
no lexeme contains), taken from the same tsvector, so the pair matches exactly the documents
the phrase does and archive/search.py finds them with an index-only scan. A pair's score is
its occurrences weighted as a lexeme's are, so documents that use the phrase more rank higher.
"""

from django.db import migrations

from common.migrations import run_sql

# Pairs of lexemes at positions p and p + 1, with the weight of the first.
PAIRS_FUNCTION = """
    CREATE FUNCTION archive_term_pairs(vector tsvector) RETURNS TABLE (pair text, weight real)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT a.lexeme || ' ' || b.lexeme,
               sum(CASE a.weight WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4 WHEN 'C' THEN 0.2
                   ELSE 0.1 END)::real
        FROM (SELECT u.lexeme, p.pos, p.weight
              FROM unnest(vector) u, unnest(u.positions, u.weights) AS p(pos, weight)) a
        JOIN (SELECT u.lexeme, p.pos FROM unnest(vector) u, unnest(u.positions) AS p(pos)) b
          ON b.pos = a.pos + 1
        GROUP BY 1
    $$
"""
# What a search asks for: the pair a two-word phrase is, parsed as documents are, or NULL when
# the parser does not make it exactly two adjacent lexemes (then the positional query runs).
PHRASE_PAIR_FUNCTION = """
    CREATE FUNCTION archive_phrase_pair(phrase text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN count(*) = 2 AND max(p.pos) = min(p.pos) + 1
                    THEN string_agg(u.lexeme, ' ' ORDER BY p.pos) END
        FROM unnest(to_tsvector('english', phrase)) u, unnest(u.positions) AS p(pos)
    $$
"""
# And what ranks: the pairs of all the query's phrases.
PHRASE_PAIRS_FUNCTION = """
    CREATE FUNCTION archive_phrase_pairs(phrases text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT p.pair), '{}')
        FROM unnest(phrases) AS phrase, archive_term_pairs(to_tsvector('english', phrase)) p
    $$
"""

TERMS_FUNCTION = """
    CREATE OR REPLACE FUNCTION archive_document_terms() RETURNS trigger LANGUAGE plpgsql AS $$
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
        INSERT INTO archive_document_term (lexeme, document_id, score)
        SELECT p.pair, NEW.id, p.weight / norm FROM archive_term_pairs(vector) p;
        RETURN NULL;
    END
    $$
"""

PG_FORWARD = [
    PAIRS_FUNCTION,
    PHRASE_PAIR_FUNCTION,
    PHRASE_PAIRS_FUNCTION,
    TERMS_FUNCTION,
    # Documents already indexed.
    """
    INSERT INTO archive_document_term (lexeme, document_id, score)
    SELECT p.pair, d.id, p.weight / (1 + ln(greatest(length(d.search_vector), 1)))
    FROM archive_document d, archive_term_pairs(d.search_vector) p
    """,
]
PG_BACKWARD = [
    # 0005's trigger function, without the pairs.
    TERMS_FUNCTION.replace(
        """
        INSERT INTO archive_document_term (lexeme, document_id, score)
        SELECT p.pair, NEW.id, p.weight / norm FROM archive_term_pairs(vector) p;""",
        "",
    ),
    "DELETE FROM archive_document_term WHERE position(' ' in lexeme) > 0",
    "DROP FUNCTION IF EXISTS archive_phrase_pairs(text[])",
    "DROP FUNCTION IF EXISTS archive_phrase_pair(text)",
    "DROP FUNCTION IF EXISTS archive_term_pairs(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0006_whole_words")]

    operations = [
        migrations.RunPython(run_sql(postgresql=PG_FORWARD), run_sql(postgresql=PG_BACKWARD)),
    ]
