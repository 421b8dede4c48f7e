import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import community.fulltext

# French stemming that ignores accents: the `unaccent` dictionary runs before the French stemmer.
CREATE_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""
DROP_CONFIG = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"
CREATE_INDEXES = """
CREATE INDEX messaging_post_search_gin ON messaging_post USING gin (search_document);
CREATE INDEX messaging_thread_search_gin ON messaging_thread USING gin (search_document);
"""
DROP_INDEXES = """
DROP INDEX IF EXISTS messaging_post_search_gin;
DROP INDEX IF EXISTS messaging_thread_search_gin;
"""


def on_postgresql(sql):
    """A step that only PostgreSQL runs: SQLite has neither configurations nor GIN indexes."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(on_postgresql(CREATE_CONFIG), on_postgresql(DROP_CONFIG)),
        migrations.AddField(
            model_name="post",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=community.fulltext.FrenchDocument("source"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="thread",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=community.fulltext.FrenchDocument("title"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(on_postgresql(CREATE_INDEXES), on_postgresql(DROP_INDEXES)),
    ]
