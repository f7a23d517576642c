"""The file format of the register import (and of its templates and the export): the kinds of
sheet, their Dutch column names, the model field each column fills, how its cells are read and what
the template's "Toelichting" sheet says about it. Documented in ``docs/register-import.md``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interventions.register.models import (
    DebtSituation,
    IncomeSource,
    InterventionStatus,
    LegalBasis,
)

HOUSEHOLDS = "households"
INTERVENTIONS = "interventions"
KINDS = (HOUSEHOLDS, INTERVENTIONS)
# The sheet names of the template; the file format is Dutch whatever the language of the UI.
SHEET_NAMES = {HOUSEHOLDS: "Huishoudens", INTERVENTIONS: "Interventies"}
EXPLANATION_SHEET = "Toelichting"

# A row whose first cell starts with this is a comment (the explanation rows of the CSV
# templates) and is skipped; no reference can start with it.
COMMENT = "#"


@dataclass(frozen=True)
class Column:
    """One column of the file format: its Dutch header, the model field it fills, how a cell is
    read, and the explanation in the template's "Toelichting" sheet."""

    header: str
    field: str
    kind: (
        str  # reference, district, intervention_type, integer, decimal, amount, date, choice, text
    )
    required: bool
    description: Any
    example: str = ""
    choices: type | None = None


HOUSEHOLD_COLUMNS = (
    Column(
        "referentie",
        "reference",
        "reference",
        True,
        gettext_lazy(
            "The municipality's own client or case number (for example WIJ-2024-00123). SIEX "
            "turns it into a pseudonym and does not store it. Never a BSN or a name."
        ),
        "WIJ-2024-00123",
    ),
    Column(
        "wijk",
        "area",
        "district",
        True,
        gettext_lazy("The district (wijk): its CBS code or its name, see the list below."),
        "WK001401",
    ),
    Column(
        "volwassenen",
        "adults",
        "integer",
        False,
        gettext_lazy("Number of adults in the household, 1 to 10. Empty: 1."),
        "1",
    ),
    Column(
        "kinderen",
        "children",
        "integer",
        False,
        gettext_lazy("Number of children in the household, 0 to 15. Empty: 0."),
        "2",
    ),
    Column(
        "inkomen_pct_sociaal_minimum",
        "income_pct_social_minimum",
        "decimal",
        False,
        gettext_lazy(
            "Income as a percentage of the social minimum, for example 105 or 98,5. Empty when "
            "unknown."
        ),
        "105",
    ),
    Column(
        "inkomensbron",
        "income_source",
        "choice",
        True,
        gettext_lazy("Main source of income: a code or description from the list below."),
        "bijstand",
        IncomeSource,
    ),
    Column(
        "schuldsituatie",
        "debt_situation",
        "choice",
        True,
        gettext_lazy("Debt situation: a code or description from the list below."),
        "problematic",
        DebtSituation,
    ),
    Column(
        "start_deelname",
        "participation_start",
        "date",
        True,
        gettext_lazy("Start of participation in the programme, as dd-mm-yyyy or yyyy-mm-dd."),
        "01-03-2025",
    ),
    Column(
        "einde_deelname",
        "participation_end",
        "date",
        False,
        gettext_lazy("End of participation; empty while the household takes part."),
        "",
    ),
    Column(
        "grondslag",
        "legal_basis",
        "choice",
        True,
        gettext_lazy(
            "The ground on which SIEX may process this household's data: a code or description "
            "from the list below."
        ),
        "public_task",
        LegalBasis,
    ),
)

INTERVENTION_COLUMNS = (
    Column(
        "referentie",
        "reference",
        "reference",
        True,
        gettext_lazy(
            "The household's own reference, as in the sheet Huishoudens or as registered before."
        ),
        "WIJ-2024-00123",
    ),
    Column(
        "interventie",
        "intervention_type",
        "intervention_type",
        True,
        gettext_lazy("The intervention: its code or Dutch name from the catalogue, see below."),
        "budgetcoaching",
    ),
    Column(
        "startdatum",
        "start_date",
        "date",
        True,
        gettext_lazy(
            "Start date, as dd-mm-yyyy or yyyy-mm-dd; not before the household's participation "
            "started."
        ),
        "15-03-2025",
    ),
    Column(
        "einddatum",
        "end_date",
        "date",
        False,
        gettext_lazy("End date; required when the status is completed, empty while it runs."),
        "",
    ),
    Column(
        "werkelijke_kosten",
        "actual_cost",
        "amount",
        False,
        gettext_lazy(
            "What the intervention really cost in euros, for example 1250 or 1.250,50. Empty "
            "when not known yet."
        ),
        "1250",
    ),
    Column(
        "reden_afwijking",
        "cost_deviation_reason",
        "text",
        False,
        gettext_lazy(
            # xgettext:no-python-format
            "Required when the actual cost differs more than 25% from the unit cost in the "
            "catalogue: why (for example “stopped after three months”)."
        ),
        "",
    ),
    Column(
        "status",
        "status",
        "choice",
        False,
        gettext_lazy("Status: a code or description from the list below. Empty: active."),
        "active",
        InterventionStatus,
    ),
    Column(
        "notities",
        "notes",
        "text",
        False,
        gettext_lazy(
            "What matters for the follow-up, at most 1000 characters. No names, addresses, "
            "telephone numbers, BSN or other details that identify a person."
        ),
        "",
    ),
)

COLUMNS = {HOUSEHOLDS: HOUSEHOLD_COLUMNS, INTERVENTIONS: INTERVENTION_COLUMNS}
# The order of the values of a checked row as it is kept between preview and commit (JSON lists):
# the spreadsheet row number, then the fields, with the pseudonym in place of the reference.
ROW_FIELDS = {
    kind: ("row", "pseudonym", *(c.field for c in columns if c.field != "reference"))
    for kind, columns in COLUMNS.items()
}
COLUMN_OF_FIELD = {
    kind: {c.field: c.header for c in columns} | {"pseudonym": "referentie", "household": None}
    for kind, columns in COLUMNS.items()
}


def kind_label(kind: str) -> str:
    return {HOUSEHOLDS: _("households"), INTERVENTIONS: _("interventions")}[kind]


CHOICES = (IncomeSource, DebtSituation, LegalBasis, InterventionStatus)


def dutch_labels(choices: type) -> dict[str, str]:
    """Code -> Dutch label of a choice: the file format is Dutch whatever the language of the UI."""
    with translation.override("nl"):
        return {value: str(label) for value, label in choices.choices}
