# Support staff see organizations and memberships (read-only: Better Auth's events are their truth).

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SUPPORT_GROUP = "Support"
SUPPORT_PERMISSIONS = ["view_organization", "view_membership"]


def support_sees_organizations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    # As accounts' 0002: permissions are otherwise made only after the last migration.
    create_permissions(global_apps.get_app_config("orgs"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SUPPORT_GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="orgs", codename__in=SUPPORT_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_organizations_and_memberships"),
        ("accounts", "0002_support_permissions_and_group"),
    ]

    operations = [migrations.RunPython(support_sees_organizations, migrations.RunPython.noop)]
