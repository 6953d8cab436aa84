# The life of an account: profile edits here (`profile_edited_at`, which a
# Better Auth profile updated before it does not undo), when an account was
# deactivated (`deactivated_at`, which `purge_inactive_users` reads), and the
# ids of erased accounts (`DeletedUserId`), whose earlier tokens never bring
# them back.

import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def deactivated_now(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Nobody recorded when the accounts inactive today were deactivated: count from now,
    # so `purge_inactive_users --older-than DAYS` erases them DAYS after this migration at the soonest.
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_active=False, deactivated_at__isnull=True).update(deactivated_at=django.utils.timezone.now())


# The relink records stay append-only, but for one change: erasing an account
# empties the notes of its records (`relink_user --actor` text, which may name
# the person), and nothing else of the row may change with it.
NOTES_MAY_BE_ERASED = """
CREATE OR REPLACE FUNCTION accounts_relinkrecord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.note = ''
        AND (NEW.id, NEW.old_id, NEW.new_id, NEW.via, NEW.actor_id, NEW.os_user, NEW.relinked_at)
            IS NOT DISTINCT FROM (OLD.id, OLD.old_id, OLD.new_id, OLD.via, OLD.actor_id, OLD.os_user, OLD.relinked_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'accounts_relinkrecord is append-only: % refused', TG_OP;
END
$$;
"""

NOTHING_MAY_CHANGE = """
CREATE OR REPLACE FUNCTION accounts_relinkrecord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts_relinkrecord is append-only: % refused', TG_OP;
END
$$;
"""


def notes_may_be_erased(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NOTES_MAY_BE_ERASED, params=None)


def nothing_may_change(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NOTHING_MAY_CHANGE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_relink_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="profile_edited_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the holder last edited the profile here (PATCH /api/auth/me/): "
                "a Better Auth profile updated before it does not undo the edit.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="deactivated_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the account was deactivated; `purge_inactive_users` erases it some days later.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="DeletedUserId",
            fields=[
                ("user_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("deleted_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"ordering": ["-deleted_at"]},
        ),
        migrations.RunPython(deactivated_now, migrations.RunPython.noop),
        migrations.RunPython(notes_may_be_erased, nothing_may_change),
    ]
