"""Full-text search structures, per database.

PostgreSQL: a stored generated tsvector column with a GIN index (never declared on the model, so
Django neither writes nor selects it). SQLite: an FTS5 table over archive_document kept in sync
by triggers. A GinIndex in Meta.indexes would break SQLite, hence this vendor-guarded migration.
"""

from django.db import migrations

from common.migrations import run_sql

PG_FORWARD = [
    """
    ALTER TABLE archive_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(display_title, '') || ' ' || coalesce(title, '')
                  || ' ' || coalesce(subtitle, '')), 'A')
        || setweight(to_tsvector('english', coalesce(topic, '')), 'B')
        || setweight(to_tsvector('english', coalesce(text, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX archive_document_search_idx ON archive_document USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS archive_document_search_idx",
    "ALTER TABLE archive_document DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE archive_document_fts USING fts5(
        title, topic, text, content='archive_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER archive_document_fts_ai AFTER INSERT ON archive_document BEGIN
        INSERT INTO archive_document_fts(rowid, title, topic, text)
        VALUES (new.id, new.display_title || ' ' || new.title || ' ' || new.subtitle, new.topic,
                new.text);
    END
    """,
    """
    CREATE TRIGGER archive_document_fts_ad AFTER DELETE ON archive_document BEGIN
        INSERT INTO archive_document_fts(archive_document_fts, rowid, title, topic, text)
        VALUES ('delete', old.id, old.display_title || ' ' || old.title || ' ' || old.subtitle,
                old.topic, old.text);
    END
    """,
    """
    CREATE TRIGGER archive_document_fts_au AFTER UPDATE ON archive_document BEGIN
        INSERT INTO archive_document_fts(archive_document_fts, rowid, title, topic, text)
        VALUES ('delete', old.id, old.display_title || ' ' || old.title || ' ' || old.subtitle,
                old.topic, old.text);
        INSERT INTO archive_document_fts(rowid, title, topic, text)
        VALUES (new.id, new.display_title || ' ' || new.title || ' ' || new.subtitle, new.topic,
                new.text);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS archive_document_fts_au",
    "DROP TRIGGER IF EXISTS archive_document_fts_ad",
    "DROP TRIGGER IF EXISTS archive_document_fts_ai",
    "DROP TABLE IF EXISTS archive_document_fts",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [
        migrations.RunPython(
            run_sql(postgresql=PG_FORWARD, sqlite=SQLITE_FORWARD),
            run_sql(postgresql=PG_BACKWARD, sqlite=SQLITE_BACKWARD),
        ),
    ]
