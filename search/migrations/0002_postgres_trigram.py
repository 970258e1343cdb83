"""On PostgreSQL: the pg_trgm extension and trigram indexes that make the database
engine's word matching (LIKE '% word%') and "did you mean" fast. Nothing on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_producttext_text_trgm ON search_producttext USING gin (text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_searchterm_word_trgm ON search_searchterm USING gin (word gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_producttext_text_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS search_searchterm_word_trgm")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
