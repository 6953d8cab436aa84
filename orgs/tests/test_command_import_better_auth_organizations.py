"""`manage.py import_better_auth_organizations`: Better Auth's organizations and members, as its database holds them.

The database is made by a real Better Auth with the organization plugin (its
own migrations, sign-ups, organizations and members, through the Node harness).
"""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command

from orgs.models import Membership, Organization
from orgs.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

PEOPLE = [
    {"email": "ada@example.com", "password": "analytical engine 1843", "name": "Ada"},
    {"email": "grace@example.com", "password": "compiler pioneer 1952", "name": "Grace"},
]
ORGANIZATIONS = [
    {
        "name": "Analytical",
        "slug": "analytical",
        "members": [{"email": "ada@example.com"}, {"email": "grace@example.com", "role": "admin"}],
    },
    {"name": "Compilers", "slug": "compilers", "members": [{"email": "grace@example.com"}]},
]


@pytest.fixture(scope="module")
def better_auth_db(better_auth_database):
    url, users = better_auth_database(PEOPLE, ORGANIZATIONS)
    with psycopg.connect(url) as connection:
        organizations = dict(connection.execute("SELECT name, id FROM organization").fetchall())
    return url, {user["email"]: user["id"] for user in users}, organizations


def run(url, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_better_auth_organizations", "--database-url", url, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_organizations_come_over_with_exactly_their_members_and_roles(better_auth_db):
    url, people, organizations = better_auth_db
    analytical = organizations["Analytical"]
    # Recorded here, no longer in Better Auth: removed.
    MembershipFactory(organization__id=analytical, user_id="LeftLongAgo0123456789", role="owner")

    stdout, stderr = run(url)

    assert stdout == "imported 2 organizations with 3 memberships, removed 1 memberships, skipped 0.\n"
    assert stderr == ""
    assert dict(Organization.objects.values_list("id", "name")) == {
        analytical: "Analytical",
        organizations["Compilers"]: "Compilers",
    }
    assert set(Membership.objects.values_list("organization_id", "user_id", "role")) == {
        (analytical, people["ada@example.com"], "owner"),
        (analytical, people["grace@example.com"], "admin"),
        (organizations["Compilers"], people["grace@example.com"], "owner"),
    }


def test_a_dry_run_reports_and_saves_nothing(better_auth_db):
    stdout, _ = run(better_auth_db[0], "--dry-run")

    assert stdout.startswith("Dry run, nothing saved. Would have: imported 2 organizations with 3 memberships")
    assert not Organization.objects.exists() and not Membership.objects.exists()


def test_a_database_without_the_organization_plugin_is_a_clear_error(better_auth_database):
    url, _users = better_auth_database([])
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE invitation, member, organization")

    with pytest.raises(CommandError, match="Could not read the Better Auth database"):
        run(url)


def test_rows_the_api_cannot_hold_are_skipped_and_reported():
    from orgs.importing import BetterAuthMember, BetterAuthOrganization, import_organizations

    report = import_organizations(
        [
            BetterAuthOrganization(id="bad id/with slash", name="x"),
            BetterAuthOrganization(id="GoodOrg0123", name="nul\x00name"),
            BetterAuthOrganization(
                id="GoodOrg4567",
                name="Fine",
                members=(
                    BetterAuthMember("GoodOrg4567", "ok-user", "member"),
                    BetterAuthMember("GoodOrg4567", "bad user", "member"),
                    BetterAuthMember("GoodOrg4567", "ok-user-2", ""),
                ),
            ),
        ]
    )

    assert (report.organizations, report.memberships, len(report.skipped)) == (1, 1, 4)
    assert list(Membership.objects.values_list("user_id", flat=True)) == ["ok-user"]
