"""The audit trail: append-only in the model and in the database, pruned past retention, read-only in the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEntry, AuditEvent
from audit.services import audit_prune, audit_record
from core.models import AppendOnlyError

pytestmark = pytest.mark.django_db

ENTRIES_URL = "/admin/audit/auditentry/"


def entry(**overrides):
    return audit_record(
        **{"event": AuditEvent.SIGN_IN_SUCCEEDED, "user_id": "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe", **overrides}
    )


def aged(days):
    """An entry recorded `days` ago: written as it would have been then (the trail takes no backdating)."""
    return AuditEntry.objects.create(event=AuditEvent.SIGN_IN_FAILED, at=timezone.now() - timedelta(days=days))


def test_the_model_refuses_every_change_and_deletion():
    recorded = entry()
    recorded.user_id = "someoneElse"

    with pytest.raises(AppendOnlyError):
        recorded.save()
    with pytest.raises(AppendOnlyError):
        recorded.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=recorded.pk).update(user_id="someoneElse")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([recorded], ["user_id"])
    assert AuditEntry.objects.get().user_id == "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


def test_the_database_refuses_an_update_made_around_the_model():
    recorded = entry()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET user_id = 'someoneElse' WHERE id = %s", [recorded.pk])

    assert AuditEntry.objects.get().user_id == recorded.user_id


@pytest.mark.postgres_only
def test_postgresql_refuses_a_delete_made_around_the_model():
    entry()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")

    assert AuditEntry.objects.count() == 1


def test_prune_deletes_what_is_past_retention_and_nothing_newer():
    old, recent = aged(400), aged(10)

    assert audit_prune(older_than=timedelta(days=365)) == 1

    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_prune_audit_takes_its_default_from_the_settings(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    aged(31)
    kept = aged(29)
    out = StringIO()

    call_command("prune_audit", stdout=out)

    assert out.getvalue() == "Deleted 1 audit entries older than 30 days.\n"
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_prune_audit_older_than_days():
    aged(8)
    aged(6)
    out = StringIO()

    call_command("prune_audit", "--older-than", "7", stdout=out)

    assert out.getvalue() == "Deleted 1 audit entries older than 7 days.\n"
    assert AuditEntry.objects.count() == 1


def test_prune_audit_refuses_less_than_a_day():
    with pytest.raises(Exception, match="at least 1 day"):
        call_command("prune_audit", "--older-than", "0")


@pytest.mark.parametrize(
    "detail",
    [
        {"password": "x"},
        {"token": "eyJ..."},
        {"body": "{}"},
        {"route": "x" * 201},
        {"fields": ["ok", "y" * 201]},
        {"route": {"nested": "dict"}},
    ],
)
def test_a_detail_holds_only_known_short_facts(detail):
    with pytest.raises(ValueError):
        audit_record(event=AuditEvent.ADMIN_CHANGE, detail=detail)

    assert not AuditEntry.objects.exists()


def test_a_superuser_reads_the_trail_and_can_change_nothing(superuser_client):
    recorded = entry(detail={"jti": "abc"})

    assert superuser_client.get(ENTRIES_URL).status_code == 200
    page = superuser_client.get(f"{ENTRIES_URL}{recorded.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert superuser_client.get(f"{ENTRIES_URL}add/").status_code == 403
    assert superuser_client.post(f"{ENTRIES_URL}{recorded.pk}/change/", {"user_id": "x"}).status_code == 403
    assert superuser_client.get(f"{ENTRIES_URL}{recorded.pk}/delete/").status_code == 403
    assert superuser_client.post(f"{ENTRIES_URL}{recorded.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=recorded.pk, user_id=recorded.user_id).exists()


def test_support_staff_read_the_trail_and_can_change_nothing(support_client):
    recorded = entry()

    assert support_client.get(ENTRIES_URL).status_code == 200
    page = support_client.get(f"{ENTRIES_URL}{recorded.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert support_client.get(f"{ENTRIES_URL}add/").status_code == 403
    assert support_client.post(f"{ENTRIES_URL}{recorded.pk}/change/", {"user_id": "x"}).status_code == 403
    assert support_client.post(f"{ENTRIES_URL}{recorded.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=recorded.pk, user_id=recorded.user_id).exists()


def test_staff_outside_support_do_not_read_the_trail_even_with_its_change_permission(client):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="audit", codename="change_auditentry"))
    client.force_login(staff)
    entry()

    assert client.get(ENTRIES_URL).status_code == 403


def test_an_entry_carries_the_request_id_and_client_ip_of_its_request(client_for, settings):
    person = UserFactory()

    response = client_for(person).post("/api/auth/logout-all/", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert response.status_code == 204
    recorded = AuditEntry.objects.get(event=AuditEvent.TOKENS_REVOKED)
    assert (recorded.user_id, recorded.via, recorded.request_id) == (person.pk, "api", "req-0123456789abcdef")
    assert recorded.ip_address is None  # logout-all has no request to read it from; sign-ins do
