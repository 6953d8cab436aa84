# Support staff read the audit trail (an impersonated person's writes, sign-ins, revocations) in the admin.

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SUPPORT_GROUP = "Support"


def support_reads_the_trail(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    # As accounts' 0002: permissions are otherwise made only after the last migration.
    create_permissions(global_apps.get_app_config("audit"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SUPPORT_GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="audit", codename="view_auditentry")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("accounts", "0002_support_permissions_and_group"),
    ]

    operations = [migrations.RunPython(support_reads_the_trail, migrations.RunPython.noop)]
