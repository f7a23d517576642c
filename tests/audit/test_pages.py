"""The audit pages: the access log and the change history, filtered, paged without counting,
downloadable as CSV and Excel (formulas neutralised, the download logged). The access log is the
administrator's; the change history shows each role only the records it may read: household
records to policy officers and project leads, accounts and roles to the administrator, the
catalogue to both."""

import csv
import io
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from siex.audit.selectors import PAGE_SIZE
from tests.factories import HouseholdFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db

ACCESS_LOG = reverse("audit:access-log")
ACCESS_EXPORT = reverse("audit:access-log-export")
CHANGES = reverse("audit:changes")
CHANGES_EXPORT = reverse("audit:changes-export")


@pytest.fixture
def admin(client_for) -> Client:
    return client_for(Role.ADMINISTRATOR)


@pytest.fixture
def lead(client_for) -> Client:
    """A project lead: reads households, so also their change history."""
    return client_for(Role.PROJECT_LEAD)


def text(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def at(day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(2025, 3, day, hour, 0))


def entry(**fields) -> AccessLogEntry:
    defaults = {
        "timestamp": at(10),
        "username": "anna",
        "roles": [Role.POLICY_OFFICER.value],
        "action": "view",
        "model": "interventions.household",
        "object_ids": [7],
        "object_count": 1,
        "method": "GET",
        "path": "/huishoudens/7/",
        "remote_addr": "192.0.2.1",
        "status_code": 200,
    }
    return AccessLogEntry.objects.create(**{**defaults, **fields})


def csv_rows(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def exports_logged() -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action="export").order_by("id"))


# --- Access log -----------------------------------------------------------------------------------


def test_the_access_log_shows_who_read_what_newest_first(admin):
    entry(username="anna", timestamp=at(10), query={"area": "WK001401"})
    entry(username="bert", timestamp=at(11), action="export", object_ids=None, object_count=9000)
    page = text(admin.get(ACCESS_LOG))
    assert page.index("bert") < page.index("anna")
    assert "10-03-2025 12:00:00" in page
    assert "Policy officer" in page
    assert "District: WK001401" in page
    assert "9.000 records (too many to list; see the filter)" in page  # Dutch notation
    assert "GET /huishoudens/7/" in page
    assert "192.0.2.1" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "bert"}, {"bert"}),
        ({"action": "export"}, {"carla"}),
        ({"model": "interventions.intervention"}, {"dirk"}),
        ({"date_from": "2025-03-11"}, {"bert", "carla", "dirk"}),
        ({"date_until": "2025-03-11"}, {"anna", "bert"}),
        ({"date_from": "2025-03-11", "date_until": "2025-03-11"}, {"bert"}),
        ({"date_from": "11-03-2025", "date_until": "11-3-2025"}, {"bert"}),
        ({"record": "7"}, {"anna", "bert"}),
        ({"record": "70"}, {"dirk"}),
        ({"user": "anna", "record": "70"}, set()),
    ],
)
def test_the_access_log_filters(admin, query, expected):
    entry(username="anna", timestamp=at(10, 23), object_ids=[7, 8])
    entry(username="bert", timestamp=at(11), object_ids=[7])
    entry(username="carla", timestamp=at(12), action="export", object_ids=None, object_count=3000)
    entry(username="dirk", timestamp=at(13), model="interventions.intervention", object_ids=[70])
    response = admin.get(ACCESS_LOG, query)
    assert response.status_code == 200
    shown = {row["entry"].username for row in response.context["rows"]}
    assert shown == expected


def test_the_period_is_typed_as_on_every_page_not_in_the_browsers_notation(admin):
    response = admin.get(ACCESS_LOG, {"date_from": "11-03-2025"})
    field = response.context["form"]["date_from"]
    assert 'type="date"' not in str(field)
    assert 'value="11-03-2025"' in str(field)


def test_a_period_that_ends_before_it_starts_is_an_error(admin):
    entry()
    response = admin.get(ACCESS_LOG, {"date_from": "2025-03-12", "date_until": "2025-03-10"})
    assert "The end of the period lies before its start." in text(response)
    assert response.context["rows"] == []


def test_the_access_log_pages_without_counting(admin):
    for minute in range(PAGE_SIZE + 10):
        entry(timestamp=at(10) + timedelta(minutes=minute), object_ids=[minute])
    # Two entries at the same moment: the id keeps the order exact across pages.
    entry(timestamp=at(10), object_ids=[1000])

    with CaptureQueriesContext(connection) as queries:
        first = admin.get(ACCESS_LOG)
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    first_ids = [row["entry"].pk for row in first.context["rows"]]
    assert len(first_ids) == PAGE_SIZE
    cursor = first.context["next_cursor"]
    assert cursor == first_ids[-1]
    assert f"before={cursor}" in first.content.decode()

    more = admin.get(ACCESS_LOG, {"before": cursor}, HTTP_HX_REQUEST="true")
    assert b"<html" not in more.content  # only the rows, appended by htmx
    second_ids = [row["entry"].pk for row in more.context["rows"]]
    assert len(second_ids) == 11
    assert more.context["next_cursor"] is None
    assert set(first_ids).isdisjoint(second_ids)
    assert set(first_ids) | set(second_ids) == set(
        AccessLogEntry.objects.values_list("pk", flat=True)
    )


def test_the_access_log_downloads_as_csv_with_formulas_neutralised(admin):
    entry(username="anna", query={'=HYPERLINK("http://evil")': "1"}, object_ids=[7, 8])
    entry(username="bert", action="export")
    response = admin.get(ACCESS_EXPORT, {"format": "csv", "user": "anna"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="access-log-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["Time (Europe/Amsterdam)", "User", "User id"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Time (Europe/Amsterdam)"] == "10-03-2025 12:00:00"
    assert row["Record ids"] == "7, 8"
    assert row["Search and filter"] == '\'=HYPERLINK("http://evil"): 1'


def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(admin):
    for username in ("=cmd|'/c calc'!A1", "+1", "-1", "@SUM(A1)"):
        entry(username=username)
    rows = csv_rows(admin.get(ACCESS_EXPORT, {"format": "csv", "action": "view"}))[1:]
    assert sorted(row[1] for row in rows) == ["'+1", "'-1", "'=cmd|'/c calc'!A1", "'@SUM(A1)"]

    download = admin.get(ACCESS_EXPORT, {"format": "xlsx", "action": "view"})
    workbook = load_workbook(io.BytesIO(download.content))
    sheet = workbook.active
    cells = [sheet.cell(row=row, column=2) for row in range(2, 6)]
    assert sorted(cell.value for cell in cells) == ["'+1", "'-1", "'=cmd|'/c calc'!A1", "'@SUM(A1)"]
    assert all(cell.data_type == "s" for cell in cells)


def test_the_access_log_downloads_as_excel(admin):
    entry(username="anna", object_ids=[7, 8], result_count=2)
    response = admin.get(ACCESS_EXPORT, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["Time (Europe/Amsterdam)"] == datetime(2025, 3, 10, 12, 0)
    assert values["User"] == "anna"
    assert values["Record ids"] == "7, 8"
    assert values["Results"] == 2
    assert sheet.freeze_panes == "A2"


def test_downloading_the_access_log_is_itself_logged(admin):
    first = entry(username="anna")
    second = entry(username="anna", action="list")
    entry(username="bert")
    admin.get(ACCESS_EXPORT, {"format": "csv", "user": "anna"})
    [logged] = exports_logged()
    assert logged.username == "test-beheerder"
    assert logged.roles == [Role.ADMINISTRATOR.value]
    assert logged.model == "audit.accesslogentry"
    assert sorted(logged.object_ids) == sorted([first.pk, second.pk])
    assert logged.result_count == 2
    assert logged.query == {"format": "csv", "user": "anna"}
    assert logged.path == ACCESS_EXPORT


def test_an_unknown_download_format_is_refused(admin):
    assert admin.get(ACCESS_EXPORT, {"format": "pdf"}).status_code == 400


def test_an_invalid_filter_is_not_downloaded(admin):
    response = admin.get(ACCESS_EXPORT, {"format": "csv", "record": "abc"})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert exports_logged() == []


# --- Change history -------------------------------------------------------------------------------


@pytest.fixture
def history(user_for, groningen_areas):
    """A household created and changed by a policy officer, a catalogue entry by a project lead."""
    officer, lead = user_for(Role.POLICY_OFFICER), user_for(Role.PROJECT_LEAD)
    with set_actor(officer, remote_addr="192.0.2.7"):
        household = HouseholdFactory(area=groningen_areas[0], children=0)
        household.children = 2
        household.debt_situation = "gkb_arrangement"
        household.save()
    with set_actor(lead):
        intervention_type = InterventionTypeFactory(name_nl="Budgetcoaching")
    return {"household": household, "intervention_type": intervention_type}


def test_the_change_history_shows_who_changed_what_with_old_and_new_values(lead, history):
    response = lead.get(CHANGES)
    assert response.status_code == 200
    page = text(response)
    assert "test-beleidsmedewerker" in page
    assert "test-projectleider" in page
    assert "Children: 0 → 2" in page
    assert "in a debt arrangement (GKB)" in page  # the choice's label, not its code
    assert "changed" in page and "created" in page
    assert "192.0.2.7" in page
    household = history["household"]
    rows = response.context["rows"]
    assert rows[0]["entry"].timestamp >= rows[-1]["entry"].timestamp
    assert any(row["entry"].object_id == household.pk for row in rows)


@pytest.mark.parametrize(
    ("query", "expected_models"),
    [
        ({"model": "interventions.household"}, {"household"}),
        ({"model": "interventions.interventiontype"}, {"interventiontype"}),
        ({"user": "test-projectleider"}, {"interventiontype"}),
        ({"action": "1"}, {"household"}),
    ],
)
def test_the_change_history_filters(lead, history, query, expected_models):
    response = lead.get(CHANGES, query)
    models = {row["entry"].content_type.model for row in response.context["rows"]}
    assert models == expected_models


def test_the_change_history_filters_on_record_and_date(lead, history):
    household = history["household"]
    response = lead.get(CHANGES, {"model": "interventions.household", "record": household.pk})
    assert len(response.context["rows"]) == 2  # created, then changed
    today = timezone.localdate().isoformat()
    assert lead.get(CHANGES, {"date_from": today}).context["rows"]
    assert not lead.get(CHANGES, {"date_until": "2000-01-01"}).context["rows"]


def test_reading_the_change_history_is_logged(lead, history):
    response = lead.get(CHANGES, {"model": "interventions.household"})
    [logged] = AccessLogEntry.objects.all()
    assert (logged.action, logged.model) == ("list", "auditlog.logentry")
    assert logged.username == "test-projectleider"
    assert logged.object_ids == [row["entry"].pk for row in response.context["rows"]]
    assert logged.query == {"model": "interventions.household"}


def test_the_change_history_downloads_one_row_per_changed_field(lead, history):
    household = history["household"]
    response = lead.get(
        CHANGES_EXPORT,
        {"format": "csv", "model": "interventions.household", "record": household.pk},
    )
    header, *rows = csv_rows(response)
    assert header == [
        "Time (Europe/Amsterdam)",
        "User",
        "Action",
        "Kind of record",
        "Record id",
        "Record",
        "Field",
        "Old value",
        "New value",
        "Address",
    ]
    changed = [row for row in rows if row[2] == "changed"]
    assert sorted((row[6], row[7], row[8]) for row in changed) == [
        ("children", "0", "2"),
        ("debt situation", "problematic debts", "in a debt arrangement (GKB)"),
    ]
    assert all(row[4] == str(household.pk) for row in rows)
    [logged] = exports_logged()
    assert logged.model == "auditlog.logentry"
    assert sorted(logged.object_ids) == sorted(
        LogEntry.objects.filter(
            object_id=household.pk, content_type__model="household"
        ).values_list("pk", flat=True)
    )


def test_the_change_history_downloads_as_excel(lead, history):
    response = lead.get(CHANGES_EXPORT, {"format": "xlsx", "user": "test-projectleider"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=1).value == "Time (Europe/Amsterdam)"
    assert {sheet.cell(row=row, column=2).value for row in range(2, sheet.max_row + 1)} == {
        "test-projectleider"
    }


# --- Who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.PROJECT_LEAD, None]
)
@pytest.mark.parametrize("url", [ACCESS_LOG, ACCESS_EXPORT])
def test_only_the_administrator_reads_the_access_log(client_for, role, url):
    entry()
    assert client_for(role).get(url, {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, None])
@pytest.mark.parametrize("url", [CHANGES, CHANGES_EXPORT])
def test_a_council_member_never_reads_the_change_history(client_for, role, url):
    assert client_for(role).get(url, {"format": "csv"}).status_code == 403


HOUSEHOLD_KINDS = {"household", "intervention", "assessment", "surveyresponse", "outcomeevent"}
CATALOGUE_KINDS = {"interventiontype", "outcome", "outcomevalue", "interventionoutcome"}
# The teams of policy officers (who sees which household) are the administrator's, as accounts are.
ACCOUNT_KINDS = {"user", "group", "team"}


@pytest.fixture
def every_kind(history, user_for):
    """Besides ``history``: an account whose roles an administrator gave and changed."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    administrator = user_for(Role.ADMINISTRATOR)
    with set_actor(administrator, remote_addr="192.0.2.9"):
        account = UserFactory(username="nieuw")
        account.groups.add(Group.objects.get(name=Role.COUNCIL_MEMBER.value))
        account.groups.set([Group.objects.get(name=Role.POLICY_OFFICER.value)])
    return {**history, "account": account}


def kinds_shown(response) -> set[str]:
    return {row["entry"].content_type.model for row in response.context["rows"]}


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (Role.ADMINISTRATOR, ACCOUNT_KINDS | CATALOGUE_KINDS),
        (Role.POLICY_OFFICER, HOUSEHOLD_KINDS | CATALOGUE_KINDS),
        (Role.PROJECT_LEAD, HOUSEHOLD_KINDS | CATALOGUE_KINDS),
    ],
)
def test_each_role_finds_the_kinds_of_record_it_may_read(client_for, every_kind, role, kinds):
    client = client_for(role)
    response = client.get(CHANGES)
    assert response.status_code == 200
    assert kinds_shown(response) <= kinds
    choices = response.context["form"].fields["model"].choices
    assert {value.split(".")[1] for value, _label in choices if value} == kinds


def test_the_administrator_never_sees_household_records_in_the_change_history(admin, every_kind):
    household = every_kind["household"]
    page = admin.get(CHANGES)
    assert "user" in kinds_shown(page)
    assert kinds_shown(page) <= ACCOUNT_KINDS | CATALOGUE_KINDS
    assert "in a debt arrangement (GKB)" not in text(page)
    assert "192.0.2.7" not in text(page)  # the officer's address on the household's entries
    # Asking for households by name is an invalid choice, not an empty door.
    asked = admin.get(CHANGES, {"model": "interventions.household", "record": household.pk})
    assert asked.context["rows"] == []
    assert "Kind of record" in text(asked) and "Select a valid choice" in text(asked)
    # ... also in the downloads: the household's entries are not in them, whatever the filter.
    household_entries = set(
        LogEntry.objects.filter(content_type__model="household").values_list("pk", flat=True)
    )
    assert household_entries
    for query in ({}, {"record": household.pk}, {"user": "test-beleidsmedewerker"}):
        download = admin.get(CHANGES_EXPORT, {"format": "csv", **query})
        assert download.status_code == 200
        rows = csv_rows(download)[1:]
        assert not any(row[3] in ("household", "intervention") for row in rows)
        assert not any("debt situation" in row for row in rows)
        workbook = admin.get(CHANGES_EXPORT, {"format": "xlsx", **query})
        sheet = load_workbook(io.BytesIO(workbook.content)).active
        assert not any(
            sheet.cell(row=row, column=4).value in ("household", "intervention")
            for row in range(2, sheet.max_row + 1)
        )
    exported = {pk for logged in exports_logged() for pk in logged.object_ids or []}
    assert not exported & household_entries


def test_the_administrator_reads_who_changed_which_account(admin, every_kind):
    account = every_kind["account"]
    response = admin.get(CHANGES, {"model": "auth.user", "record": account.pk})
    rows = response.context["rows"]
    assert {row["user"] for row in rows} == {"test-beheerder"}
    assert {row["entry"].remote_addr for row in rows} == {"192.0.2.9"}
    page = text(response)
    assert "raadslid" in page and "beleidsmedewerker" in page  # the role given, then changed


def test_a_policy_officer_does_not_read_the_history_of_accounts(client_for, every_kind):
    officer = client_for(Role.POLICY_OFFICER)
    response = officer.get(CHANGES, {"model": "auth.user"})
    assert response.context["rows"] == []
    download = csv_rows(officer.get(CHANGES_EXPORT, {"format": "csv"}))[1:]
    assert not any(row[3] in ("user", "group") for row in download)


def test_the_navigation_shows_the_audit_log_to_the_administrator_only(client_for):
    assert b'href="/audit/"' in client_for(Role.ADMINISTRATOR).get(reverse("home")).content
    for role in (Role.POLICY_OFFICER, Role.PROJECT_LEAD, Role.COUNCIL_MEMBER):
        assert b'href="/audit/"' not in client_for(role).get(reverse("home")).content


def test_the_roles_that_see_households_find_their_change_history_in_the_navigation(client_for):
    for role in (Role.POLICY_OFFICER, Role.PROJECT_LEAD):
        page = client_for(role).get(reverse("home")).content
        assert f'href="{CHANGES}"'.encode() in page
        # No tab to the access log: that is the administrator's.
        assert f'href="{ACCESS_LOG}"'.encode() not in client_for(role).get(CHANGES).content
    assert f'href="{CHANGES}"'.encode() not in client_for(Role.COUNCIL_MEMBER).get("/").content


def test_a_download_stops_at_its_limit_and_says_so(admin, monkeypatch):
    from siex.audit import views

    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    for day in range(1, 6):
        entry(timestamp=at(day), username=f"user-{day}")
    header, *rows = csv_rows(admin.get(ACCESS_EXPORT, {"format": "csv", "action": "view"}))
    assert [row[1] for row in rows[:3]] == ["user-5", "user-4", "user-3"]
    assert rows[3] == ["More entries match: narrow the filter to download the older ones."]
    [logged] = exports_logged()
    assert logged.result_count == 3 and len(logged.object_ids) == 3


def test_the_change_history_names_related_records_and_formats_values(lead, history):
    household = history["household"]
    response = lead.get(CHANGES, {"model": "interventions.household", "action": "0"})
    [row] = response.context["rows"]
    changes = {change.field: change for change in row["changes"]}
    assert changes["district"].new == str(household.area)  # the name, not the id
    assert changes["start of participation"].new == household.participation_start.strftime(
        "%d-%m-%Y"
    )
    assert "interventions" not in changes  # a reverse relation, not a field of the record
    assert "ID" not in changes


@pytest.mark.django_db
def test_the_history_of_a_record_is_found_by_one_index():
    """Kind and id of the record together: with millions of entries, two single-column indexes
    cost a household page tens of milliseconds."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "auditlog_logentry")
    assert any(
        c["index"] and c["columns"] == ["content_type_id", "object_pk"]
        for c in constraints.values()
    )
