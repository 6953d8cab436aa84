"""Each account gets one identity source and a record of how its address was proven."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q


def identities_and_proofs_from_history(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Accounts created from a Better Auth token have no usable password (Django
    # marks unusable ones with "!"); imported ones carry Better Auth's profile
    # time. Everything else was made here with a password. How a verified
    # address was proven was not recorded: Better Auth's word for its own
    # accounts, the weakest proof (a click) for the others.
    User = apps.get_model("accounts", "User")
    from_better_auth = Q(password__startswith="!") | Q(profile_synced_at__isnull=False)
    User.objects.filter(from_better_auth).update(identity="better_auth")
    User.objects.filter(email_verified=True, identity="better_auth").update(email_proof="better_auth")
    User.objects.filter(email_verified=True, identity="local").update(email_proof="verification_link")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_email_verified"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_proof",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not proven"),
                    ("verification_link", "Verification link"),
                    ("password_reset", "Password reset link"),
                    ("email_change", "Confirmed change of address"),
                    ("better_auth", "Better Auth"),
                ],
                db_default="",
                default="",
                editable=False,
                help_text="How the holder proved the address: decides who keeps it when someone else proves it too.",
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="identity",
            field=models.CharField(
                choices=[("local", "Local password"), ("better_auth", "Better Auth")],
                db_default="local",
                default="local",
                editable=False,
                help_text="Whose credentials reach this account: a local password, or the Better Auth user with this id.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="email_verified",
            field=models.BooleanField(
                default=False, editable=False, help_text="The holder proved the address (`email_proof` says how)."
            ),
        ),
        migrations.RunPython(identities_and_proofs_from_history, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("email_proof", ""), ("email_verified", False)),
                    models.Q(("email_verified", True), models.Q(("email_proof", ""), _negated=True)),
                    _connector="OR",
                ),
                name="accounts_user_email_verified_has_proof",
            ),
        ),
    ]
