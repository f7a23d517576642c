"""Role × page matrix: the household register pages (policy officers change, project leads read)."""

from tests.access_matrix import AD, PL, PO

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
# The teams of policy officers (need to know): the administrator's; no household on them.
MATRIX.update(
    {
        "register:teams": [("get", None, {AD})],
        "register:team-new": [("get", None, {AD}), ("post", "register_new_team", {AD})],
        "register:team": [("get", "register_team", {AD}), ("post", "register_team_form", {AD})],
    }
)


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
    from interventions.register.models import Team

    household = context["household"]
    intervention = context["intervention"]
    team = Team.objects.create(name="WIJ matrix")
    team.areas.set(context["areas"][:2])
    return {
        "register_new_team": ({}, {"name": "WIJ nieuw", "areas": [context["areas"][2].pk]}),
        "register_team": ({"pk": team.pk}, None),
        "register_team_form": (
            {"pk": team.pk},
            {"name": "WIJ matrix", "areas": [area.pk for area in context["areas"][:3]]},
        ),
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
