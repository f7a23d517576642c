"""Benchmark of the calculation engine at municipality scale (DESIGN §7).

Run from the project folder:

    .venv/bin/python bench/engine_bench.py            # a readable table
    .venv/bin/python bench/engine_bench.py --json     # the same figures as JSON

It builds synthetic data deterministically (30,000 households, 150,000 registered interventions,
40 intervention types, 60 outcomes, 10 years, ~20 uncertain parameters), reads it through the real
scenario reader (``calculation.scenario.parse_scenario``) and times, side by side in one run:

- (a) the deterministic engine: the 150,000 intervention rows aggregated to (type, year) counts
  and costs with numpy, ``parse_scenario`` and ``engine.deterministic`` (flows, KPIs and every
  breakdown);
- (c) a careful analyst's per-intervention Python loop that computes the same flows and KPIs from
  the same rows and catalogue, checked against (a) figure by figure;
- on their own lines: the sensitivity analysis (tornado and switching values), the Monte Carlo
  step with 10,000 draws on one core, and the whole ``engine.calculate`` with 10,000 draws.

The speed-up (c) / (a) is the figure DESIGN §7 asks for (at least 100x). See bench/README.md.
"""

import os

if __name__ == "__main__":
    # One core for numpy's BLAS/OpenMP thread pools: set before numpy is imported. Imported as a
    # module (bench/job_bench.py reuses the data generator) the environment is left alone.
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_variable] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20_260_101
N_HOUSEHOLDS = 30_000
N_INTERVENTIONS = 150_000
N_TYPES = 40
N_OUTCOMES = 60
N_DOMAINS = 10
START_YEAR = 2026
HORIZON = 10
DRAWS = 10_000
MC_SEED = 7

TARGET_DETERMINISTIC_S = 1.0
TARGET_MONTE_CARLO_S = 5.0
TARGET_SPEEDUP = 100.0
AGREEMENT = 1e-9

ACTORS = (
    ("gemeente", "government", True),
    ("huishouden", "participants", False),
    ("rijk", "government", False),
    ("uwv", "government", False),
    ("zorgverzekeraar", "other", False),
    ("woningcorporatie", "other", False),
    ("werkgevers", "other", False),
    ("buurt", "residents", False),
)
VALUE_TYPES = ("fiscal_cashable", "fiscal_non_cashable", "economic", "social")


def setup_django() -> None:
    """scenario.py translates its messages with Django's gettext: settings must exist. Without a
    DJANGO_SETTINGS_MODULE a minimal configuration is enough (no database is used)."""
    import django
    from django.conf import settings

    if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
        settings.configure(USE_I18N=False)
    django.setup()


# --- synthetic data -------------------------------------------------------------------------------


def _pct(rng: np.random.Generator, low: float, high: float) -> float:
    return round(float(rng.uniform(low, high)), 2)


def _phasing(rng: np.random.Generator) -> list[float]:
    """1–3 yearly shares with 2 decimals that add up to 1 (as a catalogue file has them)."""
    years = int(rng.integers(1, 4))
    if years == 1:
        return [1.0]
    first = round(float(rng.uniform(0.4, 0.7)), 2)
    if years == 2:
        return [first, round(1.0 - first, 2)]
    second = round(float(rng.uniform(0.15, 0.25)), 2)
    return [first, second, round(1.0 - first - second, 2)]


def build_catalogue(rng: np.random.Generator) -> dict:
    """A siex-catalogue with 8 actors, 10 domains, 60 outcomes and 40 intervention types."""
    domains = [
        {"code": f"domein-{d}", "name_nl": f"Domein {d}", "name_en": f"Domain {d}"}
        for d in range(N_DOMAINS)
    ]
    actors = [
        {
            "code": code,
            "name_nl": code,
            "name_en": code,
            "sector": sector,
            "is_municipality": municipality,
        }
        for code, sector, municipality in ACTORS
    ]
    outcomes = []
    for o in range(N_OUTCOMES):
        n_values = int(rng.integers(1, 5))
        values = []
        # About one outcome in six has a transfer: a benefit payment that stops is a gain for the
        # municipality and a loss for the household (both flagged; they net to zero for society).
        if n_values >= 2 and rng.random() < 0.35:
            amount = round(float(rng.uniform(2_000, 12_000)), 2)
            values.append(
                {
                    "actor": "gemeente",
                    "value_type": "fiscal_cashable",
                    "is_transfer": True,
                    "annual_amount": amount,
                }
            )
            values.append(
                {
                    "actor": "huishouden",
                    "value_type": "economic",
                    "is_transfer": True,
                    "annual_amount": -amount,
                }
            )
        others = rng.choice(len(ACTORS), size=n_values - len(values), replace=False)
        for a in others:
            actor = ACTORS[int(a)][0]
            value_type = VALUE_TYPES[int(rng.integers(0, 4))]
            if any(v["actor"] == actor and v["value_type"] == value_type for v in values):
                value_type = "social"  # one value per actor and value type
            values.append(
                {
                    "actor": actor,
                    "value_type": value_type,
                    "is_transfer": False,
                    "annual_amount": round(float(rng.uniform(150, 6_000)), 2),
                }
            )
        ramp = rng.random()
        outcomes.append(
            {
                "code": f"effect-{o:02d}",
                "name_nl": f"Effect {o}",
                "name_en": f"Outcome {o}",
                "life_domain": f"domein-{int(rng.integers(0, N_DOMAINS))}",
                "lag_years": int(rng.integers(0, 3)),
                "duration_years": int(rng.integers(1, 11)),
                "drop_off_pct": _pct(rng, 0, 40),
                "deadweight_pct": _pct(rng, 0, 40),
                "attribution_pct": _pct(rng, 0, 40),
                "displacement_pct": _pct(rng, 0, 40),
                "ramp_up": [0.5] if ramp < 0.2 else ([0.3, 0.7] if ramp < 0.3 else []),
                "confidence_grade": int(rng.integers(1, 7)),
                "source": "Synthetic benchmark data.",
                "values": values,
            }
        )
    types = []
    for i in range(N_TYPES):
        linked = rng.choice(N_OUTCOMES, size=int(rng.integers(2, 7)), replace=False)
        types.append(
            {
                "code": f"interventie-{i:02d}",
                "name_nl": f"Interventie {i}",
                "name_en": f"Intervention {i}",
                "life_domain": f"domein-{int(rng.integers(0, N_DOMAINS))}",
                "unit_cost": round(float(rng.uniform(500, 15_000)), 2),
                "cost_phasing": _phasing(rng),
                "paying_actor": "gemeente" if rng.random() < 0.75 else ACTORS[2 + i % 6][0],
                "cost_source": "Synthetic benchmark data.",
                "cost_confidence_grade": int(rng.integers(1, 7)),
                "outcomes": [
                    {
                        "outcome": f"effect-{int(o):02d}",
                        "success_probability": round(float(rng.uniform(0.05, 0.6)), 4),
                    }
                    for o in linked
                ],
            }
        )
    return {
        "format": "siex-catalogue",
        "version": 1,
        "description": "Synthetic benchmark catalogue (bench/engine_bench.py).",
        "life_domains": domains,
        "actors": actors,
        "outcomes": outcomes,
        "intervention_types": types,
    }


def build_interventions(rng: np.random.Generator, catalogue: dict) -> dict[str, np.ndarray]:
    """150,000 registered interventions as columns, as a values_list query would give them:
    household id, type index, start year, actual cost (unit cost ±25%, in cents)."""
    popularity = rng.dirichlet(np.full(N_TYPES, 0.8))  # a few types are used far more than others
    year_weight = np.linspace(1.4, 0.6, HORIZON)  # more intake early in the horizon
    type_index = rng.choice(N_TYPES, size=N_INTERVENTIONS, p=popularity)
    year = START_YEAR + rng.choice(HORIZON, size=N_INTERVENTIONS, p=year_weight / year_weight.sum())
    unit_cost = np.array([t["unit_cost"] for t in catalogue["intervention_types"]])
    cost = np.round(unit_cost[type_index] * rng.uniform(0.75, 1.25, N_INTERVENTIONS), 2)
    return {
        "household": rng.integers(0, N_HOUSEHOLDS, N_INTERVENTIONS),
        "type_index": type_index,
        "year": year,
        "cost": cost,
    }


def build_uncertainty(rng: np.random.Generator, catalogue: dict) -> list[dict]:
    """21 ranges: the three headline factors, success probabilities, outcome percentages (drop-off
    ranges make the engine recompute effect kernels per draw) and value factors."""
    entries: list[dict] = [
        {"parameter": "discount_rate", "low": 0.015, "high": 0.04},
        {"parameter": "cost_factor", "low": 0.9, "high": 1.25},
        {"parameter": "benefit_factor", "low": 0.7, "high": 1.15},
    ]
    types = catalogue["intervention_types"]
    for i in rng.choice(N_TYPES, size=5, replace=False):
        link = types[int(i)]["outcomes"][0]
        p = link["success_probability"]
        entries.append(
            {
                "parameter": "success_probability",
                "intervention_type": types[int(i)]["code"],
                "outcome": link["outcome"],
                "low": round(max(0.0, p - 0.05), 4),
                "high": round(min(1.0, p + 0.1), 4),
            }
        )
    outcomes = catalogue["outcomes"]
    chosen = iter(rng.choice(N_OUTCOMES, size=11, replace=False))
    for name, count in (
        ("deadweight_pct", 3),
        ("attribution_pct", 2),
        ("displacement_pct", 2),
        ("drop_off_pct", 4),
    ):
        for _ in range(count):
            o = outcomes[int(next(chosen))]
            base = o[name]
            entries.append(
                {
                    "parameter": name,
                    "outcome": o["code"],
                    "low": round(max(0.0, base - 10), 2),
                    "high": round(min(100.0, base + 15), 2),
                }
            )
    for o in rng.choice(N_OUTCOMES, size=2, replace=False):
        entries.append(
            {
                "parameter": "value_factor",
                "outcome": outcomes[int(o)]["code"],
                "low": 0.6,
                "high": 1.3,
            }
        )
    return entries


def build_scenario(seed: int = SEED) -> tuple[dict, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    catalogue = build_catalogue(rng)
    interventions = build_interventions(rng, catalogue)
    document = {
        "format": "siex-scenario",
        "version": 1,
        "name": "Benchmark: municipality scale",
        "parameters": {
            "start_year": START_YEAR,
            "horizon_years": HORIZON,
            "discount_rate": 0.0225,
            "price_basis": "real",
            "count_registered": True,
            "monte_carlo_draws": DRAWS,
            "seed": MC_SEED,
        },
        "catalogue": catalogue,
        "intake": [],
        "uncertainty": build_uncertainty(rng, catalogue),
    }
    return document, interventions


# --- the engine -----------------------------------------------------------------------------------


def aggregate(interventions: dict[str, np.ndarray], type_codes: list[str]) -> list[dict]:
    """The 150,000 rows to registered (type, year) rows: counts and summed actual costs."""
    key = interventions["type_index"] * HORIZON + (interventions["year"] - START_YEAR)
    size = len(type_codes) * HORIZON
    counts = np.bincount(key, minlength=size)
    costs = np.bincount(key, weights=interventions["cost"], minlength=size)
    present = np.flatnonzero(counts)
    return [
        {
            "intervention_type": type_codes[k // HORIZON],
            "year": START_YEAR + k % HORIZON,
            "households": int(counts[k]),
            "cost": float(costs[k]),
        }
        for k in present.tolist()
    ]


def engine_deterministic(document, interventions, type_codes) -> tuple[dict, dict[str, float]]:
    """(a) Aggregation of the rows + scenario reader + ``engine.deterministic``: flows, KPIs and
    every breakdown (year table, actor × domain matrix, periods, who pays / who benefits, cost
    allocation, per type, ledger, budget position, unit returns). Returns the results and the
    time of each piece."""
    from calculation import engine
    from calculation.scenario import parse_scenario

    t0 = time.perf_counter()
    registered = aggregate(interventions, type_codes)
    t1 = time.perf_counter()
    inputs = parse_scenario(document, registered=registered).inputs
    t2 = time.perf_counter()
    result = engine.deterministic(inputs)
    t3 = time.perf_counter()
    return result, {
        "aggregate": t1 - t0,
        "parse": t2 - t1,
        "deterministic": t3 - t2,
        "total": t3 - t0,
    }


def sensitivity(inputs) -> dict[str, float]:
    """Tornado and switching values, each with its own batch, as ``engine.uncertainty`` does."""
    from calculation import engine

    t0 = time.perf_counter()
    engine.tornado(inputs, engine._Batch(inputs, inputs.parameters))
    t1 = time.perf_counter()
    engine.switching_values(inputs, engine._Batch(inputs, engine._sensitivity_parameters(inputs)))
    t2 = time.perf_counter()
    return {"tornado": t1 - t0, "switching_values": t2 - t1, "total": t2 - t0}


def monte_carlo_alone(inputs, draws: int = DRAWS) -> tuple[dict, float]:
    """The Monte Carlo step as ``engine.uncertainty`` runs it: its batch, then ``monte_carlo``."""
    from calculation import engine

    t0 = time.perf_counter()
    batch = engine._Batch(inputs, inputs.parameters)
    result = engine.monte_carlo(inputs, batch, draws, inputs.seed)
    return result, time.perf_counter() - t0


def whole_calculate(inputs) -> tuple[dict, float]:
    """The whole ``engine.calculate``: deterministic part, sensitivity and Monte Carlo."""
    from calculation import engine

    t0 = time.perf_counter()
    result = engine.calculate(inputs)
    return result, time.perf_counter() - t0


# --- the per-intervention loop --------------------------------------------------------------------


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


# --- running and reporting ------------------------------------------------------------------------


def machine_info() -> dict:
    import pandas

    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = None
    cpu_model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except Exception:  # noqa: BLE001 - only informative
        blas = "unknown"
    return {
        "cpu_count": os.cpu_count(),
        "cpus_available": affinity,
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "blas": blas,
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


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


def run(repeats: int, loop_repeats: int) -> dict:
    setup_django()
    from calculation.scenario import parse_scenario

    t0 = time.perf_counter()
    document, interventions = build_scenario()
    type_codes = [t["code"] for t in document["catalogue"]["intervention_types"]]
    rows = intervention_rows(interventions, type_codes)
    build_seconds = time.perf_counter() - t0
    registered = aggregate(interventions, type_codes)
    inputs = parse_scenario(document, registered=registered).inputs
    if inputs.monte_carlo_draws != DRAWS:
        raise RuntimeError(f"The scenario should have {DRAWS} draws.")

    # (a) the deterministic engine, with its pieces
    deterministic = []
    engine_result = None
    for _ in range(repeats):
        engine_result, timing = engine_deterministic(document, interventions, type_codes)
        deterministic.append(timing)

    # sensitivity; Monte Carlo, 10,000 draws, one core; the whole calculate with 10,000 draws
    sensitivities = [sensitivity(inputs) for _ in range(repeats)]
    mc_times = []
    mc_result = None
    for _ in range(repeats):
        mc_result, seconds = monte_carlo_alone(inputs)
        mc_times.append(seconds)
    full_times = []
    full_result = None
    for _ in range(repeats):
        full_result, seconds = whole_calculate(inputs)
        full_times.append(seconds)

    # (c) the per-intervention loop, and the same loop tuned (for information)
    loop_times, tuned_times = [], []
    loop = tuned = None
    for _ in range(loop_repeats):
        t = time.perf_counter()
        loop = loop_calculation(document, rows)
        loop_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        tuned = loop_calculation_tuned(document, rows)
        tuned_times.append(time.perf_counter() - t)

    engine_figures = figures_of(engine_result)
    differences = compare(engine_figures, loop)
    # The whole calculate holds the same deterministic document; the tuned loop the same figures.
    differences_full = compare(figures_of(full_result), loop)
    differences_tuned = compare(engine_figures, tuned)
    agrees = all(
        d < AGREEMENT
        for d in [*differences.values(), *differences_full.values(), *differences_tuned.values()]
    )
    det = {key: median([d[key] for d in deterministic]) for key in deterministic[0]}
    sens = {key: median([s[key] for s in sensitivities]) for key in sensitivities[0]}
    mc_seconds = median(mc_times)
    full_seconds = median(full_times)
    loop_seconds = median(loop_times)
    tuned_seconds = median(tuned_times)
    speedup = loop_seconds / det["total"]
    kpis = engine_result["kpis"]
    return {
        "machine": machine_info(),
        "data": {
            "seed": SEED,
            "households": N_HOUSEHOLDS,
            "interventions": N_INTERVENTIONS,
            "intervention_types": len(inputs.types),
            "outcomes": len(inputs.outcomes),
            "outcome_links": int(inputs.link_type.size),
            "money_values": int(inputs.value_amount.size),
            "transfer_values": int(inputs.value_transfer.sum()),
            "actors": len(inputs.actors),
            "life_domains": len(inputs.domains),
            "years": inputs.horizon,
            "uncertain_parameters": len(inputs.parameters),
            "drop_off_ranges": sum(p.kind == "drop_off" for p in inputs.parameters),
            "registered_rows_after_aggregation": len(registered),
            "build_seconds": build_seconds,
        },
        "repeats": {"engine": repeats, "loop": loop_repeats},
        "seconds": {
            "deterministic": det["total"],
            "aggregate_150k_rows": det["aggregate"],
            "parse_scenario": det["parse"],
            "engine_deterministic": det["deterministic"],
            "loop": loop_seconds,
            "loop_tuned": tuned_seconds,
            "sensitivity": sens["total"],
            "tornado": sens["tornado"],
            "switching_values": sens["switching_values"],
            "monte_carlo_10000": mc_seconds,
            "calculate_10000_draws": full_seconds,
            "all_runs": {
                "deterministic": [d["total"] for d in deterministic],
                "loop": loop_times,
                "loop_tuned": tuned_times,
                "sensitivity": [s["total"] for s in sensitivities],
                "monte_carlo_10000": mc_times,
                "calculate_10000_draws": full_times,
            },
        },
        "speedup": {
            "loop_over_deterministic": speedup,
            "loop_over_engine_deterministic_alone": loop_seconds / det["deterministic"],
            "tuned_loop_over_deterministic": tuned_seconds / det["total"],
        },
        "agreement": {
            "tolerance": AGREEMENT,
            "deterministic_vs_loop": differences,
            "calculate_vs_loop": differences_full,
            "deterministic_vs_tuned_loop": differences_tuned,
            "agrees": agrees,
        },
        "figures": {
            "pv_costs": kpis["pv_costs"],
            "pv_benefits": kpis["pv_benefits"],
            "npv": kpis["npv"],
            "multiplier_discounted": kpis["multiplier_discounted"],
            "multiplier_undiscounted": kpis["multiplier_undiscounted"],
            "municipality_financial_return": kpis["municipality_financial_return"],
            "ledger_ncw": engine_result["ledger"]["ncw"],
            "monte_carlo_npv_p10_p50_p90": [
                mc_result["npv"]["p10"],
                mc_result["npv"]["p50"],
                mc_result["npv"]["p90"],
            ],
            "probability_npv_positive": mc_result["probability_npv_positive"],
        },
        "targets": {
            "deterministic": {
                "target": f"< {TARGET_DETERMINISTIC_S:g} s",
                "met": det["total"] < TARGET_DETERMINISTIC_S,
            },
            "speedup": {"target": f">= {TARGET_SPEEDUP:g}x", "met": speedup >= TARGET_SPEEDUP},
            "agreement": {"target": f"relative difference < {AGREEMENT:g}", "met": agrees},
            "monte_carlo": {
                "target": f"< {TARGET_MONTE_CARLO_S:g} s on one core",
                "met": mc_seconds < TARGET_MONTE_CARLO_S,
            },
            "calculate_10000_draws": {
                "target": f"< {TARGET_MONTE_CARLO_S:g} s on one core",
                "met": full_seconds < TARGET_MONTE_CARLO_S,
            },
        },
    }


def _s(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def _met(flag: bool) -> str:
    return "yes" if flag else "NO"


def print_table(report: dict) -> None:
    m, d, s, t = report["machine"], report["data"], report["seconds"], report["targets"]
    print("SIEX engine benchmark (DESIGN §7)")
    print(
        f"machine: {m['cpu_count']} CPUs ({m['cpus_available']} available), {m['cpu_model']}; "
        f"{m['platform']}"
    )
    print(
        f"software: Python {m['python']}, numpy {m['numpy']} ({m['blas']}), pandas {m['pandas']}; "
        f"BLAS/OpenMP threads: {m['threads']['OPENBLAS_NUM_THREADS'] or 'default'}"
    )
    print(
        f"data: {d['households']:,} households, {d['interventions']:,} interventions, "
        f"{d['intervention_types']} types, {d['outcomes']} outcomes, {d['outcome_links']} links, "
        f"{d['money_values']} money values ({d['transfer_values']} transfers), "
        f"{d['actors']} actors, {d['life_domains']} life domains, {d['years']} years, "
        f"{d['uncertain_parameters']} uncertain parameters ({d['drop_off_ranges']} drop-off "
        f"ranges); seed {d['seed']}"
    )
    r = report["repeats"]
    print(f"times: median of {r['engine']} runs (engine) and {r['loop']} runs (loop)\n")

    x = report["speedup"]
    info = None
    rows = [
        ("(a) deterministic engine", _s(s["deterministic"]), t["deterministic"]),
        ("    aggregate 150,000 rows (numpy)", _s(s["aggregate_150k_rows"]), info),
        ("    parse_scenario", _s(s["parse_scenario"]), info),
        ("    deterministic(inputs)", _s(s["engine_deterministic"]), info),
        ("(c) per-intervention Python loop", _s(s["loop"]), info),
        ("speed-up (c) / (a)", f"{x['loop_over_deterministic']:,.0f}x", t["speedup"]),
        (
            "  (c) / deterministic(inputs) alone",
            f"{x['loop_over_engine_deterministic_alone']:,.0f}x",
            info,
        ),
        ("  tuned Python loop", _s(s["loop_tuned"]), info),
        ("  tuned loop / (a)", f"{x['tuned_loop_over_deterministic']:,.0f}x", info),
        ("sensitivity: tornado + switching values", _s(s["sensitivity"]), info),
        ("    tornado", _s(s["tornado"]), info),
        ("    switching values", _s(s["switching_values"]), info),
        ("Monte Carlo 10,000 draws, 1 core", _s(s["monte_carlo_10000"]), t["monte_carlo"]),
        (
            "calculate, whole, 10,000 draws, 1 core",
            _s(s["calculate_10000_draws"]),
            t["calculate_10000_draws"],
        ),
    ]
    print(f"{'figure':<42} {'measured':>10}   {'target (DESIGN §7)':<24} met")
    print("-" * 84)
    for label, value, target in rows:
        if target is None:
            print(f"{label:<42} {value:>10}")
        else:
            print(f"{label:<42} {value:>10}   {target['target']:<24} {_met(target['met'])}")

    a = report["agreement"]
    print(
        f"\ncheck: engine and loop agree (largest relative difference per figure "
        f"< {a['tolerance']:g})"
    )
    print(f"  {'figure':<26} {'deterministic':>13} {'calculate':>10} {'tuned loop':>10}")
    full, tuned = a["calculate_vs_loop"], a["deterministic_vs_tuned_loop"]
    for name, diff in a["deterministic_vs_loop"].items():
        ok = "ok" if max(diff, full[name], tuned[name]) < a["tolerance"] else "DIFFERS"
        print(f"  {name:<26} {diff:>13.1e} {full[name]:>10.1e} {tuned[name]:>10.1e}  {ok}")
    print(f"  => {'agree' if a['agrees'] else 'DO NOT AGREE'}")

    f = report["figures"]
    p10, p50, p90 = f["monte_carlo_npv_p10_p50_p90"]
    print(
        f"\nresults: PV costs EUR {f['pv_costs']:,.0f}; PV benefits EUR {f['pv_benefits']:,.0f}; "
        f"NPV EUR {f['npv']:,.0f}; multiplier {f['multiplier_discounted']:.3f} discounted, "
        f"{f['multiplier_undiscounted']:.3f} undiscounted"
    )
    print(
        f"municipality: financial return {f['municipality_financial_return']:.3f}; "
        f"ledger NCW EUR {f['ledger_ncw']:,.0f}"
    )
    print(
        f"Monte Carlo NPV P10/P50/P90: EUR {p10:,.0f} / {p50:,.0f} / {p90:,.0f}; "
        f"P(NPV > 0) = {f['probability_npv_positive']:.3f}"
    )
    missed = [name for name, target in t.items() if not target["met"]]
    print(f"\ntargets: {'all met' if not missed else 'MISSED: ' + ', '.join(missed)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeats", type=int, default=7, help="engine runs (median; default 7)")
    parser.add_argument("--loop-repeats", type=int, default=3, help="loop runs (default 3)")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    report = run(max(1, args.repeats), max(1, args.loop_repeats))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    if args.check and not all(target["met"] for target in report["targets"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
