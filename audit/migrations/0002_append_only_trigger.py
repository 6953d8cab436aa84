"""The database refuses to change audit rows too, not only the model: raw SQL and other clients included.

PostgreSQL refuses UPDATE always, and DELETE unless the transaction set
`audit.prune` (what `audit.services.audit_prune` does). SQLite, the
development database, refuses UPDATE; it has no per-transaction setting a
trigger could read, so deletion is refused by the model alone there.
TRUNCATE fires no row trigger: it needs the table's owner, and is what
Django's test runner empties tables with.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE FUNCTION audit_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND current_setting('audit.prune', true) = 'on' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'audit_auditentry is append-only: %% refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$;
            CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
                FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
            """
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            """
            CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE ON audit_auditentry
            BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only: UPDATE refused'); END;
            """
        )


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;"
            "DROP FUNCTION IF EXISTS audit_auditentry_append_only();"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditentry_append_only;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
