"""A policy officer imports a file with a mistake, reads the problem, corrects it, imports it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.register.models import Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "referentie;interventie;startdatum;einddatum;werkelijke_kosten;status;notities\n"
GOOD_ROW = "WIJ-2025-00101;schuldhulpmaatje;03-02-2025;;1750;actief;Intake gedaan\n"
# The end lies before the start: the third row of the spreadsheet (the column names are row 1).
BAD_ROW = "WIJ-2025-00102;schuldhulpmaatje;01-03-2025;01-02-2025;1750;afgerond;\n"
FIXED_ROW = "WIJ-2025-00102;schuldhulpmaatje;01-03-2025;01-04-2025;1750;afgerond;\n"


@pytest.fixture
def households(groningen_areas):
    InterventionTypeFactory(
        code="schuldhulpmaatje", name_nl="Schuldhulpmaatje", unit_cost=Decimal("1750.00")
    )
    return [
        HouseholdFactory(
            pseudonym=pseudonymise(reference),
            area=groningen_areas[0],
            participation_start=date(2025, 1, 6),
        )
        for reference in ("WIJ-2025-00101", "WIJ-2025-00102")
    ]


def upload(page, name: str, content: str) -> None:
    page.get_by_label("Spreadsheet (CSV of XLSX)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )
    page.get_by_role("button", name="Bestand controleren").click()


def test_an_officer_imports_a_file_corrects_the_bad_row_and_imports_it(
    page, sign_in, accessible, households
):
    sign_in(Role.POLICY_OFFICER)
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    navigation.get_by_role("link", name="Importeren en exporteren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren en exporteren")
    accessible(page)

    upload(page, "interventies.csv", HEADER + GOOD_ROW + BAD_ROW)

    # The check lists the problem with its row, column and what is wrong; nothing is saved.
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("1 probleem")
    problem = page.locator("#problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("th")).to_have_text("3")
    expect(problem).to_contain_text("einddatum")
    expect(page.get_by_role("button", name="Bestand importeren")).to_have_count(0)
    accessible(page)
    assert not Intervention.objects.exists()

    page.get_by_role("link", name="Verbeterd bestand uploaden").click()
    upload(page, "interventies.csv", HEADER + GOOD_ROW + FIXED_ROW)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Klaar om te importeren")
    accessible(page)
    assert not Intervention.objects.exists()  # a check saves nothing

    page.get_by_role("button", name="Bestand importeren").click()
    expect(page.get_by_role("status")).to_contain_text("Het bestand is geïmporteerd")
    assert Intervention.objects.count() == 2

    # The imported intervention is on the household's page.
    household = households[1]
    page.goto(reverse("register:household", kwargs={"pk": household.pk}))
    table = page.get_by_role("table", name="Interventies van dit huishouden")
    expect(table).to_contain_text("Schuldhulpmaatje")
    expect(table).to_contain_text("01-03-2025")
    expect(table).to_contain_text("01-04-2025")


def test_the_same_file_twice_changes_nothing(page, sign_in, households):
    sign_in(Role.POLICY_OFFICER)
    for _ in range(2):
        page.goto(reverse("imports:index"))
        upload(page, "interventies.csv", HEADER + GOOD_ROW)
        page.get_by_role("button", name="Bestand importeren").click()
        expect(page.get_by_role("status")).to_contain_text("Het bestand is geïmporteerd")
    assert Intervention.objects.count() == 1
    expect(page.locator("main")).to_contain_text("eerder geïmporteerd")
