"""Role × page matrix: catalogue pages. Every role reads the assumptions register (it holds no
household data); only the project lead maintains it."""

from tests.access_matrix import AD, ALL_ROLES, CM, PL, PO  # noqa: F401

MATRIX: dict = {
    "catalogue:register": [("get", None, ALL_ROLES)],
    "catalogue:type": [("get", "catalogue_type", ALL_ROLES)],
    "catalogue:type-new": [("get", None, {PL}), ("post", "catalogue_new_type", {PL})],
    "catalogue:type-edit": [
        ("get", "catalogue_type", {PL}),
        ("post", "catalogue_type_edit", {PL}),
    ],
    "catalogue:type-active": [
        ("get", "catalogue_retired_type", {PL}),
        ("post", "catalogue_retired_type", {PL}),
    ],
    "catalogue:outcome": [("get", "catalogue_outcome", ALL_ROLES)],
    "catalogue:outcome-new": [("get", None, {PL}), ("post", "catalogue_new_outcome", {PL})],
    "catalogue:outcome-edit": [
        ("get", "catalogue_outcome", {PL}),
        ("post", "catalogue_outcome_edit", {PL}),
    ],
    "catalogue:upload": [("get", None, {PL}), ("post", None, {PL})],
    "catalogue:download-xlsx": [("get", None, ALL_ROLES)],
    "catalogue:download-json": [("get", None, ALL_ROLES)],
    "catalogue:download-csv": [("get", "catalogue_table", ALL_ROLES)],
}
HOUSEHOLD_LEVEL: set[str] = set()


def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def type_data(intervention_type, **changes) -> dict:
    data = {
        "name_nl": intervention_type.name_nl,
        "name_en": intervention_type.name_en,
        "provider": intervention_type.provider,
        "life_domain": intervention_type.life_domain_id,
        "description": intervention_type.description,
        "unit_cost": str(intervention_type.unit_cost),
        # Shares of cost are typed as percentages.
        "cost_share_year_1": str(intervention_type.cost_share_year_1 * 100),
        "cost_share_year_2": str(intervention_type.cost_share_year_2 * 100),
        "cost_share_year_3": str(intervention_type.cost_share_year_3 * 100),
        "cost_share_year_4": str(intervention_type.cost_share_year_4 * 100),
        "cost_share_year_5": str(intervention_type.cost_share_year_5 * 100),
        "paying_actor": intervention_type.paying_actor_id,
        "paying_budget_line": intervention_type.paying_budget_line_id or "",
        "typical_duration_months": intervention_type.typical_duration_months,
        "cost_source": intervention_type.cost_source,
        "cost_confidence_grade": intervention_type.cost_confidence_grade,
        "version": intervention_type.version,
    }
    data.update(changes)
    return data


def outcome_data(outcome, **changes) -> dict:
    data = {
        "name_nl": outcome.name_nl,
        "name_en": outcome.name_en,
        "life_domain": outcome.life_domain_id,
        "description": outcome.description,
        "lag_years": outcome.lag_years,
        "duration_years": outcome.duration_years,
        "drop_off_pct": str(outcome.drop_off_pct),
        "deadweight_pct": str(outcome.deadweight_pct),
        "attribution_pct": str(outcome.attribution_pct),
        "displacement_pct": str(outcome.displacement_pct),
        "ramp_up": "; ".join(str(round(share * 100, 4)) for share in outcome.ramp_up),  # percent
        "confidence_grade": outcome.confidence_grade,
        "source": outcome.source,
        "version": outcome.version,
    }
    data.update(changes)
    return data


def builders(context: dict) -> dict:
    from tests.factories import InterventionTypeFactory

    intervention_type = context["intervention_type"]
    outcome = context["outcome"]
    retired = InterventionTypeFactory(code="matrix-uit-gebruik")
    new_type = type_data(intervention_type, code="matrix-nieuw-type", name_nl="Nieuw via matrix")
    del new_type["version"]
    new_outcome = outcome_data(outcome, code="matrix-nieuw-effect", name_nl="Nieuw effect")
    del new_outcome["version"]
    return {
        "catalogue_type": ({"code": intervention_type.code}, None),
        "catalogue_retired_type": ({"code": retired.code}, {"version": retired.version}),
        "catalogue_outcome": ({"code": outcome.code}, None),
        "catalogue_table": ({"table": "effecten"}, None),
        "catalogue_new_type": ({}, {**new_type, **_formset("outcomes", [])}),
        "catalogue_type_edit": (
            {"code": intervention_type.code},
            {**type_data(intervention_type, provider="Matrix"), **_formset("outcomes", [])},
        ),
        "catalogue_new_outcome": ({}, {**new_outcome, **_formset("values", [])}),
        "catalogue_outcome_edit": (
            {"code": outcome.code},
            {**outcome_data(outcome, source="Matrix"), **_formset("values", [])},
        ),
    }
