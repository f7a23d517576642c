# ruff: noqa: F811 - the fixtures of test_revision are imported and used as arguments
"""The pages of the revision, plan versus actual and the closing: the project lead's flow, the
downloads, the council's read-only access to fixed versions, and the locked state."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from calculation.models import VersionKind
from calculation.revision.services import scenario_close
from calculation.services import scenario_version_fix, scenario_version_new
from siex.accounts.roles import Role
from tests.calculation.test_revision import (  # noqa: F401 - fixtures
    START,
    THIS_YEAR,
    fixed_plan,
    lead_user,
)

pytestmark = pytest.mark.django_db


def number(text: str) -> float:
    return float(text.replace(",", "."))


def url(name, version):
    return reverse(f"calculation:{name}", kwargs={"pk": version.pk})


def test_the_project_lead_makes_a_revision_from_a_fixed_version(lead, fixed_plan):
    page = lead.get(url("version", fixed_plan))
    assert url("version-revise", fixed_plan).encode() in page.content
    assert url("scenario-close", fixed_plan).encode() in page.content
    form = lead.get(url("version-revise", fixed_plan))
    assert f'value="01-01-{THIS_YEAR}"'.encode() in form.content
    response = lead.post(
        url("version-revise", fixed_plan), {"revision_date": f"{THIS_YEAR}-01-01", "note": ""}
    )
    revision = fixed_plan.scenario.versions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == url("version", revision)
    assert revision.kind == VersionKind.REVISION
    detail = lead.get(url("version", revision)).content.decode()
    assert "revision (herziening)" in detail
    assert f"{START}–{THIS_YEAR - 1}" in detail


def test_a_revision_date_in_the_future_is_refused_on_the_form(lead, fixed_plan):
    response = lead.post(url("version-revise", fixed_plan), {"revision_date": "01-01-2099"})
    assert response.status_code == 200
    assert b"cannot lie in the future" in response.content
    assert fixed_plan.scenario.versions.count() == 1


def test_a_draft_cannot_be_revised_or_closed(lead, fixed_plan):
    draft = scenario_version_new(version=fixed_plan)
    for name in ("version-revise", "scenario-close"):
        response = lead.get(url(name, draft), follow=True)
        assert b"Only a fixed (vastgesteld) version can be revised or closed" in response.content


def test_plan_versus_actual_shows_the_split_and_downloads_it(lead, fixed_plan, lead_user):  # noqa: F811
    from calculation.revision.services import scenario_version_revise

    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    page = lead.get(url("version-plan-actual", revision)).content.decode()
    assert "Plan versus actual" in page
    assert "EUR\u00a03.600,00" in page  # volume
    assert "EUR\u00a02.500,00" in page  # price
    assert "−EUR\u00a05.006,06" in page  # timing of the first year

    answer = lead.get(url("version-plan-actual", revision), {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Intervention type", "Year", "Planned volume", "Actual volume"]
    assert rows[1][1] == str(START) and rows[1][-1] == "-5006,06"
    assert rows[-1][0] == "Total" and number(rows[-1][-1]) == 0

    answer = lead.get(url("version-plan-actual", revision), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(answer.content))
    assert len(workbook.sheetnames) == 2
    by_type = workbook.worksheets[0]
    header = [cell.value for cell in by_type[1]]
    values = dict(zip(header, [cell.value for cell in by_type[2]], strict=True))
    assert values["Volume variance"] == 3600
    assert values["Price variance"] == 2500
    assert values["Timing variance"] == 0


def test_a_council_member_reads_plan_versus_actual_of_fixed_versions_only(client_for, fixed_plan):
    council = client_for(Role.COUNCIL_MEMBER)
    page = council.get(url("version-plan-actual", fixed_plan))
    assert page.status_code == 200
    assert b"Plan versus actual" in page.content
    # A link to the fixed version's page, which the council reads too.
    assert f'href="{url("version", fixed_plan)}"'.encode() in page.content
    assert council.get(url("version", fixed_plan)).status_code == 200
    draft = scenario_version_new(version=fixed_plan)
    assert council.get(url("version-plan-actual", draft)).status_code == 403
    api = reverse("scenario-version-plan-actual", kwargs={"pk": draft.pk})
    assert council.get(api).status_code == 403


def test_closing_asks_for_confirmation_then_locks_every_page(lead, fixed_plan):
    leftover = scenario_version_new(version=fixed_plan)
    confirm = lead.get(url("scenario-close", fixed_plan)).content.decode()
    assert "This cannot be undone" in confirm
    assert not fixed_plan.scenario.versions.filter(kind=VersionKind.FINAL).exists()

    response = lead.post(url("scenario-close", fixed_plan), {"note": ""})
    final = fixed_plan.scenario.versions.get(kind=VersionKind.FINAL)
    assert response["Location"] == url("version", final)

    for page in (
        url("version", final),
        url("version", fixed_plan),
        url("version-plan-actual", final),
        reverse("calculation:run", kwargs={"pk": final.runs.get().pk}),
    ):
        assert b'id="closed-notice"' in lead.get(page).content, page
    detail = lead.get(url("version", fixed_plan)).content
    assert url("version-revise", fixed_plan).encode() not in detail
    assert url("scenario-close", fixed_plan).encode() not in detail
    assert b"closed" in lead.get(reverse("calculation:scenarios")).content

    refused = "is closed: its versions can no longer be changed"
    for name, version in (
        ("version-edit", leftover),
        ("version-fix", leftover),
        ("version-new", final),
        ("version-revise", final),
        ("scenario-close", final),
    ):
        answer = lead.post(url(name, version), {"version": version.version}, follow=True)
        assert refused in answer.content.decode(), name
    assert fixed_plan.scenario.versions.count() == 3


def test_the_api_refuses_changes_to_a_closed_exploitation(lead, fixed_plan, lead_user):  # noqa: F811
    leftover = scenario_version_new(version=fixed_plan)
    final = scenario_close(version=fixed_plan, user=lead_user)
    answer = lead.post(
        reverse("scenario-version-close", kwargs={"pk": final.pk}),
        {},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "already closed" in str(answer.json())
    answer = lead.patch(
        reverse("scenario-version-detail", kwargs={"pk": leftover.pk}),
        {"version": leftover.version, "note": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "is closed" in str(answer.json())
    for name in ("scenario-version-revise", "scenario-version-new-version"):
        answer = lead.post(
            reverse(name, kwargs={"pk": final.pk}), {}, content_type="application/json"
        )
        assert answer.status_code == 400, name
        assert "is closed" in str(answer.json())
    answer = lead.get(reverse("scenario-version-plan-actual", kwargs={"pk": final.pk}))
    keys = [table["key"] for table in answer.json()["tables"]]
    assert keys == ["ex_post", "plan_actual_types", "plan_actual_years"]


def test_a_council_member_sees_small_cells_hidden(client_for, lead, fixed_plan, lead_user):
    from calculation.revision.services import scenario_version_revise

    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    revision = scenario_version_fix(version=revision, expected_version=revision.version)
    council = client_for(Role.COUNCIL_MEMBER)
    # 8 interventions two years ago (below 10), so the 25 of last year are hidden with them;
    # the type's total of 33 stays.
    answer = council.get(url("version-plan-actual", revision), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows[1:3]] == ["<10", "<10"]
    assert [row[5] for row in rows[1:3]] == ["<10", "<10"]  # their actual costs
    assert number(rows[1][4]) == 12000  # the plan is not about households
    # The council's actuals are rounded (CBS practice): 8 and 25 to 10 and 25 households, the
    # costs 8,800 and 33,300 to the type's band of 5 x the planned unit cost of 1,200 (6,000 and
    # 36,000), so neither the exact total of 33 nor its costs of 42,100 is shown, and a year's
    # hidden cell does not follow exactly from the totals before and after it was added. The
    # difference and its split are computed from the shown figures, so they add up.
    assert number(rows[-1][3]) == 35 and number(rows[-1][5]) == 42000
    assert number(rows[-1][6]) == 42000 - 36000 == number(rows[-1][7]) + number(rows[-1][8])
    page = council.get(url("version-plan-actual", revision)).content.decode()
    assert "8.800" not in page and "33.300" not in page and "42.100" not in page
    assert "EUR\u00a042.000,00" in page
    # The project lead sees every cell.
    rows = list(
        csv.reader(
            io.StringIO(
                lead.get(url("version-plan-actual", revision), {"format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    assert [number(row[3]) for row in rows[1:3]] == [8, 25]
    api = reverse("scenario-version-plan-actual", kwargs={"pk": revision.pk})
    years = council.get(api).json()["tables"][1]
    assert years["rows"][0]["cells"][3]["text"] == "<10"
