"""The register import reads cells the way officers write them: Dutch dates and amounts, choices by
code or label, districts and interventions by code or name; a cell it cannot read says how to
write it."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from interventions.exchange.cells import CellReader
from interventions.exchange.problems import CellError
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


# --- Reading cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("31-01-2025", "2025-01-31"),
        ("1-2-2025", "2025-02-01"),
        ("01/02/2025", "2025-02-01"),
        ("2025-02-01", "2025-02-01"),
        (" 2025-02-01 00:00:00 ", "2025-02-01"),
        (date(2025, 2, 1), "2025-02-01"),
        (datetime(2025, 2, 1, 0, 0), "2025-02-01"),
    ],
)
def test_dates_are_read_the_dutch_way_and_as_iso(db, cell, expected):
    assert CellReader().date(cell) == expected


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("31-02-2025", "not an existing date"),
        ("2025/13/01", "is not a date"),
        ("1-2-25", "four digits"),
        ("morgen", "is not a date"),
    ],
)
def test_a_wrong_date_says_how_to_write_one(db, cell, problem):
    with pytest.raises(CellError, match=problem):
        CellReader().date(cell)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("€ 1.250,00", "1250.00"),
        ("EUR 80", "80"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("98,5%", "98.5"),
        (1250.5, "1250.5"),
        (1250, "1250"),
        (Decimal("12.30"), "12.30"),
    ],
)
def test_amounts_with_a_decimal_comma_or_point(db, cell, expected):
    assert CellReader().number(cell) == expected


@pytest.mark.parametrize("cell", ["1.234", "1,234", "12.500"])
def test_an_amount_that_reads_two_ways_is_refused(db, cell):
    with pytest.raises(CellError, match="can be read in two ways"):
        CellReader().number(cell)


def test_not_a_number(db):
    with pytest.raises(CellError, match="is not a number"):
        CellReader().number("twaalf")


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("bijstand", "bijstand"),
        ("BIJSTAND", "bijstand"),
        ("Social assistance (bijstand)", "bijstand"),
        ("werk", "work"),
        ("other_benefit", "other_benefit"),
    ],
)
def test_income_source_by_dutch_label_english_label_or_code(db, cell, expected):
    from interventions.register.models import IncomeSource

    assert CellReader().choice(cell, IncomeSource) == expected


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("in een schuldregeling (GKB)", "gkb_arrangement"),
        ("IN EEN SCHULDREGELING (GKB)", "gkb_arrangement"),
        ("  Problematische schulden ", "problematic"),
        ("in a debt arrangement (GKB)", "gkb_arrangement"),
        ("None", "none"),
    ],
)
def test_debt_situation_by_dutch_label_english_label_or_code_in_any_case(db, cell, expected):
    from interventions.register.models import DebtSituation

    assert CellReader().choice(cell, DebtSituation) == expected


def test_a_wrong_choice_lists_the_dutch_labels_people_type(db):
    from django.utils import translation

    from interventions.register.models import DebtSituation

    with translation.override("nl"), pytest.raises(CellError) as error:
        CellReader().choice("heel veel", DebtSituation)
    assert str(error.value) == (
        "“heel veel” is geen van de mogelijke waarden. Kies uit: “geen problematische "
        "schulden”, “problematische schulden”, “in een schuldregeling (GKB)”."
    )
    with pytest.raises(CellError) as error:
        CellReader().choice("x", DebtSituation)  # the labels are Dutch in English too
    assert "Choose from: “geen problematische schulden”, “problematische" in str(error.value)


def test_districts_by_code_or_name_and_interventions_by_code_or_dutch_name(register):
    reader = CellReader()
    area = register[3]
    assert reader.district(area.code.lower()) == area.code
    assert reader.district(f"  {area.name.upper()} ") == area.code
    assert reader.intervention_type("Schuldregeling (GKB)") == "gkb-schuldregeling"
    assert reader.intervention_type("BUDGETCOACHING") == "budgetcoaching"
    with pytest.raises(CellError, match="is not a district"):
        reader.district("Atlantis")
    with pytest.raises(CellError, match="not an intervention in the catalogue"):
        reader.intervention_type("Paardrijden")
