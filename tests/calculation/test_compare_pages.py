"""The comparison page and its downloads: the choice of versions and baseline, the differences per
year, actor and life domain, the downloads equal to the tables shown, a council member comparing
fixed versions only (a draft refused as an unknown version is) with the results
disclosure-controlled, and bad input as a message on the page."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from calculation import services
from calculation.comparison.forms import NOT_AVAILABLE
from interventions.catalogue.models import InterventionType
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

from .page_helpers import calculate, summary, text

pytestmark = pytest.mark.django_db

COMPARE = "calculation:compare"


def chart_url(key, file_format="csv"):
    return reverse("calculation:compare-chart", kwargs={"key": key, "file_format": file_format})


@pytest.fixture
def council(client_for):
    return client_for(Role.COUNCIL_MEMBER)


@pytest.fixture
def two_drafts(scenario_version):
    """The base scenario and a larger copy that starts a year later, both calculated."""
    first = calculate(scenario_version)
    other = services.scenario_copy(version=scenario_version, code="groter", name="Groter")
    other = services.scenario_version_update(
        version=other,
        expected_version=other.version,
        start_year=scenario_version.start_year + 1,
        intake=[
            {
                "intervention_type": "budgetcoaching",
                "year": scenario_version.start_year + 1,
                "households": 100,
            }
        ],
    )
    second = calculate(other)
    return scenario_version, other, first, second


@pytest.fixture
def fixed_pair(scenario_version):
    """Two fixed, calculated versions of the base scenario and a calculated draft after them."""
    one = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    calculate(one)
    two = services.scenario_version_new(version=one)
    two = services.scenario_version_update(
        version=two,
        expected_version=two.version,
        intake=[{"intervention_type": "budgetcoaching", "year": one.start_year, "households": 80}],
    )
    two = services.scenario_version_fix(version=two, expected_version=two.version)
    calculate(two)
    draft = services.scenario_version_new(version=two)
    calculate(draft)
    return one, two, draft


def test_two_versions_are_compared_side_by_side_with_the_difference(lead, two_drafts):
    base, other, first, second = two_drafts
    page = lead.get(reverse(COMPARE))
    assert "Basisscenario – v1" in text(page)
    response = lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk]})
    page = text(response)
    assert "Key figures side by side" in page
    assert "Difference: Groter – v1" in page
    difference = second.results["kpis"]["npv"] - first.results["kpis"]["npv"]
    assert f"+EUR\u00a0{round(difference):,}".replace(",", ".") in page
    assert f"EUR\u00a0{round(first.results['kpis']['npv']):,}".replace(",", ".") in page
    for title in ("Differences per year", "Differences per actor", "Differences per life domain"):
        assert title in page
    for key in ("years", "cumulative", "actors", "domains"):
        assert f'id="chart-{key}"' in response.content.decode()


def test_the_baseline_is_the_oldest_chosen_version_unless_another_is_chosen(lead, two_drafts):
    base, other, _first, _second = two_drafts
    response = lead.get(reverse(COMPARE), {"versions": [other.pk, base.pk]})
    assert response.context["comparison"].baseline.key == str(base.pk)
    assert "Basisscenario – v1 (baseline)" in text(response)
    chosen = lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk], "baseline": other.pk})
    assert chosen.context["comparison"].baseline.key == str(other.pk)
    assert "Groter – v1 (baseline)" in text(chosen)
    assert "Difference: Basisscenario – v1" in text(chosen)


def test_the_years_of_versions_with_different_start_years_are_aligned(lead, two_drafts):
    base, other, first, second = two_drafts
    response = lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk]})
    chart = response.context["charts"]["years"]
    start = base.start_year
    assert chart.rows[0][0].value == start
    assert chart.rows[-1][0].value == start + other.horizon_years
    # The first year is the base's only; the last the later version's only: blank, no difference.
    assert chart.rows[0][1].value == first.results["year_table"][0]["net"]
    assert chart.rows[0][2].text == "" and chart.rows[0][3].text == ""
    assert chart.rows[-1][1].text == "" and chart.rows[-1][3].text == ""
    assert chart.rows[1][3].value == pytest.approx(
        second.results["year_table"][0]["net"] - first.results["year_table"][1]["net"]
    )


def test_the_downloads_hold_exactly_the_rows_of_the_tables(lead, two_drafts):
    base, other, _first, _second = two_drafts
    query = {"versions": [base.pk, other.pk], "baseline": other.pk}
    charts = lead.get(reverse(COMPARE), query).context["charts"]
    page = lead.get(reverse(COMPARE), query).content.decode()
    for key, chart in charts.items():
        download = lead.get(chart_url(key), query)
        assert download.status_code == 200
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
        assert tuple(rows[0]) == chart.headers
        assert len(rows) - 1 == len(chart.rows)
        workbook = openpyxl.load_workbook(
            io.BytesIO(lead.get(chart_url(key, "xlsx"), query).content)
        )
        sheet = workbook.active
        values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert values == [
            [pytest.approx(value) if isinstance(value, float) else value for value in row]
            for row in chart.sheet_rows()
        ], key
        # The CSV holds the same values (in its own notation) in the same places.
        assert [[cell == "" for cell in row] for row in rows[1:]] == [
            [value is None for value in row] for row in chart.sheet_rows()
        ], key
        assert chart_url(key) in page
    assert lead.get(chart_url("tornado"), query).status_code == 404


def test_one_version_a_foreign_baseline_or_an_unknown_id_is_a_message(lead, two_drafts):
    base, other, _first, _second = two_drafts
    one = lead.get(reverse(COMPARE), {"versions": [base.pk]})
    assert one.status_code == 200
    assert "Choose at least two versions." in summary(one)
    assert "Key figures side by side" not in text(one)
    third = services.scenario_copy(version=base, code="derde", name="Derde")
    calculate(third)
    foreign = lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk], "baseline": third.pk})
    assert "The baseline must be one of the chosen versions." in summary(foreign)
    unknown = lead.get(reverse(COMPARE), {"versions": [base.pk, 999999]})
    assert unknown.status_code == 200
    assert str(NOT_AVAILABLE % {"value": 999999}) in summary(unknown)
    words = lead.get(reverse(COMPARE), {"versions": [base.pk, "x"], "baseline": "y"})
    assert words.status_code == 200
    assert "Key figures side by side" not in text(words)
    seven = [base.pk, other.pk, third.pk]
    for n in range(4):
        copy = services.scenario_copy(version=base, code=f"k{n}", name=f"K{n}")
        calculate(copy)
        seven.append(copy.pk)
    assert "Choose at most six versions." in summary(
        lead.get(reverse(COMPARE), {"versions": seven})
    )
    assert lead.get(chart_url("years"), {"versions": [base.pk]}).status_code == 404


def test_different_discount_rates_are_said_above_the_comparison(lead, two_drafts):
    base, other, _first, _second = two_drafts
    services.scenario_version_update(
        version=other, expected_version=other.version, discount_rate=0.035
    )
    other.refresh_from_db()
    calculate(other)
    page = text(lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk]}))
    assert "The versions use different discount rates" in page
    assert "Groter – v1: 3,50%" in page


def test_a_council_member_compares_fixed_versions_only(council, lead, fixed_pair):
    one, two, draft = fixed_pair
    listing = council.get(reverse(COMPARE))
    assert listing.status_code == 200
    choices = [value for value, _label in listing.context["form"].fields["versions"].choices]
    assert choices == [str(one.pk), str(two.pk)]
    lead_choices = lead.get(reverse(COMPARE)).context["form"].fields["versions"].choices
    assert str(draft.pk) in [value for value, _label in lead_choices]
    response = council.get(reverse(COMPARE), {"versions": [one.pk, two.pk]})
    assert response.status_code == 200
    assert "Key figures side by side" in text(response)
    assert council.get(chart_url("actors"), {"versions": [one.pk, two.pk]}).status_code == 200
    assert reverse(COMPARE) in council.get(reverse("calculation:scenarios")).content.decode()


def test_a_draft_is_refused_to_a_council_member_as_an_unknown_version(council, fixed_pair):
    one, _two, draft = fixed_pair
    refused = council.get(reverse(COMPARE), {"versions": [one.pk, draft.pk]})
    unknown = council.get(reverse(COMPARE), {"versions": [one.pk, 999999]})
    assert refused.status_code == unknown.status_code == 200
    assert "Key figures side by side" not in text(refused)
    assert summary(refused).replace(str(draft.pk), "ID") == summary(unknown).replace("999999", "ID")
    assert "draft" not in text(refused).lower().split("there is a problem")[1]
    as_baseline = council.get(reverse(COMPARE), {"versions": [one.pk], "baseline": draft.pk})
    assert str(NOT_AVAILABLE % {"value": draft.pk}) in summary(as_baseline)
    for versions in ([one.pk, draft.pk], [one.pk, 999999]):
        assert council.get(chart_url("years"), {"versions": versions}).status_code == 404


@pytest.fixture
def registered_pair(scenario_version, user_for):
    """Two fixed versions that count three registered households: a small count."""
    coaching = InterventionType.objects.get(code="budgetcoaching")
    for _ in range(3):
        household = HouseholdFactory(participation_start=date(scenario_version.start_year, 1, 1))
        InterventionFactory(
            household=household,
            intervention_type=coaching,
            start_date=date(scenario_version.start_year, 2, 1),
        )
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        user=user_for(Role.PROJECT_LEAD),
        count_registered=True,
    )
    one = services.scenario_version_fix(version=version, expected_version=version.version)
    calculate(one)
    two = services.scenario_version_new(version=one)
    two = services.scenario_version_fix(version=two, expected_version=two.version)
    calculate(two)
    return one, two


def test_the_council_sees_the_compared_results_disclosure_controlled(
    council, lead, registered_pair
):
    one, two = registered_pair
    query = {"versions": [one.pk, two.pk]}

    def households(client):
        rows = client.get(reverse(COMPARE), query).context["kpi_rows"]
        row = next(row for row in rows if row[0].text == "Households")
        return row[1].value

    assert households(lead) == 53
    assert households(council) == 55  # rounded to a multiple of 5 (CBS practice)


def test_the_comparison_keeps_to_the_content_security_policy(lead, two_drafts):
    base, other, _first, _second = two_drafts
    html = lead.get(reverse(COMPARE), {"versions": [base.pk, other.pk]}).content.decode()
    assert "style=" not in html
    assert "<script>" not in html
    assert 'type="application/json"' in html  # the figures, drawn by static/js/charts.js


def test_the_comparison_speaks_dutch(client_for, two_drafts, settings):
    settings.LANGUAGE_CODE = "nl"
    base, other, _first, _second = two_drafts
    client = client_for(Role.PROJECT_LEAD)
    page = text(client.get(reverse(COMPARE), {"versions": [base.pk, other.pk]}))
    assert "Basisscenario – v1 (basis)" in page
    assert "Verschillen per jaar" in page
    assert "Saldo per jaar: het verschil met de basis" in page
    assert "dan de basis (Basisscenario – v1)" in page
    error = client.get(reverse(COMPARE), {"versions": [base.pk, 999999]})
    assert "Versie 999999 kan niet worden vergeleken" in summary(error)
