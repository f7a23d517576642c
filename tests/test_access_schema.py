"""Every operation of the OpenAPI schema and every page × every role, signed in for real.

The other matrices (``tests/test_access.py``, ``tests/api/test_endpoints.py``) sign their test
clients in with ``force_login``. Here each role signs in as a person does: the sign-in form with
its CSRF token (and the second step, when the sign-in asks for it, with the code the user's
authenticator app shows), and every request after it goes through the session, with the CSRF
token on every write. Roles: anonymous, a user without a role, a policy officer of the
household's team, a policy officer of another team (once teams exist), council member, project
lead and administrator.

What the matrices allow must be served; everything else refused. An *unexpected success* (a role
served what the matrix refuses it, or a household shown to an officer outside its team) fails
the test, as does an operation of the schema without a row in ``tests/access_matrix/schema.py``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cached_property
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from tests.access_matrix import AD, ANONYMOUS, CM, NO_ROLE, PL, PO
from tests.access_matrix.schema import BODY, LIST, OPERATIONS, PATH
from tests.api.fixtures import World
from tests.api.test_endpoints import refused_status
from tests.factories import DistrictFactory, UserFactory
from tests.test_access import HOUSEHOLD_LEVEL, MATRIX, objects  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# A policy officer whose teams work in other wijken than the household's.
PO_OUTSIDE = "policy officer outside the household's team"
PASSWORD = "a-long-test-password-123"  # noqa: S105 - UserFactory's
REFUSALS = {401, 403, 404, 405}
# Sign-ins through the form, and how many of them passed the second step with a code.
SIGN_INS: Counter = Counter()


def teams_exist() -> bool:
    """Whether policy officers belong to teams (need to know): then the officer outside the
    household's team is a role of the matrix."""
    return any(
        model.__name__ == "Team" for model in apps.get_app_config("interventions").models.values()
    )


def everyone() -> list[str]:
    outside = [PO_OUTSIDE] if teams_exist() else []
    return [ANONYMOUS, NO_ROLE, *outside, PO, CM, PL, AD]


# --- signing in for real ----------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: value}) each."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
            self._open = True
        elif tag in ("input", "textarea", "select") and self._open and attrs.get("name"):
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def form_with(response, field: str) -> tuple[str, dict[str, str]]:
    """The (action, fields) of the page's POST form that has ``field``."""
    parser = _Forms()
    parser.feed(response.content.decode())
    for action, fields in parser.forms:
        if field in fields:
            return action or response.wsgi_request.get_full_path(), fields
    raise AssertionError(f"no form with {field!r}: {response.content[:500]!r}")


def _authenticator_code(user) -> str:
    """The code the user's authenticator app shows now (computed from the device's key, as the
    app does)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def _set_up_authenticator(user) -> None:
    """An authenticator app for a user whose role requires the second step (set up once, as
    the setup pages leave it)."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from siex.accounts import selectors

    required = getattr(selectors, "two_factor_required", None)
    if required is not None and required(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def sign_in(user) -> Client:
    """A client signed in as ``user`` through the sign-in form (CSRF checked), and through the
    second step when the sign-in asks for it."""
    client = Client(enforce_csrf_checks=True)
    action, fields = form_with(client.get(reverse("accounts:login")), "password")
    fields = {**fields, "username": user.username, "password": PASSWORD}
    response = client.post(action, fields)
    assert response.status_code == 302, (user.username, response.status_code)
    # Where the sign-in leads: the start page, or first the second step.
    url = response["Location"]
    for _ in range(3):
        page = client.get(url)
        if page.status_code != 302:
            break
        url = page["Location"]
    if page.status_code == 200 and b'name="code"' in page.content:
        action, fields = form_with(page, "code")
        second = client.post(action, {**fields, "code": _authenticator_code(user)})
        assert second.status_code == 302, (user.username, second.content[:500])
        SIGN_INS["with the second step"] += 1
    SIGN_INS["through the form"] += 1
    assert client.session.get("_auth_user_id") == str(user.pk), user.username
    return client


def _user(who, teams=None):
    """The user the other matrices sign in as (``tests.conftest``: ``test-<role>``; the records
    that belong to one user, such as an import check, are built for these), or the outsider."""
    role = None if who == NO_ROLE else (PO if who == PO_OUTSIDE else who)
    username = "test-outsider" if who == PO_OUTSIDE else f"test-{role.value if role else 'no-role'}"
    user = UserFactory(username=username, role=role, **({"teams": teams} if teams else {}))
    _set_up_authenticator(user)
    return user


def signed_in_clients(inside, outside) -> dict[str, Client]:
    """who -> a client signed in for real (anonymous: not signed in). Once there are teams, the
    policy officer is a member of a team working in ``inside`` (the household's wijk), the
    outsider of one working in ``outside`` only."""
    SIGN_INS.clear()
    clients = {}
    for who in everyone():
        if who == ANONYMOUS:
            clients[who] = Client(enforce_csrf_checks=True)
            continue
        user = _user(who, [_team(outside, "Elders")] if who == PO_OUTSIDE else None)
        if who == PO and teams_exist():
            _team(inside, "Binnen").members.add(user)
        clients[who] = sign_in(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        # The roles that require the second step passed it (their sessions are verified).
        assert SIGN_INS["with the second step"] >= 2, SIGN_INS
    print(f"sign-ins: {dict(SIGN_INS)}")
    return clients


def _team(area, name: str):
    from tests.factories import team_of

    return team_of(area, name=f"WIJ {name} (matrix)")


def send(client: Client, method: str, url: str, data=None):
    """A request as a browser's script sends it: JSON, with the CSRF token on writes."""
    if method == "GET":
        return client.get(url, data or {})
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.generic(
        method,
        url,
        data=json.dumps(data or {}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def shows_household(content: bytes, household) -> bool:
    """Whether an answer shows the household: its pseudonym, or its id as a record's household."""
    return (
        household.short_pseudonym.encode() in content
        or household.pseudonym.encode() in content
        or re.search(rb'"household":\s*%d\b' % household.pk, content) is not None
    )


class Tally:
    """Requests, and how their answers compare with the matrix."""

    def __init__(self, part: str):
        self.part = part
        self.counts: Counter = Counter()
        self.unexpected_successes: list = []
        self.unexpected_answers: list = []

    def record(self, who, what, *, refusal_expected, as_expected, success, status, detail=b""):
        """``success``: the request was served (or showed what it should not)."""
        self.counts["requests"] += 1
        if who == PO_OUTSIDE:
            self.counts["outsider"] += 1
            self.counts["outsider 404"] += status == 404
        if as_expected:
            self.counts["refused as expected" if refusal_expected else "served as expected"] += 1
        elif success and refusal_expected:
            self.unexpected_successes.append((str(who), what, status, detail))
        else:
            self.unexpected_answers.append((str(who), what, status, detail))

    def report(self) -> str:
        return (
            f"{self.part}: {self.counts['requests']} requests, "
            f"{self.counts['served as expected']} served as expected, "
            f"{self.counts['refused as expected']} refused as expected, "
            f"{len(self.unexpected_successes)} unexpected successes, "
            f"{len(self.unexpected_answers)} other unexpected answers"
            + (
                f" (officer outside the household's team: {self.counts['outsider']} requests,"
                f" {self.counts['outsider 404']} answered 404)"
                if self.counts["outsider"]
                else ""
            )
        )

    def check(self):
        print(self.report())
        assert not self.unexpected_successes, self.unexpected_successes
        assert not self.unexpected_answers, self.unexpected_answers


# --- the schema's operations ------------------------------------------------------------------


def schema_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (OpenAPI path, method) of the schema, generated as the endpoint does."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]: (path, method.upper())
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_operation_of_the_schema_is_in_the_matrix():
    operations = schema_operations()
    assert set(operations) - set(OPERATIONS) == set(), "operations without a row"
    assert set(OPERATIONS) - set(operations) == set(), "rows of operations no longer there"
    for operation_id, (path, method) in operations.items():
        row = OPERATIONS[operation_id]
        name = resolve(re.sub(r"\{[^}]+\}", "1", path)).url_name
        assert (name, method) == (row.name, row.method), operation_id
        assert row.cases(), f"{operation_id}: no case in tests/api/test_endpoints.py ROUTES"


def _expected(who, operation, spec) -> tuple[set[int], bool]:
    """The answers the matrix expects for ``who``, and whether they are a refusal."""
    if who == PO_OUTSIDE and PO in spec.allowed:
        if operation.household == PATH:
            return {404}, True
        if operation.household == BODY:
            return {400, 403, 404}, True
        who = PO
    if who in spec.allowed:
        return {spec.status}, False
    return {refused_status(who)}, True


class SeparateWorld(World):
    """The API matrix's world, with the fixed version in a scenario of its own: every case is
    checked against one world here, and ``version`` (with its run) must stay a draft."""

    @cached_property
    def fixed(self):
        from calculation.services import (
            scenario_create,
            scenario_version_fix,
            scenario_version_update,
        )

        self.intervention  # noqa: B018 - the scenario's catalogue snapshot needs a catalogue
        version = scenario_create(code="api-vast", name="Vastgesteld")
        version = scenario_version_update(
            version=version,
            expected_version=version.version,
            monte_carlo_draws=100,
            start_year=timezone.localdate().year - 1,
        )
        return scenario_version_fix(version=version, expected_version=version.version)

    def new_intervention(self, **overrides) -> dict:
        # The household already has this intervention (made before the first request).
        return super().new_intervention(confirm_duplicate=True, **overrides)

    def new_survey(self) -> dict:
        # Every write is undone, so the same wave is new every time (and its date not future).
        return {**super().new_survey(), "wave": 12, "date": "2024-02-02"}


@pytest.mark.slow
def test_every_operation_for_every_role_signed_in_for_real(roles):
    world = SeparateWorld()
    # Everything the cases need, made before the first request: each request is undone after it
    # (a savepoint), so that one role's write does not change what the next role finds.
    for attribute in (
        "household", "intervention", "assessment", "survey", "outcome_event", "kept_photo",
        "indicator_value", "context_note", "run", "fixable", "fixed", "fixed_run", "draft", "zrm",
    ):  # fmt: skip
        getattr(world, attribute)
    clients = signed_in_clients(world.district, DistrictFactory(code="WK001405", name="Elders"))
    tally = Tally("API operations")
    # Deletions last: a served deletion leaves nothing for later operations on the same record.
    ordered = sorted(OPERATIONS.items(), key=lambda item: item[1].method == "DELETE")
    for operation_id, operation in ordered:
        for route, spec in operation.cases():
            url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
            for who in everyone():
                expected, refusal_expected = _expected(who, operation, spec)
                with transaction.atomic():
                    response = send(clients[who], operation.method, url, spec.data(world))
                    content = content_of(response)
                    transaction.set_rollback(True)
                leaked = (
                    who == PO_OUTSIDE
                    and operation.household == LIST
                    and shows_household(content, world.household)
                )
                assert response.status_code < 500, (who, operation_id, content[:300])
                tally.record(
                    who,
                    f"{operation.method} {unquote(url)} ({operation_id})",
                    refusal_expected=refusal_expected,
                    as_expected=response.status_code in expected and not leaked,
                    success=200 <= response.status_code < 300 or leaked,
                    status=response.status_code,
                    detail=content[:200],
                )
    tally.check()


# --- every page, GET ----------------------------------------------------------------------------


def _to_sign_in(response) -> bool:
    location = urlsplit(response["Location"]).path
    return location.startswith(reverse("accounts:login"))


def is_served(response) -> bool:
    """2xx, or a redirect that does not send the user to sign in."""
    if 200 <= response.status_code < 300:
        return True
    return response.status_code in (301, 302, 303, 307, 308) and not _to_sign_in(response)


@pytest.mark.slow
def test_every_page_for_every_role_signed_in_for_real(roles, objects, groningen_areas):  # noqa: F811
    from interventions.register.models import Household

    household = Household.objects.get(pk=objects["household"][0]["pk"])
    clients = signed_in_clients(household.area, groningen_areas[1])
    tally = Tally("pages (GET)")
    for name, checks in MATRIX.items():
        for method, builder, allowed in checks:
            if method != "get":
                continue
            kwargs, data = objects[builder] if builder else ({}, None)
            url = reverse(name, kwargs=kwargs)
            for who in everyone():
                response = clients[who].get(url, data)
                assert response.status_code < 500, (who, name)
                served = is_served(response)
                leaked = False
                if who == PO_OUTSIDE:
                    in_address = name in HOUSEHOLD_LEVEL and {"pk", "record"} & set(kwargs)
                    expected_served = PO in allowed and not in_address
                    leaked = served and shows_household(content_of(response), household)
                else:
                    expected_served = who in allowed
                tally.record(
                    who,
                    f"GET {unquote(url)} ({name})",
                    refusal_expected=not expected_served,
                    as_expected=served == expected_served and not leaked,
                    success=served or leaked,
                    status=response.status_code,
                )
    tally.check()
