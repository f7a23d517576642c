"""The access log: log_access in a view is written after the response with who, what, when and
where — also when the view raised or rolled back — outside the view's transaction, with
references masked, forwarded addresses trusted only when configured, and never lost silently."""

import logging
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DatabaseError
from django.test import Client, override_settings
from django.utils import timezone

from siex.accounts.roles import Role
from siex.audit import services
from siex.audit.models import MASK, MAX_STORED_IDS, AccessLogEntry
from siex.audit.services import AccessLogWriteError, log_access

pytestmark = [pytest.mark.urls("tests.audit.urls")]


@pytest.fixture
def officer(client_for) -> Client:
    return client_for(Role.POLICY_OFFICER)


def only_entry() -> AccessLogEntry:
    entries = list(AccessLogEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


@pytest.mark.django_db
def test_a_read_in_a_view_is_logged_with_who_what_when_and_where(officer):
    before = timezone.now()
    response = officer.get("/audit-probe/view/?area=WK001401&page=2", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    entry = only_entry()
    assert entry.username == "test-beleidsmedewerker"
    assert str(entry.user_id) == officer.session["_auth_user_id"]
    assert entry.roles == [Role.POLICY_OFFICER.value]
    assert (entry.action, entry.model) == ("view", "interventions.household")
    assert (entry.object_ids, entry.object_count, entry.result_count) == ([7], 1, 1)
    assert entry.query == {"area": "WK001401", "page": "2"}
    assert (entry.method, entry.path, entry.status_code) == ("GET", "/audit-probe/view/", 200)
    assert entry.remote_addr == "192.0.2.10"
    assert before <= entry.timestamp <= timezone.now()


@pytest.mark.django_db
def test_the_entries_of_one_request_are_written_in_one_insert(officer):
    with mock.patch.object(
        AccessLogEntry.objects, "bulk_create", wraps=AccessLogEntry.objects.bulk_create
    ) as bulk_create:
        officer.get("/audit-probe/twice/")
    assert bulk_create.call_count == 1
    assert sorted(AccessLogEntry.objects.values_list("action", flat=True)) == ["search", "view"]


@pytest.mark.django_db
def test_a_view_that_raises_after_logging_is_still_logged(officer):
    officer.raise_request_exception = False
    response = officer.get("/audit-probe/raises/")
    assert response.status_code == 500
    assert only_entry().status_code == 500


@pytest.mark.django_db
def test_the_entry_is_written_before_the_exception_reaches_the_caller(officer):
    with pytest.raises(RuntimeError, match="failed after logging"):
        officer.get("/audit-probe/raises/")
    assert only_entry().status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_take_the_log_with_it(client_for):
    """Without a test transaction around it, as in production: the view's rollback undoes its
    own write, the entry is written in a transaction of its own afterwards."""
    officer = client_for(Role.POLICY_OFFICER)
    assert officer.get("/audit-probe/rolls-back/").status_code == 200
    assert not Group.objects.filter(name="rolled back").exists()
    entry = only_entry()
    assert (entry.action, entry.status_code) == ("export", 200)


@pytest.mark.django_db(transaction=True)
def test_a_view_that_fails_inside_its_transaction_is_logged(client_for):
    officer = client_for(Role.POLICY_OFFICER)
    officer.raise_request_exception = False
    assert officer.get("/audit-probe/raises-in-transaction/").status_code == 500
    assert not Group.objects.filter(name="never committed").exists()
    assert only_entry().status_code == 500


@pytest.mark.django_db(transaction=True)
def test_the_middleware_writes_outside_any_transaction(client_for):
    """The write is a durable transaction of its own: it could not have joined one the view
    opened (atomic(durable=True) raises inside another atomic block)."""
    officer = client_for(Role.POLICY_OFFICER)
    seen = []
    original = services.access_log_entries_write

    def spy(*, entries):
        from django.db import transaction

        seen.append(transaction.get_connection().in_atomic_block)
        return original(entries=entries)

    with mock.patch("siex.audit.middleware.access_log_entries_write", spy):
        officer.get("/audit-probe/view/")
    assert seen == [False]
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_streaming_response_that_logs_late_is_written_at_once(officer):
    response = officer.get("/audit-probe/streams/")
    assert AccessLogEntry.objects.count() == 0  # nothing read yet
    assert b"".join(response.streaming_content) == b"id\n11\n12\n"
    entry = only_entry()
    assert (entry.object_ids, entry.status_code) == ([11, 12], 200)


# --- Where from -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_unless_trusted(officer):
    officer.get("/audit-probe/view/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert only_entry().remote_addr == "10.0.0.5"
    assert settings.SIEX_TRUST_X_FORWARDED_FOR is False


@pytest.mark.django_db
@override_settings(SIEX_TRUST_X_FORWARDED_FOR=True)
def test_a_trusted_proxy_s_address_is_the_last_in_x_forwarded_for(officer):
    officer.get(
        "/audit-probe/view/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )
    # The first address came from the client and could be forged; the proxy added the last.
    assert only_entry().remote_addr == "203.0.113.9"


@pytest.mark.django_db
@override_settings(SIEX_TRUST_X_FORWARDED_FOR=True)
def test_a_malformed_forwarded_address_falls_back_to_remote_addr(officer):
    officer.get("/audit-probe/view/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="evil")
    assert only_entry().remote_addr == "10.0.0.5"


# --- No raw references ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reference_in_the_query_string_is_masked_and_the_path_has_no_query(officer):
    officer.get("/audit-probe/view/?reference=WIJ-123456&external_reference=X1&area=WK001401")
    entry = only_entry()
    assert entry.query == {"reference": MASK, "external_reference": MASK, "area": "WK001401"}
    assert entry.path == "/audit-probe/view/"
    assert "WIJ-123456" not in str(AccessLogEntry.objects.values().get())


@pytest.mark.django_db
def test_a_reference_in_the_url_path_is_masked(officer):
    officer.get("/audit-probe/by-reference/WIJ-987654/")
    entry = only_entry()
    assert entry.path == f"/audit-probe/by-reference/{MASK}/"
    assert "WIJ-987654" not in str(AccessLogEntry.objects.values().get())


@pytest.mark.django_db
def test_references_are_masked_in_nested_and_repeated_parameters(rf, user_for):
    request = rf.get("/x/")
    request.user = user_for(Role.POLICY_OFFICER)
    log_access(
        request,
        action="search",
        model="interventions.household",
        query={
            "Reference": ["A-1", "A-2"],
            "filters": {"own_reference": "B-1", "area": "WK001401"},
            "empty_reference": "",
            "wijk": None,
            "csrfmiddlewaretoken": "secret",
        },
    )
    # An empty filter selected nothing and is left out.
    assert only_entry().query == {
        "Reference": MASK,
        "filters": {"own_reference": MASK, "area": "WK001401"},
    }


# --- What -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_access_outside_a_request_cycle_writes_at_once(rf, user_for):
    request = rf.get("/households/")
    request.user = user_for(Role.PROJECT_LEAD)
    log_access(request, action="list", model="interventions.Household", object_ids=(3, 1))
    entry = only_entry()
    assert (entry.username, entry.roles) == ("test-projectleider", [Role.PROJECT_LEAD.value])
    assert (entry.model, entry.object_ids, entry.status_code) == (
        "interventions.household",
        [3, 1],
        None,
    )
    assert entry.remote_addr == "127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_ids",
    [lambda n: list(range(1, n + 1)), lambda n: (i for i in range(1, n + 1))],
    ids=["list", "generator"],
)
def test_a_large_read_stores_its_count_and_filter_instead_of_every_id(rf, user_for, make_ids):
    request = rf.get("/export/")
    request.user = user_for(Role.POLICY_OFFICER)
    query = {"area": "WK001401"}
    log_access(
        request,
        action="export",
        model="interventions.household",
        object_ids=make_ids(MAX_STORED_IDS),
        query=query,
    )
    log_access(
        request,
        action="export",
        model="interventions.household",
        object_ids=make_ids(MAX_STORED_IDS + 1),
        query=query,
        result_count=MAX_STORED_IDS + 1,
    )
    at_cap, above = AccessLogEntry.objects.order_by("id")
    assert len(at_cap.object_ids) == at_cap.object_count == MAX_STORED_IDS
    assert above.object_ids is None and above.ids_omitted
    assert above.object_count == MAX_STORED_IDS + 1
    assert above.query == query


@pytest.mark.django_db
def test_a_queryset_of_ids_is_read_with_a_limit(rf, user_for):
    for number in range(5):
        Group.objects.create(name=f"group-{number}")
    request = rf.get("/export/")
    request.user = user_for(Role.POLICY_OFFICER)
    ids = Group.objects.order_by("pk").values_list("pk", flat=True)
    log_access(request, action="export", model="auth.group", object_ids=ids)
    assert only_entry().object_ids == list(ids)


@pytest.mark.django_db
def test_an_unknown_action_is_a_programming_error(rf, user_for):
    request = rf.get("/")
    request.user = user_for(Role.POLICY_OFFICER)
    with pytest.raises(ValueError, match="Unknown access action"):
        log_access(request, action="peek", model="interventions.household")


# --- Failure --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_write_withholds_the_data_and_keeps_the_entry_in_the_error_log(officer, caplog):
    """Fail closed for reads: no household data leaves without a log entry."""
    caplog.set_level(logging.ERROR, logger="siex.audit")
    with mock.patch.object(
        AccessLogEntry.objects, "bulk_create", side_effect=DatabaseError("disk full")
    ):
        response = officer.get("/audit-probe/view/?area=WK001401")
    assert response.status_code == 500
    assert response.content != b"ok"
    assert AccessLogEntry.objects.count() == 0
    [record] = [record for record in caplog.records if record.name == "siex.audit"]
    message = record.getMessage()
    assert "disk full" in message
    assert '"username": "test-beleidsmedewerker"' in message
    assert '"model": "interventions.household"' in message
    assert '"object_ids": [7]' in message


@pytest.mark.django_db
def test_a_failed_write_after_a_change_keeps_the_response(officer, caplog):
    """A POST has already committed its change: a 500 would invite a second import."""
    caplog.set_level(logging.ERROR, logger="siex.audit")
    with mock.patch.object(
        AccessLogEntry.objects, "bulk_create", side_effect=DatabaseError("disk full")
    ):
        response = officer.post("/audit-probe/view/")
    assert response.status_code == 200
    assert "test-beleidsmedewerker" in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_a_failed_immediate_write_raises_and_is_in_the_error_log(rf, user_for, caplog):
    caplog.set_level(logging.ERROR, logger="siex.audit")
    request = rf.get("/")
    request.user = user_for(Role.POLICY_OFFICER)
    with (
        mock.patch.object(
            AccessLogEntry.objects, "bulk_create", side_effect=DatabaseError("disk full")
        ),
        pytest.raises(AccessLogWriteError),
    ):
        log_access(request, action="view", model="interventions.household", object_ids=[5])
    assert '"object_ids": [5]' in caplog.records[0].getMessage()


def test_the_middleware_wraps_the_views_right_after_authentication():
    middleware = settings.MIDDLEWARE
    position = middleware.index("siex.audit.middleware.AccessLogMiddleware")
    assert middleware[position - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"
    assert position < middleware.index("siex.accounts.middleware.DenyByDefaultMiddleware")


@override_settings(SIEX_TRUST_X_FORWARDED_FOR=False)
def test_the_auditlog_middleware_of_siex_does_not_trust_a_forged_address(rf):
    from auditlog.middleware import AuditlogMiddleware as Original

    from siex.audit.middleware import AuditlogMiddleware

    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Original._get_remote_addr(request) == "203.0.113.9"  # what the library does
    assert AuditlogMiddleware._get_remote_addr(request) == "10.0.0.5"
    with override_settings(SIEX_TRUST_X_FORWARDED_FOR=True):
        assert AuditlogMiddleware._get_remote_addr(request) == "203.0.113.9"
