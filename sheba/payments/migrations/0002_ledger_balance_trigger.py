"""PostgreSQL enforces the ledger: every transaction's entries sum to zero at commit (a deferred
constraint trigger), and entries are never updated or deleted (append-only). SQLite (the demo)
relies on the check in ``sheba.payments.ledger.post``."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION payments_ledger_balanced() RETURNS trigger AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_poisha), 0) INTO total FROM payments_ledgerentry
        WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (%)', NEW.transaction_id, total;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER payments_ledger_balanced AFTER INSERT ON payments_ledgerentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments_ledger_balanced();
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: post a correcting transaction instead';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER payments_ledger_append_only BEFORE UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS payments_ledger_balanced ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_balanced();
DROP TRIGGER IF EXISTS payments_ledger_append_only ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_payments_ledger_refunds")]

    operations = [migrations.RunPython(forward, backward)]
