"""A careful analyst's per-intervention Python loop (row (c) of bench/engine_bench.py): the same
flows and KPIs as ``engine.deterministic``, computed one intervention at a time in plain Python
from the scenario document's catalogue, and the check of its figures against the engine's."""

import numpy as np
from bench_data import VALUE_TYPES


def _loop_parameters(document: dict) -> dict:
    """What both loops read from the scenario document's parameters and catalogue."""
    if document.get("intake") or document.get("programme_costs") or document.get("overrides"):
        raise ValueError("The loop only handles registered interventions.")
    params = document["parameters"]
    catalogue = document["catalogue"]
    horizon = params["horizon_years"]
    nominal = params.get("price_basis", "real") == "nominal"
    return {
        "start": params["start_year"],
        "horizon": horizon,
        "rate": params["discount_rate"],
        "growth": params.get("benefit_indexation", 0.0) if nominal else 0.0,
        "bias": params.get("optimism_bias_pct", [0, 5, 10, 15, 25, 40]),
        "actors": [a["code"] for a in catalogue["actors"]],
        "domains": [d["code"] for d in catalogue["life_domains"]],
        "municipality": {
            a["code"] for a in catalogue["actors"] if a.get("is_municipality") is True
        },
    }


def _net_share(outcome: dict, bias: list[float]) -> float:
    return (
        (1 - outcome.get("deadweight_pct", 0) / 100)
        * (1 - outcome.get("attribution_pct", 0) / 100)
        * (1 - outcome.get("displacement_pct", 0) / 100)
        * (1 - bias[outcome["confidence_grade"] - 1] / 100)
    )


def loop_calculation(document: dict, rows: list[tuple]) -> dict:
    """(c) What a careful analyst would write without numpy, straight from the scenario document.

    For each registered intervention: spread its actual cost over the years by its type's cost
    phasing and book it on the paying actor; for each outcome the type brings, each year the
    effect lasts (lag, duration, ramp-up, drop-off) and each money value of that outcome, add
    ``p · (1−DW)(1−A)(1−DS)(1−OB) · persistence · amount`` to the value's actor × life domain ×
    value type (transfers kept apart). Then the totals per actor, domain and value type (transfers
    count for their actor, not for society), the municipality's costs and cashable benefits,
    discounting and the KPIs (``_loop_results``).

    Each outcome's constants (its net share, lag, duration, drop-off, ramp-up, life domain and
    money values) are looked up once; the work is the loop over interventions × outcome links ×
    effect years × money values.

    ``rows``: (household id, intervention type code, start year, actual cost) per intervention.
    The benchmark scenario has no planned intake, programme costs or overrides; the loop refuses
    a document that has them rather than compute something other than the engine does.
    """
    p = _loop_parameters(document)
    catalogue = document["catalogue"]
    start, horizon, growth = p["start"], p["horizon"], p["growth"]

    outcomes = {}
    for o in catalogue["outcomes"]:
        outcomes[o["code"]] = {
            "net": _net_share(o, p["bias"]),
            "lag": o.get("lag_years", 0),
            "duration": o.get("duration_years", 1),
            "drop_off": o.get("drop_off_pct", 0) / 100,
            "ramp_up": o.get("ramp_up") or [],
            "domain": o["life_domain"],
            "values": o.get("values", []),
        }
    types = {t["code"]: t for t in catalogue["intervention_types"]}

    # Costs per paying actor and year; benefits per (actor, domain, value type, transfer) and year.
    costs = {actor: [0.0] * horizon for actor in p["actors"]}
    benefits: dict[tuple[str, str, str, bool], list[float]] = {}
    for o in outcomes.values():
        for value in o["values"]:
            transfer = value.get("is_transfer", False)
            benefits[(value["actor"], o["domain"], value["value_type"], transfer)] = [0.0] * horizon

    for _household, type_code, year, cost in rows:
        c = year - start
        if c < 0 or c >= horizon:
            continue
        intervention_type = types[type_code]
        paid = costs[intervention_type["paying_actor"]]
        for k, share in enumerate(intervention_type["cost_phasing"]):
            if c + k < horizon:
                paid[c + k] += cost * share
        for link in intervention_type["outcomes"]:
            outcome = outcomes[link["outcome"]]
            expected = link["success_probability"] * outcome["net"]
            ramp_up = outcome["ramp_up"]
            for u in range(outcome["duration"]):
                t = c + outcome["lag"] + u
                if t >= horizon:
                    break
                ramp = ramp_up[u] if u < len(ramp_up) else 1.0
                units = expected * ramp * (1 - outcome["drop_off"]) ** u * (1 + growth) ** t
                for value in outcome["values"]:
                    key = (
                        value["actor"],
                        outcome["domain"],
                        value["value_type"],
                        value.get("is_transfer", False),
                    )
                    benefits[key][t] += units * value["annual_amount"]
    return _loop_results(p, costs, benefits)


def loop_calculation_tuned(document: dict, rows: list[tuple]) -> dict:
    """The same loop tuned as far as plain Python goes (for information, not the DESIGN figure):
    persistence per effect year, success probability × net share per link and the accumulator
    each money value adds to are all worked out per type and outcome before the loop, so that the
    innermost statement is one multiply-add."""
    p = _loop_parameters(document)
    catalogue = document["catalogue"]
    start, horizon = p["start"], p["horizon"]
    index = [(1 + p["growth"]) ** t for t in range(horizon)]

    costs = {actor: [0.0] * horizon for actor in p["actors"]}
    benefits: dict[tuple[str, str, str, bool], list[float]] = {}
    outcomes = {}
    for o in catalogue["outcomes"]:
        ramp_up = o.get("ramp_up") or []
        drop_off = o.get("drop_off_pct", 0) / 100
        persistence = [
            (ramp_up[u] if u < len(ramp_up) else 1.0) * (1 - drop_off) ** u
            for u in range(min(o.get("duration_years", 1), horizon))
        ]
        values = []
        for value in o.get("values", []):
            key = (
                value["actor"],
                o["life_domain"],
                value["value_type"],
                value.get("is_transfer", False),
            )
            values.append((benefits.setdefault(key, [0.0] * horizon), value["annual_amount"]))
        outcomes[o["code"]] = (_net_share(o, p["bias"]), o.get("lag_years", 0), persistence, values)
    types = {}
    for t in catalogue["intervention_types"]:
        links = []
        for link in t["outcomes"]:
            net, lag, persistence, values = outcomes[link["outcome"]]
            links.append((link["success_probability"] * net, lag, persistence, values))
        types[t["code"]] = (t["cost_phasing"], costs[t["paying_actor"]], links)

    for _household, type_code, year, cost in rows:
        c = year - start
        if c < 0 or c >= horizon:
            continue
        phasing, paid, links = types[type_code]
        for k, share in enumerate(phasing):
            if c + k < horizon:
                paid[c + k] += cost * share
        for expected, lag, persistence, values in links:
            for u, persist in enumerate(persistence):
                t = c + lag + u
                if t >= horizon:
                    break
                units = expected * persist * index[t]
                for cell, amount in values:
                    cell[t] += units * amount
    return _loop_results(p, costs, benefits)


def _loop_results(p: dict, costs: dict, benefits: dict) -> dict:
    """The loop's totals, present values and KPIs from its accumulators, in plain Python."""
    actors, municipality = p["actors"], p["municipality"]
    years = range(p["horizon"])

    def total(series: list[list[float]]) -> list[float]:
        return [sum(s[t] for s in series) for t in years]

    society = {key: s for key, s in benefits.items() if not key[3]}
    costs_per_year = total(list(costs.values()))
    benefits_per_year = total(list(society.values()))
    municipal_costs = total([costs[a] for a in actors if a in municipality])
    municipal_cashable = total(
        [s for key, s in benefits.items() if key[0] in municipality and key[2] == VALUE_TYPES[0]]
    )
    factor = [1 / (1 + p["rate"]) ** t for t in years]

    def present_value(series: list[float]) -> float:
        return sum(series[t] * factor[t] for t in years)

    pv_costs = present_value(costs_per_year)
    pv_benefits = present_value(benefits_per_year)
    return {
        "costs_by_actor": costs,
        "benefits_by_actor": {
            a: total([s for key, s in benefits.items() if key[0] == a]) for a in actors
        },
        "benefits_by_domain": {
            d: total([s for key, s in society.items() if key[1] == d]) for d in p["domains"]
        },
        "benefits_by_value_type": {
            v: total([s for key, s in society.items() if key[2] == v]) for v in VALUE_TYPES
        },
        "costs_per_year": costs_per_year,
        "benefits_per_year": benefits_per_year,
        "net_per_year": [b - c for b, c in zip(benefits_per_year, costs_per_year, strict=True)],
        "pv_costs": pv_costs,
        "pv_benefits": pv_benefits,
        "npv": pv_benefits - pv_costs,
        "multiplier_discounted": pv_benefits / pv_costs,
        "multiplier_undiscounted": sum(benefits_per_year) / sum(costs_per_year),
        "municipality_costs": municipal_costs,
        "municipality_cashable": municipal_cashable,
        "municipality_pv_costs": present_value(municipal_costs),
        "municipality_pv_cashable": present_value(municipal_cashable),
    }


def figures_of(result: dict) -> dict:
    """The loop's figures as ``engine.deterministic`` reports them."""
    kpis = result["kpis"]
    year_table = result["year_table"]
    ledger = result["ledger"]["rows"]
    return {
        "costs_by_actor": result["costs_by_actor"],
        "benefits_by_actor": result["benefits_by_actor"],
        "benefits_by_domain": result["benefits_by_domain"],
        "benefits_by_value_type": result["benefits_by_value_type"],
        "costs_per_year": [row["costs"] for row in year_table],
        "benefits_per_year": [row["benefits"] for row in year_table],
        "net_per_year": [row["net"] for row in year_table],
        "pv_costs": kpis["pv_costs"],
        "pv_benefits": kpis["pv_benefits"],
        "npv": kpis["npv"],
        "multiplier_discounted": kpis["multiplier_discounted"],
        "multiplier_undiscounted": kpis["multiplier_undiscounted"],
        "municipality_costs": [row["costs"] for row in ledger],
        "municipality_cashable": [row["revenues"] for row in ledger],
        "municipality_pv_costs": kpis["municipality_pv_costs"],
        "municipality_pv_cashable": kpis["municipality_pv_cashable_benefits"],
    }


def compare(engine_figures: dict, loop: dict) -> dict[str, float]:
    """The largest relative difference per figure between the engine and the loop: per number,
    |a − b| / max(|a|, |b|) (0 when both are 0); over every year and every actor, domain or value
    type of a breakdown. A breakdown whose codes differ counts as infinitely different."""

    def rel(a: float, b: float) -> float:
        scale = max(abs(a), abs(b))
        return abs(a - b) / scale if scale else 0.0

    def series(a: list[float], b: list[float]) -> float:
        if len(a) != len(b):
            return float("inf")
        return max((rel(x, y) for x, y in zip(a, b, strict=True)), default=0.0)

    differences = {}
    for name, value in loop.items():
        theirs = engine_figures[name]
        if isinstance(value, dict):
            if set(value) != set(theirs):
                differences[name] = float("inf")
            else:
                differences[name] = max(series(theirs[k], value[k]) for k in value)
        elif isinstance(value, list):
            differences[name] = series(theirs, value)
        else:
            differences[name] = rel(theirs, value)
    return differences


def intervention_rows(interventions: dict[str, np.ndarray], type_codes: list[str]) -> list[tuple]:
    """The rows as a ``values_list`` query gives them: (household, type code, year, cost)."""
    return list(
        zip(
            interventions["household"].tolist(),
            [type_codes[i] for i in interventions["type_index"].tolist()],
            interventions["year"].tolist(),
            interventions["cost"].tolist(),
            strict=True,
        )
    )
