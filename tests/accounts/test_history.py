"""The change history of accounts (django-auditlog): every change of roles, status, staff and
superuser flags and password — never the password or its hash — with who did it and from where,
whichever way it was made: SIEX's pages, the admin, the services, management commands."""

import io
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse

from siex.accounts import services
from siex.accounts.audit import PASSWORD_SET
from siex.accounts.roles import Role
from siex.accounts.rules import CHANGE_HISTORY_READERS
from siex.accounts.selectors import account_state
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db

User = get_user_model()
ADDRESS = "192.0.2.44"


def history_of(user) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk)
        ).order_by("timestamp", "pk")
    )


def changed(entries, field) -> list:
    return [entry.changes_dict[field] for entry in entries if field in entry.changes_dict]


def no_hash_anywhere(user) -> None:
    user.refresh_from_db()
    algorithm, *parts = user.password.split("$")
    dumped = json.dumps([entry.changes for entry in history_of(user)])
    for part in parts:
        assert part not in dumped
    assert algorithm not in dumped


def test_creating_an_account_on_the_page_is_recorded_with_who_and_where(admin_client):
    admin_client.post(
        reverse("accounts:user-new"),
        {"username": "nieuw", "roles": [Role.POLICY_OFFICER.value]},
        REMOTE_ADDR=ADDRESS,
    )
    user = User.objects.get(username="nieuw")
    entries = history_of(user)
    assert {entry.actor.username for entry in entries} == {"test-beheerder"}
    assert {entry.remote_addr for entry in entries} == {ADDRESS}
    assert entries[0].action == LogEntry.Action.CREATE
    assert changed(entries, "password") == [["", PASSWORD_SET]]
    assert {"type": "m2m", "operation": "add", "objects": ["beleidsmedewerker"]} in changed(
        entries, "groups"
    )
    no_hash_anywhere(user)


def test_roles_status_and_passwords_changed_on_the_pages_are_recorded(admin_client, council_member):
    url = reverse("accounts:user", args=[council_member.pk])
    admin_client.post(
        url,
        {"roles": [Role.PROJECT_LEAD.value], "state": account_state(council_member)},
        REMOTE_ADDR=ADDRESS,
    )
    admin_client.post(reverse("accounts:user-password", args=[council_member.pk]))
    admin_client.post(reverse("accounts:user-deactivate", args=[council_member.pk]))
    entries = [entry for entry in history_of(council_member) if entry.actor is not None]
    assert {entry.actor.username for entry in entries} == {"test-beheerder"}
    groups = changed(entries, "groups")
    assert {"type": "m2m", "operation": "delete", "objects": ["raadslid"]} in groups
    assert {"type": "m2m", "operation": "add", "objects": ["projectleider"]} in groups
    assert changed(entries, "password") == [[PASSWORD_SET, PASSWORD_SET]]
    assert changed(entries, "is_active") == [["True", "False"]]
    no_hash_anywhere(council_member)


def test_signing_in_is_not_an_account_change(council_member):
    from django.test import Client

    before = len(history_of(council_member))
    assert Client().login(username=council_member.username, password="a-long-test-password-123")
    assert len(history_of(council_member)) == before


def test_a_superuser_changing_flags_roles_and_password_in_the_admin_is_recorded(
    superuser_client, council_member
):
    from django.contrib.auth.models import Group

    superuser_client.post(
        reverse("admin:auth_user_change", args=[council_member.pk]),
        {
            "username": council_member.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=Role.ADMINISTRATOR.value).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "12:00:00",
        },
    )
    superuser_client.post(
        reverse("admin:auth_user_password_change", args=[council_member.pk]),
        {"password1": "een-ander-wachtwoord-1", "password2": "een-ander-wachtwoord-1"},
    )
    entries = [entry for entry in history_of(council_member) if entry.actor is not None]
    assert {entry.actor.username for entry in entries} == {"root"}
    assert changed(entries, "is_staff") == [["False", "True"]]
    assert changed(entries, "is_superuser") == [["False", "True"]]
    assert {"type": "m2m", "operation": "add", "objects": ["beheerder"]} in changed(
        entries, "groups"
    )
    assert changed(entries, "password") == [[PASSWORD_SET, PASSWORD_SET]]
    no_hash_anywhere(council_member)


def test_the_users_own_password_change_is_recorded_with_them_as_actor(user_for):
    from django.test import Client

    user = user_for(Role.POLICY_OFFICER)
    client = Client()
    force_login_verified(client, user)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "a-long-test-password-123",
            "new_password1": "mijn-nieuwe-wachtwoord-9",
            "new_password2": "mijn-nieuwe-wachtwoord-9",
        },
    )
    [entry] = [
        entry
        for entry in history_of(user)
        if entry.action == LogEntry.Action.UPDATE and "password" in entry.changes_dict
    ]
    assert entry.actor == user
    no_hash_anywhere(user)


def test_createsuperuser_is_recorded(roles, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-superuser-password-1")
    call_command(
        "createsuperuser",
        interactive=False,
        username="hoofdbeheer",
        email="beheer@example.org",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="hoofdbeheer")
    [created] = history_of(user)
    assert created.action == LogEntry.Action.CREATE and created.actor is None
    assert created.changes_dict["is_superuser"] == ["None", "True"]
    no_hash_anywhere(user)


def test_the_user_create_command_creates_an_account_with_roles_and_a_one_time_password(roles):
    out = io.StringIO()
    call_command(
        "user_create",
        "--username",
        "k.jansen",
        "--role",
        "beleidsmedewerker",
        "--role",
        "raadslid",
        "--first-name",
        "Kees",
        stdout=out,
    )
    user = User.objects.get(username="k.jansen")
    password = out.getvalue().split("One-time password: ")[1].split()[0]
    assert user.check_password(password)
    assert user.one_time_password.issued_by is None
    groups = changed(history_of(user), "groups")
    assert {"type": "m2m", "operation": "add", "objects": ["beleidsmedewerker", "raadslid"]} in [
        {**group, "objects": sorted(group["objects"])} for group in groups
    ]
    with pytest.raises(CommandError, match="username"):
        call_command("user_create", "--username", "K.Jansen", stdout=io.StringIO())


def test_the_demo_users_are_recorded(roles):
    user = services.user_create_or_update(
        username="demo-raadslid", role=Role.COUNCIL_MEMBER, password="een-demo-wachtwoord-1"
    )
    entries = history_of(user)
    assert entries[0].action == LogEntry.Action.CREATE
    assert {"type": "m2m", "operation": "add", "objects": ["raadslid"]} in changed(
        entries, "groups"
    )
    assert not hasattr(User.objects.get(pk=user.pk), "one_time_password")


def test_every_kind_of_record_in_the_change_history_has_its_readers():
    """A model registered with django-auditlog that nobody may read would vanish from the
    change history pages: each one must be named in rules.CHANGE_HISTORY_READERS."""
    from auditlog.registry import auditlog

    registered = {model._meta.label_lower for model in auditlog.get_models()}
    assert registered == set(CHANGE_HISTORY_READERS)
