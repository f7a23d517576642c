"""The synthetic municipality of the benchmarks (DESIGN §7), built deterministically: a catalogue
(format ``siex-catalogue``), 30,000 households with 150,000 registered interventions and the
uncertainty ranges, written as a scenario document. See bench/README.md, "The data"."""

import numpy as np

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
