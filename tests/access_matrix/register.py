"""Role × page matrix: the household register pages (policy officers change, project leads read)."""

from tests.access_matrix import PL, PO

MATRIX: dict = {
    "register:households": [("get", None, {PO, PL}), ("post", None, {PO, PL})],
    "register:household-new": [("get", None, {PO}), ("post", "register_new_household", {PO})],
    "register:household": [("get", "household", {PO, PL})],
    "register:household-edit": [
        ("get", "household", {PO}),
        ("post", "register_household_form", {PO}),
    ],
    "register:intervention-new": [
        ("get", "household", {PO}),
        ("post", "register_new_intervention", {PO}),
    ],
    "register:intervention-edit": [
        ("get", "intervention", {PO}),
        ("post", "register_intervention_form", {PO}),
    ],
    "register:intervention-end": [
        ("get", "intervention", {PO}),
        ("post", "register_intervention_end", {PO}),
    ],
    "register:unit-cost": [("get", None, {PO})],
}
HOUSEHOLD_LEVEL: set[str] = set(MATRIX)


def _household_form(household) -> dict:
    return {
        "area": household.area_id,
        "adults": household.adults,
        "children": household.children,
        "income_pct_social_minimum": "100",
        "income_source": household.income_source,
        "debt_situation": household.debt_situation,
        "participation_start": household.participation_start.isoformat(),
        "legal_basis": household.legal_basis,
    }


def builders(context: dict) -> dict:
    household = context["household"]
    intervention = context["intervention"]
    return {
        "register_new_household": (
            {},
            {**_household_form(household), "external_reference": "WIJ-MATRIX-PAGE"},
        ),
        "register_household_form": (
            {"pk": household.pk},
            {**_household_form(household), "children": 2, "version": household.version},
        ),
        "register_new_intervention": (
            {"pk": household.pk},
            {
                "intervention_type": context["new_type"].pk,
                "start_date": "2024-02-01",
                "status": "active",
            },
        ),
        "register_intervention_form": (
            {"pk": intervention.pk},
            {
                "intervention_type": intervention.intervention_type_id,
                "start_date": intervention.start_date.isoformat(),
                "status": "active",
                "notes": "Tweede gesprek",
                "version": intervention.version,
            },
        ),
        "register_intervention_end": (
            {"pk": intervention.pk},
            {
                "end_date": "2024-06-30",
                "status": "completed",
                "actual_cost": str(intervention.intervention_type.unit_cost),
                "version": intervention.version,
            },
        ),
    }
