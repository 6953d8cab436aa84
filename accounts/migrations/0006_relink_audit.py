# The relink audit becomes a table of its own, append-only (RelinkRecord), and
# RelinkedUserId keeps only the state: which ids are retired, and the account
# each was relinked away from (a foreign key, so that only that account may
# take the id back, and nobody once it is deleted).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def records_from_retired_ids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Undone relinks left no row to copy, and a row's `new_id` followed its
    # account through later relinks: the closest to the history there is.
    RelinkedUserId = apps.get_model("accounts", "RelinkedUserId")
    RelinkRecord = apps.get_model("accounts", "RelinkRecord")
    RelinkRecord.objects.bulk_create(
        RelinkRecord(
            old_id=retired.old_id,
            new_id=retired.new_id,
            # Until now only the admin gave an actor; the command line left it empty.
            via="admin" if retired.actor_id else "command line",
            actor_id=retired.actor_id,
            relinked_at=retired.relinked_at,
        )
        for retired in RelinkedUserId.objects.order_by("relinked_at")
    )


APPEND_ONLY_TRIGGER = """
CREATE FUNCTION accounts_relinkrecord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts_relinkrecord is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER accounts_relinkrecord_append_only BEFORE UPDATE OR DELETE ON accounts_relinkrecord
    FOR EACH ROW EXECUTE FUNCTION accounts_relinkrecord_append_only();
"""


def refuse_changes_in_the_database(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The model refuses too; this also holds against raw SQL and a shell. PostgreSQL
    # only (what production runs); TRUNCATE, as the test database's flush does, still empties it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_TRIGGER, params=None)


def allow_changes_in_the_database(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER accounts_relinkrecord_append_only ON accounts_relinkrecord")
        schema_editor.execute("DROP FUNCTION accounts_relinkrecord_append_only()")


def accounts_from_new_ids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    RelinkedUserId = apps.get_model("accounts", "RelinkedUserId")
    User = apps.get_model("accounts", "User")
    existing = set(User.objects.filter(pk__in=RelinkedUserId.objects.values("new_id")).values_list("pk", flat=True))
    for retired in RelinkedUserId.objects.all():
        retired.account_id = retired.new_id if retired.new_id in existing else None
        retired.save(update_fields=["account"])


def new_ids_from_accounts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    RelinkedUserId = apps.get_model("accounts", "RelinkedUserId")
    for retired in RelinkedUserId.objects.all():
        retired.new_id = retired.account_id or ""
        retired.save(update_fields=["new_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_identity"),
    ]

    operations = [
        migrations.CreateModel(
            name="RelinkRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_id", models.CharField(db_index=True, max_length=64)),
                ("new_id", models.CharField(db_index=True, max_length=64)),
                (
                    "via",
                    models.CharField(choices=[("admin", "admin"), ("command line", "command line")], max_length=20),
                ),
                (
                    "actor_id",
                    models.CharField(
                        blank=True, help_text="The admin user who relinked, by their id then.", max_length=64
                    ),
                ),
                (
                    "os_user",
                    models.CharField(
                        blank=True, help_text="The operating system user who ran `relink_user`.", max_length=150
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="`relink_user --actor`: who asked, a ticket.", max_length=200
                    ),
                ),
                ("relinked_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
            ],
            options={
                "ordering": ["-relinked_at", "-id"],
                "base_manager_name": "objects",
            },
        ),
        migrations.RunPython(records_from_retired_ids, migrations.RunPython.noop),
        migrations.RunPython(refuse_changes_in_the_database, allow_changes_in_the_database),
        migrations.AddField(
            model_name="relinkeduserid",
            name="account",
            field=models.ForeignKey(
                help_text="The account relinked away from this id, under whatever id it has now.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="retired_ids",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(accounts_from_new_ids, new_ids_from_accounts),
        migrations.RemoveField(
            model_name="relinkeduserid",
            name="actor_id",
        ),
        # A default first, so that undoing the removal can add the column back to existing rows.
        migrations.AlterField(
            model_name="relinkeduserid",
            name="new_id",
            field=models.CharField(db_index=True, default="", max_length=64),
        ),
        migrations.RemoveField(
            model_name="relinkeduserid",
            name="new_id",
        ),
    ]
