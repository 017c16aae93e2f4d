"""Trigram (pg_trgm) GIN indexes on the search keys — PostgreSQL only; SQLite scores in Python."""

from django.db import migrations

INDEXES = [
    ("catalog_service_search_key_trgm", "search_key"),
    ("catalog_service_search_context_trgm", "search_context"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_service USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_services_catalogue")]

    operations = [migrations.RunPython(forwards, backwards)]
