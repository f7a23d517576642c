"""Benchmark of the calculation engine at municipality scale (DESIGN §7).

Run from the project folder:

    .venv/bin/python bench/engine_bench.py            # a readable table
    .venv/bin/python bench/engine_bench.py --json     # the same figures as JSON

It builds synthetic data deterministically (``bench_data``: 30,000 households, 150,000 registered
interventions, 40 intervention types, 60 outcomes, 10 years, ~20 uncertain parameters), reads it
through the real scenario reader (``calculation.scenario.parse_scenario``) and times, side by
side in one run:

- (a) the deterministic engine: the 150,000 intervention rows aggregated to (type, year) counts
  and costs with numpy, ``parse_scenario`` and ``engine.deterministic`` (flows, KPIs and every
  breakdown);
- (c) a careful analyst's per-intervention Python loop (``engine_loop``) that computes the same
  flows and KPIs from the same rows and catalogue, checked against (a) figure by figure;
- on their own lines: the sensitivity analysis (tornado and switching values), the Monte Carlo
  step with 10,000 draws on one core, and the whole ``engine.calculate`` with 10,000 draws.

The speed-up (c) / (a) is the figure DESIGN §7 asks for (at least 100x). See bench/README.md.
"""

import os

if __name__ == "__main__":
    # One core for numpy's BLAS/OpenMP thread pools: set before numpy is imported. Imported as a
    # module (bench/job_bench.py reuses ``aggregate``) the environment is left alone.
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
from bench_data import (  # noqa: E402
    DRAWS,
    HORIZON,
    N_HOUSEHOLDS,
    N_INTERVENTIONS,
    SEED,
    START_YEAR,
    build_scenario,
)
from engine_loop import (  # noqa: E402
    compare,
    figures_of,
    intervention_rows,
    loop_calculation,
    loop_calculation_tuned,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_DETERMINISTIC_S = 1.0
TARGET_MONTE_CARLO_S = 5.0
TARGET_SPEEDUP = 100.0
AGREEMENT = 1e-9


def setup_django() -> None:
    """The scenario reader translates its messages with Django's gettext: settings must exist.
    Without a DJANGO_SETTINGS_MODULE a minimal configuration is enough (no database is used)."""
    import django
    from django.conf import settings

    if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
        settings.configure(USE_I18N=False)
    django.setup()


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
