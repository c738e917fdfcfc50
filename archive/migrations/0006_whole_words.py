"""PostgreSQL: a text search configuration in which a hyphenated word is one lexeme.

english indexes "counter-revolution" as the compound 'counter-revolut' followed by its parts
'counter' and 'revolut', and reads the same word in a query as the phrase of all three, whose
positions PostgreSQL can only check by re-reading each candidate's whole tsvector.
english_whole_words is english without the parts, so a query word becomes the compound alone,
which the GIN index answers by itself (archive/search.py). Documents are still indexed with
english: "revolution" keeps finding "counter-revolution".
"""

from django.db import migrations

from common.migrations import run_sql

PG_FORWARD = [
    "CREATE TEXT SEARCH CONFIGURATION english_whole_words (COPY = english)",
    """
    ALTER TEXT SEARCH CONFIGURATION english_whole_words
    DROP MAPPING FOR hword_part, hword_asciipart, hword_numpart
    """,
]
PG_BACKWARD = ["DROP TEXT SEARCH CONFIGURATION IF EXISTS english_whole_words"]


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_search_terms")]

    operations = [
        migrations.RunPython(run_sql(postgresql=PG_FORWARD), run_sql(postgresql=PG_BACKWARD)),
    ]
