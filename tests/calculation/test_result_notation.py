"""How the results pages write what they show: rates as they were given, dates the Dutch way,
the two net present values each explained as the view it is, and the version by its number."""

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from calculation import services
from calculation.models import CalculationRun
from calculation.results.readers import parameter_decimals

from .page_helpers import calculate, text, version_url

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize(
    ("kind", "values", "places"),
    [
        ("discount_rate", (0.0225,), 2),
        ("discount_rate", (0.015, 0.0225, 0.04), 2),
        ("discount_rate", (0.03,), 1),  # never fewer than a percentage's usual one
        ("success_probability", (0.123456,), 3),  # at most three
        ("unit_cost", (1234.5,), 0),  # euros stay whole
        ("cost_factor", (1.0,), 2),
    ],
)
def test_a_parameter_shows_as_many_decimals_as_it_was_given(kind, values, places):
    assert parameter_decimals(kind, *values) == places


@pytest.fixture
def calculated(lead, scenario_version):
    """The scenario with a discount rate of 2.25% and a range around it, calculated."""
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        discount_rate=0.0225,
        uncertainty=[
            *scenario_version.uncertainty,
            {"parameter": "discount_rate", "low": 0.015, "high": 0.04},
        ],
    )
    return version, calculate(version)


def test_the_tornado_shows_the_base_discount_rate_as_given(lead, calculated):
    _version, run = calculated
    lead.cookies["django_language"] = "nl"
    page = text(lead.get(reverse("calculation:run", kwargs={"pk": run.pk})))
    sensitivity = page[page.index("Gevoeligheid") :]
    assert "Discontovoet 1,50% 2,25% 4,00%" in sensitivity
    assert "2,3%" not in sensitivity


def test_the_grex_section_writes_dates_the_dutch_way_and_says_which_view_it_is(lead, calculated):
    _version, run = calculated
    lead.cookies["django_language"] = "nl"
    response = lead.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    page = text(response)
    ledger = page[page.index("Exploitatieoverzicht van de gemeente") : page.index("Budgetpositie")]
    assert not ISO_DATE.search(ledger)
    assert re.search(r"\b31-12-\d{4}\b", ledger)
    assert "maatschappelijk (MKBA)" in ledger and "BBV" in ledger
    # ... and the key figure of the social view says it is one.
    key_figures = page[: page.index("Exploitatieoverzicht van de gemeente")]
    assert "Maatschappelijke kijk (MKBA)" in key_figures
    assert not ISO_DATE.search(str(CalculationRun.objects.get(pk=run.pk)))


def test_the_scenario_pages_write_dates_with_two_digit_days_and_months(lead, scenario_version):
    with freeze_time("2026-03-05 10:15"):
        version = services.scenario_version_fix(
            version=scenario_version, expected_version=scenario_version.version
        )
        run = calculate(version)
    for url in (
        version_url(version),
        reverse("calculation:run", kwargs={"pk": run.pk}),
        reverse("calculation:scenarios"),
    ):
        page = text(lead.get(url))
        assert "05-03-2026" in page, url
        assert not re.search(r"(?<![\d-])5-3-2026", page), url
        assert not ISO_DATE.search(page), url


def test_every_page_names_a_version_by_its_number_not_its_id(lead, scenario_version):
    # Versions of another scenario first, so that the ids and the numbers differ.
    other = services.scenario_create(code="ander", name="Ander scenario")
    services.scenario_version_new(version=other)
    second = services.scenario_version_new(version=scenario_version)
    assert second.pk != second.number
    run = calculate(second)
    for url in (
        version_url(second),
        reverse("calculation:run", kwargs={"pk": run.pk}),
        reverse("calculation:scenarios"),
    ):
        html = lead.get(url).content.decode()
        links = re.findall(
            rf'<a href="{version_url(second)}">(.*?)</a>|<span aria-current="page">(.*?)</span>',
            html,
        )
        for shown in ("".join(link) for link in links):
            assert f"v{second.pk}" not in shown or second.pk == second.number
        assert f"v{second.number}" in text(lead.get(url)), url
    heading = re.search(r"<h1>(.*?)</h1>", lead.get(version_url(second)).content.decode(), re.S)
    assert f"version {second.number}" in heading.group(1)
