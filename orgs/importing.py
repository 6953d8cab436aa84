"""Bringing the organizations of a Better Auth database over, for those that existed before the API was connected.

Better Auth's organization plugin keeps them in its `organization` and
`member` tables, read here directly (read-only) with psycopg, as
accounts.importing reads its users. Each organization comes over under its
id with its name, and its members exactly as Better Auth lists them: a
membership recorded here that Better Auth no longer has is removed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg
from django.db import transaction
from drf_better_auth.tokens import USER_ID_PATTERN
from psycopg.rows import class_row

from accounts.importing import BetterAuthDatabaseError

from .models import NAME_MAX_LENGTH, ORGANIZATION_ID_PATTERN, ROLE_MAX_LENGTH, Membership, Organization

BETTER_AUTH_ORGANIZATIONS_QUERY = "SELECT id, name FROM organization ORDER BY id"
BETTER_AUTH_MEMBERS_QUERY = 'SELECT "organizationId" AS organization_id, "userId" AS user_id, role FROM member'


@dataclass(frozen=True)
class BetterAuthMember:
    organization_id: str
    user_id: str
    role: str


@dataclass(frozen=True)
class BetterAuthOrganization:
    id: str
    name: str
    members: tuple[BetterAuthMember, ...] = ()


@dataclass
class ImportReport:
    organizations: int = 0
    memberships: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


def read_better_auth_organizations(database_url: str) -> list[BetterAuthOrganization]:
    """Every organization of the Better Auth database at `database_url`, with its members."""
    try:
        with psycopg.connect(database_url) as connection:
            connection.read_only = True
            with connection.cursor() as cursor:
                organizations = cursor.execute(BETTER_AUTH_ORGANIZATIONS_QUERY).fetchall()
            with connection.cursor(row_factory=class_row(BetterAuthMember)) as cursor:
                members = cursor.execute(BETTER_AUTH_MEMBERS_QUERY).fetchall()
    except psycopg.Error as error:
        raise BetterAuthDatabaseError(str(error).strip()) from error
    by_organization: dict[str, list[BetterAuthMember]] = {}
    for member in members:
        by_organization.setdefault(member.organization_id, []).append(member)
    return [
        BetterAuthOrganization(id=id_, name=name or "", members=tuple(by_organization.get(id_, ())))
        for id_, name in organizations
    ]


def import_organizations(organizations: Iterable[BetterAuthOrganization], dry_run: bool = False) -> ImportReport:
    """Record each organization and exactly its members; one transaction, rolled back on a dry run."""
    report = ImportReport()
    with transaction.atomic():
        for organization in organizations:
            problem = _problem_with(organization)
            if problem:
                report.skipped.append(f"organization {organization.id!r}: {problem}")
                continue
            _import_one(organization, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _problem_with(organization: BetterAuthOrganization) -> str | None:
    if not ORGANIZATION_ID_PATTERN.fullmatch(organization.id):
        return "its id is not a valid organization id"
    if "\x00" in organization.name:
        return "its name contains a NUL character"
    return None


def _import_one(organization: BetterAuthOrganization, report: ImportReport) -> None:
    Organization.objects.update_or_create(pk=organization.id, defaults={"name": organization.name[:NAME_MAX_LENGTH]})
    report.organizations += 1
    kept = []
    for member in organization.members:
        if not USER_ID_PATTERN.fullmatch(member.user_id) or not member.role or len(member.role) > ROLE_MAX_LENGTH:
            report.skipped.append(f"member {member.user_id!r} of {organization.id!r}: not a valid user id and role")
            continue
        Membership.objects.update_or_create(
            organization_id=organization.id, user_id=member.user_id, defaults={"role": member.role}
        )
        kept.append(member.user_id)
        report.memberships += 1
    removed, _ = Membership.objects.filter(organization_id=organization.id).exclude(user_id__in=kept).delete()
    report.removed += removed
