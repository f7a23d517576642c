"""The council member's start page is the dashboard, in a real browser under the content security
policy: plotly.js draws the GREX curve and who benefits with the fixed version's data, axe finds
no serious violation; the council brief prints on A4 without the site's navigation and buttons,
with its charts within the width of the paper."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calculation import services
from siex.accounts.roles import Role

from .conftest import screenshots_folder
from .dashboards import assert_dashboard, watch

pytestmark = pytest.mark.django_db(transaction=True)

#: A4's width less two margins of 15 mm, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = (210 - 2 * 15) / 25.4 * 96


@pytest.fixture
def fixed_run(scenario_version):
    version = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    run = services.run_start(version=version, user=None)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return version, run


def test_the_council_reads_the_dashboard_and_prints_the_brief(
    page, sign_in, accessible, shoot, fixed_run
):
    version, run = fixed_run
    problems = watch(page)
    sign_in(Role.COUNCIL_MEMBER)
    page.goto(reverse("home"))

    grex = page.locator(f"#chart-grex-v{version.pk}")
    expect(grex.locator("svg.main-svg").first).to_be_attached()
    assert grex.locator(".barlayer .point").count() > 0
    who = page.locator(f"#chart-who_pays-v{version.pk}")
    expect(who.locator("svg.main-svg").first).to_be_attached()
    assert who.locator(".barlayer .point").count() > 0
    expect(page.locator(".kpi--npv dd").first).to_contain_text("EUR")
    assert_dashboard(page, shoot, "dashboard-council", accessible)
    problems.assert_none()

    page.get_by_role("link", name="Raadsbrief (om af te drukken)").click()
    page.wait_for_url(f"**{reverse('calculation:version-brief', kwargs={'pk': version.pk})}")
    expect(page.locator("#chart-grex svg.main-svg").first).to_be_attached()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    assert_dashboard(page, shoot, "brief-council", accessible)
    problems.assert_none()

    page.emulate_media(media="print")
    # The site's header, navigation, footer and the buttons are not printed.
    for hidden in (".site-header", ".site-footer", ".brief__tools", ".chart__actions"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("h1")).to_contain_text("versie 1")
    colour = page.evaluate("getComputedStyle(document.querySelector('.brief h2')).color")
    assert colour == "rgb(0, 0, 0)"
    # Each chart fits the printable width of A4.
    widths = page.evaluate(
        "[...document.querySelectorAll('.brief .chart__figure svg.main-svg')]"
        ".map((svg) => svg.getBoundingClientRect().width)"
    )
    assert widths and all(0 < width <= PRINTABLE_WIDTH + 1 for width in widths), widths
    # At the printable width of A4 (the charts redraw to the width of the sheet).
    page.set_viewport_size({"width": round(PRINTABLE_WIDTH), "height": 1100})
    page.wait_for_timeout(300)
    widths = page.evaluate(
        "[...document.querySelectorAll('.brief .chart__figure svg.main-svg')]"
        ".map((svg) => svg.getBoundingClientRect().width)"
    )
    assert all(0 < width <= PRINTABLE_WIDTH + 1 for width in widths), widths
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.brief table, .brief .kpis')]"
        ".filter((element) => element.getBoundingClientRect().right > "
        "document.documentElement.clientWidth + 1).map((element) => element.className)"
    )
    shoot(page, "brief-print")
    assert not overflowing, overflowing
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    pdf_path = screenshots_folder() / "test_dashboard--brief.pdf"
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.write_bytes(pdf)


def test_the_project_lead_picks_a_draft_on_the_dashboard(
    page, sign_in, accessible, shoot, fixed_run
):
    version, _run = fixed_run
    draft = services.scenario_version_new(version=version)
    run = services.run_start(version=draft, user=None)
    services.run_execute(run_id=run.pk)
    sign_in(Role.PROJECT_LEAD)
    page.goto(reverse("calculation:dashboard"))
    expect(page.locator(f"#chart-grex-v{version.pk} svg.main-svg").first).to_be_attached()

    page.get_by_label("Een versie tonen").select_option(str(draft.pk))
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(f"**?versie={draft.pk}")
    expect(page.locator(".badge--draft").first).to_be_visible()
    figure = page.locator(f"#chart-grex-v{draft.pk}")
    expect(figure.locator("svg.main-svg").first).to_be_attached()
    assert figure.locator(".barlayer .point").count() > 0
    assert_dashboard(page, shoot, "dashboard-lead-draft", accessible)
