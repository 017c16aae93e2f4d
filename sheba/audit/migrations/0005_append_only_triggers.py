"""The database itself refuses to change or remove audit rows and checkpoints.

PostgreSQL: row triggers refuse UPDATE and DELETE; a statement trigger refuses TRUNCATE unless the
session has ``sheba.allow_audit_truncate = on`` AND the database's name starts with ``test_`` (pytest-django
flushes tables between transactional tests; settings turn the option on only when SHEBA_ENV=test).
SQLite (the demo): triggers refuse UPDATE and DELETE (SQLite has no TRUNCATE).
Keys may be retired (UPDATE) but never deleted.

Note: SQLite rebuilds a table for many ALTERs and drops its triggers with it; a later migration that
alters these tables on SQLite must re-create the triggers (run ``install_sql("sqlite")`` again).
"""

from django.db import migrations

PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION sheba_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND current_setting('sheba.allow_audit_truncate', true) = 'on'
       AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

# (table, row operations refused)
TABLES = [
    ("audit_auditevent", "UPDATE OR DELETE"),
    ("audit_auditcheckpoint", "UPDATE OR DELETE"),
    ("audit_auditkey", "DELETE"),
]


def install_sql(vendor):
    statements = []
    if vendor == "postgresql":
        statements.append(PG_FUNCTION)
        for table, ops in TABLES:
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sheba_audit_refuse();"
            )
            statements.append(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sheba_audit_refuse();"
            )
    elif vendor == "sqlite":
        for table, ops in TABLES:
            for op in ops.split(" OR "):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'audit table {table} is append-only: {op} refused'); END;"
                )
    return statements


def uninstall_sql(vendor):
    statements = []
    for table, ops in TABLES:
        if vendor == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            statements.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        elif vendor == "sqlite":
            for op in ops.split(" OR "):
                statements.append(f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};")
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS sheba_audit_refuse();")
    return statements


def install(apps, schema_editor):
    for sql in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, None)


def uninstall(apps, schema_editor):
    for sql in uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_chain_fields_required"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
