# The life of an account: profile edits here (`profile_edited_at`, which a
# Better Auth profile updated before it does not undo), when an account was
# deactivated (`deactivated_at`, which `purge_inactive_users` reads), and the
# ids of erased accounts (`DeletedUserId`), whose earlier tokens never bring
# them back.

import django.utils.timezone
from django.db import migrations, models


def deactivated_now(apps, schema_editor):
    # Nobody recorded when the accounts inactive today were deactivated: count from now,
    # so `purge_inactive_users --older-than DAYS` erases them DAYS after this migration at the soonest.
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_active=False, deactivated_at__isnull=True).update(deactivated_at=django.utils.timezone.now())


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
    ]
