"""A run's results as charts in a real browser, under the content security policy: plotly.js draws
the GREX curve, the effecten-arena by group and the ledger, the button shows a chart's data as a
table, and axe finds no serious violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calculation import services
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_project_lead_reads_the_results_as_charts(page, sign_in, accessible, scenario_version):
    run = services.run_start(version=scenario_version, user=None)
    services.run_execute(run_id=run.pk)
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    sign_in(Role.PROJECT_LEAD)
    page.goto(reverse("calculation:run", kwargs={"pk": run.pk}))

    figure = page.locator("#chart-grex")
    expect(figure.locator("svg.main-svg").first).to_be_attached()
    expect(figure).to_have_attribute("tabindex", "0")
    assert figure.locator(".barlayer .point").count() > 0

    table = page.locator("#chart-grex-table")
    expect(table).to_be_hidden()
    button = page.locator('[aria-controls="chart-grex-table"]')
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("EUR")
    button.click()
    expect(table).to_be_hidden()

    # The effecten-arena by group and the municipality's ledger draw too.
    groups = page.locator("#chart-arena_groups")
    expect(groups.locator("svg.main-svg").first).to_be_attached()
    assert groups.locator(".heatmaplayer image, .heatmaplayer path, .hm").count() > 0
    ledger = page.locator("#chart-ledger")
    expect(ledger.locator("svg.main-svg").first).to_be_attached()
    assert ledger.locator(".barlayer .point").count() > 0

    accessible(page)
    # The policy refuses nothing: no script, no inline <style> (siex.core.charts.staticfiles).
    assert not refused, refused
