"""The project lead uploads a file of indicator values with a mistake, reads the problem by row
and column, corrects the file, sees what storing it would change and commits it; the same file
again changes nothing."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from monitoring.indicators.models import IndicatorValue
from monitoring.models import Area
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "gebied;jaar;indicator;waarde\n"
GOOD = "WK001400;2023;pct_hh_tot_120_sociaal_minimum;18,4\n"
# A percentage of 140: the third row of the file (the column names are row 1).
BAD = "WK001401;2023;pct_hh_tot_120_sociaal_minimum;140\n"
FIXED = "WK001401;2023;pct_hh_tot_120_sociaal_minimum;14,0\n"


@pytest.fixture
def indicators(groningen_areas):
    call_command("load_indicators", stdout=io.StringIO())
    Area.objects.filter(code="GM0014").update(valid_from=2019)


def upload(page, name: str, content: str) -> None:
    page.get_by_label("Bestand met indicatorwaarden (CSV of XLSX)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )
    page.get_by_role("button", name="Bestand controleren").click()


def test_the_project_lead_corrects_a_bad_row_and_commits_the_file(
    page, sign_in, accessible, indicators, tmp_path
):
    sign_in(Role.PROJECT_LEAD)
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    navigation.get_by_role("link", name="Indicatoren importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicatorwaarden importeren")
    accessible(page)

    upload(page, "wijken.csv", HEADER + GOOD + BAD)

    # The problem is named by row and column, in Dutch; nothing is stored.
    expect(page.locator(".error-summary")).to_contain_text("1 probleem")
    problem = page.locator("#problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("th")).to_have_text("3")
    expect(problem).to_contain_text("waarde")
    expect(problem).to_contain_text("tussen 0 en 100")
    expect(page.get_by_role("button", name="Vastleggen")).to_have_count(0)
    page.screenshot(path=tmp_path / "indicator-check-problem.png", full_page=True)
    accessible(page)
    assert not IndicatorValue.objects.exists()

    # Corrected and uploaded again: the counts, then "Vastleggen".
    page.get_by_role("link", name="Verbeterd bestand uploaden").click()
    upload(page, "wijken.csv", HEADER + GOOD + FIXED)
    expect(page.get_by_text("Klaar om vast te leggen.")).to_be_visible()
    counts = page.locator("#counts tbody td")
    expect(counts.nth(1)).to_have_text("2")  # new
    accessible(page)
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("De waarden zijn vastgelegd.")).to_be_visible()
    assert IndicatorValue.objects.count() == 2

    # The same file once more: nothing changes, and the page says so.
    page.get_by_role("link", name="Indicatorwaarden importeren").first.click()
    upload(page, "wijken.csv", HEADER + GOOD + FIXED)
    expect(page.get_by_text("vastleggen verandert niets")).to_be_visible()
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Er is niets veranderd").first).to_be_visible()
    assert IndicatorValue.objects.count() == 2

    page.goto("/wijkfoto/importeren/")
    recent = page.get_by_role("table", name="De laatst geüploade indicatorbestanden", exact=False)
    expect(recent).to_contain_text("controle mislukt: 1 probleem")
    expect(recent).to_contain_text("2 / 0 / 0")
    page.screenshot(path=tmp_path / "indicator-recent.png", full_page=True)
    accessible(page)
