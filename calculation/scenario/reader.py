"""Read a scenario file: check all of it and turn it into the engine's ``ModelInputs``; and
calculate it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from ..engine import ModelInputs, NonFiniteResult, Progress, calculate
from .catalogue import catalogue_arrays
from .checker import Checker, ScenarioError, shown
from .fields import CATALOGUE_FORMAT, FORMAT, FORMAT_VERSION
from .hashing import inputs_hash
from .lists import budget_envelope, intake_arrays, programme_costs, registered_arrays
from .parameters import apply_overrides, check_parameters, uncertainty_ranges


@dataclass(frozen=True)
class ParsedScenario:
    inputs: ModelInputs
    warnings: list[str]


def parse_scenario(document: Any, *, registered: list[dict] | None = None) -> ParsedScenario:
    """Check a scenario document and build the engine inputs; raise ScenarioError with every
    problem and where it is.

    ``registered`` (rows of intervention type, year, households, cost) replaces the document's
    ``registered_intake`` when given: the live register for a draft, the frozen rows for a fixed
    version.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ScenarioError([("", _("This is not a SIEX scenario file (format “siex-scenario”)."))])
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ScenarioError(
            [
                (
                    "version",
                    _("Scenario file version %(found)s is not supported (expected %(expected)s).")
                    % {"found": shown(version), "expected": FORMAT_VERSION},
                )
            ]
        )
    check = Checker(document)
    for key in ("code", "name", "description", "note"):
        check.text_value(key, document.get(key), required=False)
    check.texts("assumptions", document.get("assumptions"))
    params = check.obj("parameters", document.get("parameters"))
    p = check_parameters(check, params)
    catalogue = check.obj("catalogue", document.get("catalogue"))
    if catalogue and catalogue.get("format") != CATALOGUE_FORMAT:
        check.error(
            "catalogue.format", _("The embedded catalogue must have format “siex-catalogue”.")
        )
        raise ScenarioError(check.errors)

    # Keep checking after an error, so that a file's problems are all reported at once; only
    # without a valid start year and horizon can the years in the lists not be checked.
    cat = catalogue_arrays(check, catalogue)
    if p["start_year"] is None or p["horizon_years"] is None:
        raise ScenarioError(check.errors)

    horizon = p["horizon_years"]
    start = p["start_year"]
    warnings: list[str] = []
    if horizon > 10:
        warnings.append("horizon_above_10")

    apply_overrides(check, cat, check.items("overrides", document.get("overrides")))

    # Indexes are positions in the catalogue's lists (an entry without a valid code keeps its
    # place, so that the arrays line up; it is reported, and nothing is calculated).
    planned, planned_cost = intake_arrays(check, document.get("intake"), cat, start, horizon)
    n_types = len(cat["unit_cost"])
    registered_counts = np.zeros((n_types, horizon))
    registered_cost = np.zeros((n_types, horizon))
    if p["count_registered"]:
        rows = registered if registered is not None else document.get("registered_intake")
        registered_counts, registered_cost, outside = registered_arrays(
            check, rows, cat, start, horizon
        )
        if outside:
            warnings.append("registered_outside_horizon")

    categories, programme = programme_costs(
        check,
        document.get("programme_costs"),
        cat["actor_index"],
        len(cat["is_municipality"]),
        start,
        horizon,
    )
    budget = budget_envelope(check, document.get("budget"), start, horizon)
    parameters = uncertainty_ranges(check, document.get("uncertainty"), cat, p)
    if check.errors:
        raise ScenarioError(check.errors, check.outside)

    inputs = ModelInputs(
        start_year=start,
        horizon=horizon,
        discount_rate=p["discount_rate"],
        price_basis=p["price_basis"],
        cost_indexation=p["cost_indexation"],
        benefit_indexation=p["benefit_indexation"],
        financing_rate=p["financing_rate"],
        bbv_discount_rate=p["bbv_discount_rate"],
        optimism_bias=np.array(p["optimism_bias_pct"], dtype=float) / 100.0,
        actors=tuple(cat["actor_index"]),
        actor_is_municipality=cat["is_municipality"],
        domains=tuple(cat["domain_index"]),
        types=tuple(cat["type_index"]),
        type_unit_cost=cat["unit_cost"],
        type_phasing=cat["phasing"],
        type_payer=cat["payer"],
        outcomes=tuple(cat["outcome_index"]),
        outcome_domain=cat["outcome_domain"],
        outcome_lag=cat["lag"],
        outcome_duration=cat["duration"],
        outcome_drop_off=cat["drop_off"],
        outcome_deadweight=cat["deadweight"],
        outcome_attribution=cat["attribution"],
        outcome_displacement=cat["displacement"],
        outcome_grade=cat["grade"],
        outcome_ramp_up=cat["ramp_up"],
        link_type=cat["link_type"],
        link_outcome=cat["link_outcome"],
        link_probability=cat["link_probability"],
        value_outcome=cat["value_outcome"],
        value_actor=cat["value_actor"],
        value_type=cat["value_type"],
        value_transfer=cat["value_transfer"],
        value_amount=cat["value_amount"] * cat["value_factor"][cat["value_outcome"]],
        planned=planned,
        planned_unit_cost=planned_cost,
        registered=registered_counts,
        registered_cost=registered_cost,
        programme_category=categories,
        programme_costs=programme,
        budget=budget,
        parameters=parameters,
        monte_carlo_draws=p["monte_carlo_draws"],
        seed=p["seed"],
        labels=cat["labels"],
    )
    return ParsedScenario(inputs=inputs, warnings=warnings)


def calculate_document(
    document: dict, *, registered: list[dict] | None = None, progress: Progress | None = None
) -> dict:
    """Check and calculate a scenario document; the results carry the inputs hash."""
    parsed = parse_scenario(document, registered=registered)
    try:
        results = calculate(parsed.inputs, progress) if progress else calculate(parsed.inputs)
    except NonFiniteResult as error:
        raise ScenarioError(
            [
                (
                    "",
                    _(
                        "The calculation gives a figure too large to be a number (%(figure)s of "
                        "the results): check the scenario for extreme amounts, volumes or "
                        "factors, such as a tiny cost against large benefits."
                    )
                    % {"figure": error.figure},
                )
            ]
        ) from error
    results["meta"]["warnings"] = sorted(set(results["meta"]["warnings"]) | set(parsed.warnings))
    results["meta"]["inputs_hash"] = inputs_hash(document, registered)
    results["meta"]["seed"] = parsed.inputs.seed
    return results
