"""Nobody changes or deletes the access log: not the administrator, not a superuser in the admin,
not code through the ORM or raw SQL — the database refuses it (PostgreSQL and SQLite)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from siex.audit.triggers import TABLE
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        username="someone", action="view", model="interventions.household", object_ids=[1]
    )


def refused(operation) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        operation()
    return str(error.value)


def test_the_database_refuses_an_update(entry):
    message = refused(lambda: AccessLogEntry.objects.filter(pk=entry.pk).update(username="x"))
    assert "append-only" in message
    entry.username = "other"
    refused(entry.save)
    assert AccessLogEntry.objects.get(pk=entry.pk).username == "someone"


def test_the_database_refuses_a_delete(entry):
    assert "append-only" in refused(entry.delete)
    refused(lambda: AccessLogEntry.objects.all().delete())
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_raw_sql_too(entry):
    def update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET username = %s", ["x"])  # noqa: S608 - the model's table

    def delete():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - the model's table

    refused(update)
    refused(delete)
    assert AccessLogEntry.objects.get(pk=entry.pk).username == "someone"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(entry):
    def truncate():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    refused(truncate)


def test_appending_still_works(entry):
    AccessLogEntry.objects.create(username="someone", action="list", model="x.y")
    assert AccessLogEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_restores_its_triggers():
    AccessLogEntry.objects.create(username="someone", action="view", model="x.y")
    call_command("flush", interactive=False, verbosity=0)
    assert AccessLogEntry.objects.count() == 0
    kept = AccessLogEntry.objects.create(username="again", action="view", model="x.y")
    with pytest.raises(IntegrityError):
        AccessLogEntry.objects.filter(pk=kept.pk).delete()


# --- The admin ------------------------------------------------------------------------------------


def test_the_administrator_reads_the_log_on_the_audit_pages_not_in_the_admin(client_for, entry):
    """The Django admin is the superuser's; the administrator role has no model permission on the
    log (nor on anything else) and reads it on SIEX's audit pages."""
    admin = client_for(Role.ADMINISTRATOR)
    user = get_user_model().objects.get(username="test-beheerder")
    assert not user.has_perm("audit.view_accesslogentry")
    assert not user.has_perm("audit.change_accesslogentry")
    assert not user.has_perm("audit.delete_accesslogentry")
    assert admin.get(reverse("admin:audit_accesslogentry_changelist")).status_code == 403
    assert b"someone" in admin.get(reverse("audit:access-log")).content


def test_not_even_a_superuser_may_change_or_delete_an_entry(entry):
    superuser = get_user_model().objects.create_superuser("root", password="x" * 16)
    client = Client()
    force_login_verified(client, superuser)
    changelist = client.get(reverse("admin:audit_accesslogentry_changelist"))
    assert changelist.status_code == 200
    assert b"someone" in changelist.content
    assert b"delete_selected" not in changelist.content
    change_url = reverse("admin:audit_accesslogentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"username": "changed"}).status_code == 403
    assert client.get(reverse("admin:audit_accesslogentry_add")).status_code == 403
    delete_url = reverse("admin:audit_accesslogentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.get(pk=entry.pk).username == "someone"


def test_the_model_has_no_add_change_or_delete_permission_at_all():
    from django.contrib.auth.models import Permission

    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_accesslogentry"}
