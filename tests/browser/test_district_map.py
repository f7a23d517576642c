"""The map of the wijken in a real browser, as a council member: plotly.js draws every wijk from
the stored boundaries without a request leaving the server (no topojson, no tile server), the
table holds the wijken, and axe finds no serious violation."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from monitoring.indicators.models import Indicator, IndicatorValue
from siex.accounts.roles import Role

from .dashboards import assert_dashboard, watch

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_council_member_reads_the_map_without_a_request_leaving_the_server(
    page, sign_in, accessible, shoot, groningen_areas, live_server
):
    share = Indicator.objects.create(
        code="pct_arm",
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
        source="CBS, Kerncijfers wijken en buurten",
    )
    for index, area in enumerate(groningen_areas[:-1]):
        IndicatorValue.objects.create(
            indicator=share, area=area, period=2023, value=Decimal(index) + Decimal("0.5")
        )
    outside: list[str] = []
    server = live_server.url

    def only_the_server(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    problems = watch(page)
    sign_in(Role.COUNCIL_MEMBER)
    page.goto(reverse("photos:list"))
    page.get_by_role("link", name="Kaart van de wijken per indicator").click()
    page.get_by_label("Datum").fill("31-12-2024")
    page.get_by_role("button", name="Tonen").click()

    figure = page.locator("#chart-wijkkaart")
    expect(figure.locator("svg.main-svg").first).to_be_attached()
    # Every wijk is a filled shape; the one without a value is in the legend as "geen gegevens".
    expect(figure.locator(".scatterlayer .trace")).to_have_count(len(groningen_areas))
    expect(figure.locator(".legend")).to_contain_text("geen gegevens")
    expect(page.locator(".chart__summary")).to_contain_text("het hoogst in")
    expect(page.locator(".chart__source")).to_contain_text("CBS, Kerncijfers wijken en buurten")

    page.locator('[aria-controls="chart-wijkkaart-table"]').click()
    table = page.locator("#chart-wijkkaart-table tbody tr")
    expect(table).to_have_count(len(groningen_areas))
    expect(table.last).to_contain_text("geen gegevens")

    assert_dashboard(page, shoot, "wijkkaart-council", accessible)
    problems.assert_none()
    assert not outside, outside


def test_a_policy_officer_reads_the_charts_of_an_area_photo(
    page, sign_in, accessible, shoot, groningen_areas, live_server
):
    share = Indicator.objects.create(
        code="pct_arm",
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
    )
    wijk = groningen_areas[3]
    for period, number in ((2021, "12.5"), (2022, "11.0"), (2023, "10.0")):
        IndicatorValue.objects.create(
            indicator=share, area=wijk, period=period, value=Decimal(number)
        )
    outside: list[str] = []
    server = live_server.url

    def only_the_server(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    problems = watch(page)
    sign_in(Role.POLICY_OFFICER)
    page.goto(reverse("photos:area", args=[wijk.code]) + "?datum=2024-06-30")
    trend = page.locator("#chart-trend")
    expect(trend.locator("svg.main-svg").first).to_be_attached()
    assert trend.locator(".scatterlayer .point").count() == 3
    bars = page.locator("#chart-vergelijking")
    expect(bars.locator(".barlayer .point")).to_have_count(1)
    expect(page.locator("#chart-trend-summary")).to_contain_text("ging van 12,5% in 2021")
    assert_dashboard(page, shoot, "wijkfoto-grafieken", accessible)
    problems.assert_none()
    assert not outside, outside
