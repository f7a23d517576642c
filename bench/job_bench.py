"""Benchmark of the full recalculation job on PostgreSQL (DESIGN §7): read, calculate, store.

Run from the project folder, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siex_bench .venv/bin/python bench/job_bench.py

It creates the database when it is missing and migrates it, then builds municipality-scale data in
it once (30,000 households and 150,000 registered interventions on a synthetic catalogue of 40
intervention types and 60 outcomes, loaded with ``catalogue_load``; the same data as
bench/engine_bench.py, from bench/bench_data.py). Reruns find the data there and skip building it.
It then loads a scenario (counting registered interventions, 10,000 Monte Carlo draws, 21
uncertainty ranges) and starts a recalculation with ``run_start`` three times; the job runs
in-process (Celery eager mode) through ``run_execute``: read the scenario version and the registered
interventions from the database, calculate, store the results on the run. It prints read / calculate
/ store / total from the run's timings and the wall-clock time, against the target of 15 seconds on
a 2-core machine, and how long the register's aggregation takes as SQL (``registered_intake``) and
as a Python loop over the rows.

Options: ``--repeats N`` (default 3), ``--json``, ``--check`` (exit status 1 when the target is
missed), ``--drop`` (drop the benchmark database afterwards). See bench/README.md.
"""

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/siex_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siex.settings.test")
# A benchmark never runs with DEBUG on: Django would keep every query in memory.
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-real-installation")
os.environ.setdefault("SIEX_PSEUDONYM_KEY", "bench-only-pseudonym-key-not-for-real-households")
# The job runs in this process (no broker, no worker): run_start sends it through Celery's eager
# mode straight into run_execute.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per task

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from urllib.parse import unquote, urlparse  # noqa: E402

import bench_data  # noqa: E402
import numpy as np  # noqa: E402
from engine_bench import aggregate  # noqa: E402

TARGET_JOB_S = 15.0
SCENARIO_CODE = "bench-municipality"
REFERENCE_PREFIX = "BENCH"
DATE_SEED = 20_260_102
BATCH = 5_000
AGREEMENT = 1e-9


# --- the database ---------------------------------------------------------------------------------


def database_settings() -> dict:
    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"DATABASE_URL must point at PostgreSQL, not {url.scheme!r}.")
    name = unquote(url.path.lstrip("/"))
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to use database {name!r}: this script rewrites the register of the database "
            "it is given. Use a database of its own whose name contains 'bench' (siex_bench)."
        )
    return {
        "name": name,
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": unquote(url.username or "postgres"),
        "password": unquote(url.password) if url.password else None,
    }


def _server_connection(db: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        host=db["host"],
        port=db["port"],
        user=db["user"],
        password=db["password"],
    )
    connection.autocommit = True
    return connection


def create_database(db: dict) -> bool:
    """Create the benchmark database when it does not exist; True when it was created."""
    from psycopg2 import sql

    connection = _server_connection(db)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["name"]])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["name"])))
            return True
    finally:
        connection.close()


def drop_database(db: dict) -> None:
    from django.db import connections
    from psycopg2 import sql

    connections.close_all()
    connection = _server_connection(db)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(db["name"])
                )
            )
    finally:
        connection.close()


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    # Celery's eager mode still builds a broker connection for "memory://", and says so.
    logging.getLogger("kombu").setLevel(logging.ERROR)
    call_command("migrate", interactive=False, verbosity=0)


# --- the data -------------------------------------------------------------------------------------


def _fingerprint() -> dict:
    """What is in the register now: enough to tell whether it holds the benchmark data."""
    from django.db.models import Count, Sum

    from interventions.register.models import Household, Intervention

    register = Intervention.objects.aggregate(n=Count("id"), cost=Sum("actual_cost"))
    return {
        "households": Household.objects.count(),
        "interventions": register["n"],
        "cost": register["cost"] or Decimal(0),
    }


def ensure_data(document: dict, interventions: dict[str, np.ndarray]) -> dict:
    """Load the catalogue (idempotent) and build the register unless it already holds exactly the
    benchmark data (same counts and the same total cost to the cent)."""
    from django.core.management import call_command

    from interventions.catalogue.file import catalogue_load
    from monitoring.selectors import current_districts

    timings = {}
    t0 = time.perf_counter()
    if not current_districts().exists():
        call_command("load_areas", stdout=io.StringIO())
    report = catalogue_load(document["catalogue"])
    timings["areas_and_catalogue"] = time.perf_counter() - t0

    costs = [Decimal(f"{cost:.2f}") for cost in interventions["cost"].tolist()]
    expected = {
        "households": bench_data.N_HOUSEHOLDS,
        "interventions": bench_data.N_INTERVENTIONS,
        "cost": sum(costs, Decimal(0)),
    }
    t0 = time.perf_counter()
    found = _fingerprint()
    timings["check"] = time.perf_counter() - t0
    built = found != expected
    if built:
        t0 = time.perf_counter()
        _build_register(document, interventions, costs)
        timings["build_register"] = time.perf_counter() - t0
        found = _fingerprint()
        if found != expected:
            raise RuntimeError(f"The register holds {found}, expected {expected}.")
    return {"built": built, "catalogue": report.summary(), "seconds": timings, **found}


def _build_register(document: dict, interventions: dict[str, np.ndarray], costs) -> None:
    """Replace the register by the benchmark's households and interventions (bulk, in batches)."""
    from auditlog.context import disable_auditlog
    from django.db import connection, transaction

    from interventions.catalogue.models import InterventionType
    from interventions.register.models import (
        DebtSituation,
        Household,
        IncomeSource,
        Intervention,
        InterventionStatus,
        LegalBasis,
        Source,
    )
    from interventions.register.pseudonyms import pseudonymise
    from monitoring.selectors import current_districts

    rng = np.random.default_rng(DATE_SEED)
    districts = list(current_districts())
    n = bench_data.N_HOUSEHOLDS
    area = rng.integers(0, len(districts), n)
    adults = rng.integers(1, 3, n)
    children = rng.integers(0, 4, n)
    income = np.round(rng.uniform(85, 140, n), 1)
    sources = list(IncomeSource.values)
    debts = list(DebtSituation.values)
    source = rng.integers(0, len(sources), n)
    debt = rng.integers(0, len(debts), n)
    # Everyone joins in the second half of the year before the horizon, so before any start date.
    joined = rng.integers(0, 184, n)
    first_day = date(bench_data.START_YEAR - 1, 7, 1)

    type_ids = dict(InterventionType.objects.values_list("code", "id"))
    type_codes = [t["code"] for t in document["catalogue"]["intervention_types"]]
    m = bench_data.N_INTERVENTIONS
    day_of_year = rng.integers(0, 365, m)
    duration = rng.integers(60, 540, m)

    with transaction.atomic(), disable_auditlog():
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {Intervention._meta.db_table}, {Household._meta.db_table} CASCADE"
            )
        households = [
            Household(
                pseudonym=pseudonymise(f"{REFERENCE_PREFIX}-{i:06d}"),
                area=districts[int(area[i])],
                adults=int(adults[i]),
                children=int(children[i]),
                income_pct_social_minimum=Decimal(f"{income[i]:.1f}"),
                income_source=sources[int(source[i])],
                debt_situation=debts[int(debt[i])],
                participation_start=first_day + timedelta(days=int(joined[i])),
                legal_basis=LegalBasis.PUBLIC_TASK,
                source=Source.IMPORT,
            )
            for i in range(n)
        ]
        Household.objects.bulk_create(households, batch_size=BATCH)
        ids = [h.pk for h in households]
        if None in ids:  # bulk_create returns primary keys on PostgreSQL
            raise RuntimeError("bulk_create did not return household ids.")
        del households

        household = interventions["household"].tolist()
        type_index = interventions["type_index"].tolist()
        year = interventions["year"].tolist()
        # interventions ended before then are completed
        today = date(bench_data.START_YEAR + 2, 1, 1)
        for first in range(0, m, BATCH):
            rows = []
            for k in range(first, min(first + BATCH, m)):
                start = date(year[k], 1, 1) + timedelta(days=int(day_of_year[k]))
                end = start + timedelta(days=int(duration[k]))
                completed = end < today
                rows.append(
                    Intervention(
                        household_id=ids[household[k]],
                        intervention_type_id=type_ids[type_codes[type_index[k]]],
                        start_date=start,
                        end_date=end if completed else None,
                        actual_cost=costs[k],
                        status=(
                            InterventionStatus.COMPLETED if completed else InterventionStatus.ACTIVE
                        ),
                        source=Source.IMPORT,
                    )
                )
            Intervention.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Household._meta.db_table}")
        cursor.execute(f"ANALYZE {Intervention._meta.db_table}")
    # TRUNCATE and bulk_create send no signals: figures cached from the old register go.
    from interventions.register.generation import register_changed

    register_changed()


def ensure_scenario(document: dict):
    """The benchmark scenario as a version in the database (a new version only when it changed),
    with the catalogue snapshot taken from the database as the application takes it."""
    from calculation.models import ACTIVE_STATUSES, RunStatus
    from calculation.services import scenario_load_file

    scenario = {key: value for key, value in document.items() if key not in ("catalogue", "intake")}
    scenario["code"] = SCENARIO_CODE
    version, _changed = scenario_load_file(document=scenario, calculate=False)
    # A run left active by an interrupted benchmark would make run_start return it unfinished.
    version.runs.filter(status__in=ACTIVE_STATUSES).update(
        status=RunStatus.FAILED, error="Interrupted benchmark run."
    )
    return version


# --- timing ---------------------------------------------------------------------------------------


def time_job(version) -> dict:
    """One recalculation as the application starts it: run_start → (Celery, eager) → run_execute."""
    from django.db import transaction

    from calculation.models import CalculationRun, RunStatus
    from calculation.services import run_start

    t0 = time.perf_counter()
    run = run_start(version=version)
    wall = time.perf_counter() - t0
    run.refresh_from_db()
    if run.status != RunStatus.SUCCEEDED:
        raise RuntimeError(f"Run {run.pk} ended {run.status}: {run.error}")
    # run.timings["store"] is taken before the row with the results is saved, so it does not
    # include that write. Writing the same results to the run once more shows what it costs.
    t0 = time.perf_counter()
    with transaction.atomic():
        CalculationRun.objects.filter(pk=run.pk).update(results=run.results)
    rewrite = time.perf_counter() - t0
    return {
        "run": run.pk,
        "wall": wall,
        **run.timings,
        "results_rewrite": rewrite,
        "results_bytes": len(json.dumps(run.results)),
        "npv": run.results["kpis"]["npv"],
        "pv_costs": run.results["kpis"]["pv_costs"],
        "pv_benefits": run.results["kpis"]["pv_benefits"],
        "multiplier": run.results["kpis"]["multiplier_discounted"],
        "mc_npv_p50": run.results["monte_carlo"]["npv"]["p50"],
        "households_registered": run.results["kpis"]["households_registered"],
    }


def naive_registered(start_year: int, horizon_years: int) -> list[dict]:
    """The register's aggregation done in Python: every Intervention row (with its type) read
    through ``.iterator()`` and summed per type and year, with the rules of
    ``registered_intake`` (planned left out; stopped count with their cost, not as a household)."""
    from interventions.register.models import Intervention, InterventionStatus

    households: dict[tuple[str, int], int] = defaultdict(int)
    costs: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    rows = Intervention.objects.select_related("intervention_type").iterator(chunk_size=2000)
    for intervention in rows:
        year = intervention.start_date.year
        if not start_year <= year < start_year + horizon_years:
            continue
        if intervention.status == InterventionStatus.PLANNED:
            continue
        key = (intervention.intervention_type.code, year)
        if intervention.status != InterventionStatus.STOPPED:
            households[key] += 1
        else:
            households.setdefault(key, 0)
        cost = intervention.actual_cost
        costs[key] += cost if cost is not None else intervention.intervention_type.unit_cost
    return [
        {
            "intervention_type": code,
            "year": year,
            "households": households[(code, year)],
            "cost": float(costs[(code, year)]),
        }
        for code, year in sorted(costs)
    ]


def time_aggregations(version, repeats: int) -> dict:
    from calculation.selectors import registered_intake_counted as registered_intake

    sql_times, naive_times = [], []
    sql_rows = naive_rows = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        sql_rows = registered_intake(
            start_year=version.start_year, horizon_years=version.horizon_years
        )
        sql_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        naive_rows = naive_registered(version.start_year, version.horizon_years)
        naive_times.append(time.perf_counter() - t0)
    return {
        "sql_group_by": statistics.median(sql_times),
        "python_iterator": statistics.median(naive_times),
        "all_runs": {"sql_group_by": sql_times, "python_iterator": naive_times},
        "rows": len(sql_rows),
        "same_rows": sql_rows == naive_rows,
    }


def engine_bench_npv(document: dict, interventions: dict[str, np.ndarray]) -> float:
    """The NPV bench/engine_bench.py computes from the same data without the database."""
    from calculation import engine
    from calculation.scenario import parse_scenario

    type_codes = [t["code"] for t in document["catalogue"]["intervention_types"]]
    registered = aggregate(interventions, type_codes)
    inputs = parse_scenario(document, registered=registered).inputs
    return engine.deterministic(inputs)["kpis"]["npv"]


def server_info() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_available": affinity,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "postgresql": version,
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
    }


def run(repeats: int) -> dict:
    db = database_settings()
    created = create_database(db)
    t0 = time.perf_counter()
    setup_django()
    migrate_seconds = time.perf_counter() - t0

    document, interventions = bench_data.build_scenario()
    data = ensure_data(document, interventions)
    data["seconds"]["migrate"] = migrate_seconds
    version = ensure_scenario(document)

    jobs = [time_job(version) for _ in range(repeats)]
    aggregation = time_aggregations(version, repeats)
    reference_npv = engine_bench_npv(document, interventions)

    keys = ("read", "calculate", "store", "total", "wall", "results_rewrite")
    medians = {key: statistics.median(job[key] for job in jobs) for key in keys}
    npv = jobs[-1]["npv"]
    difference = abs(npv - reference_npv) / max(abs(npv), abs(reference_npv))
    return {
        "machine": server_info(),
        "database": {"name": db["name"], "host": db["host"], "created": created},
        "data": {
            **{key: value for key, value in data.items() if key != "cost"},
            "total_cost": float(data["cost"]),
            "intervention_types": len(document["catalogue"]["intervention_types"]),
            "outcomes": len(document["catalogue"]["outcomes"]),
            "uncertainty_ranges": len(document["uncertainty"]),
            "monte_carlo_draws": version.monte_carlo_draws,
            "scenario_version": str(version),
        },
        "repeats": repeats,
        "jobs": jobs,
        "seconds": medians,
        "aggregation": aggregation,
        "figures": {
            "npv": npv,
            "pv_costs": jobs[-1]["pv_costs"],
            "pv_benefits": jobs[-1]["pv_benefits"],
            "multiplier": jobs[-1]["multiplier"],
            "monte_carlo_npv_p50": jobs[-1]["mc_npv_p50"],
            "households_registered": jobs[-1]["households_registered"],
            "results_bytes": jobs[-1]["results_bytes"],
            "engine_bench_npv": reference_npv,
            "relative_difference": difference,
            "agrees": difference < AGREEMENT,
        },
        "target": {
            "target": f"< {TARGET_JOB_S:g} s on a 2-core machine",
            "met": medians["wall"] < TARGET_JOB_S,
        },
    }


def _s(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def print_table(report: dict) -> None:
    m, d, s, a, f = (
        report["machine"],
        report["data"],
        report["seconds"],
        report["aggregation"],
        report["figures"],
    )
    print("SIEX recalculation job benchmark (DESIGN §7)")
    print(
        f"machine: {m['cpu_count']} CPUs ({m['cpus_available']} available); "
        f"Python {m['python']}, numpy {m['numpy']}; PostgreSQL {m['postgresql']}; "
        f"{m['settings']}"
    )
    db = report["database"]
    print(f"database: {db['name']} on {db['host']}{' (created now)' if db['created'] else ''}")
    building = (
        f"built in {_s(d['seconds']['build_register'])}"
        if d["built"]
        else f"already there (checked in {_s(d['seconds']['check'])})"
    )
    print(
        f"data: {d['households']:,} households, {d['interventions']:,} interventions "
        f"({building}); {d['intervention_types']} types, {d['outcomes']} outcomes; "
        f"{d['uncertainty_ranges']} uncertainty ranges, {d['monte_carlo_draws']:,} draws; "
        f"{d['scenario_version']}"
    )
    print(f"catalogue_load: {d['catalogue']}")
    print(
        "\njob runs, in seconds: read / calculate / store / total from run.timings; wall = "
        "run_start → Celery eager → run_execute, measured around it; rewrite = the results "
        "written to the run row once more (the write run.timings leaves out)"
    )
    header = ("run", "read", "calculate", "store", "total", "wall", "rewrite")
    print("  " + " ".join(f"{name:>9}" for name in header))
    keys = ("read", "calculate", "store", "total", "wall", "results_rewrite")
    for job in report["jobs"]:
        print(f"  {job['run']:>9} " + " ".join(f"{job[key]:>9.3f}" for key in keys))
    print(f"  {'median':>9} " + " ".join(f"{s[key]:>9.3f}" for key in keys))
    t = report["target"]
    print(
        f"\nfull recalculation job (median wall-clock): {_s(s['wall'])}   target {t['target']}: "
        f"{'met' if t['met'] else 'NOT MET'}"
    )
    print(
        f"\nregister aggregation ({a['rows']} type × year rows from {d['interventions']:,} "
        f"interventions, median of {report['repeats']}):"
    )
    print(f"  SQL GROUP BY (registered_intake)           {_s(a['sql_group_by']):>10}")
    print(f"  Python loop over .iterator() of the rows   {_s(a['python_iterator']):>10}")
    print(
        f"  ratio {a['python_iterator'] / a['sql_group_by']:,.0f}x; "
        f"same rows: {'yes' if a['same_rows'] else 'NO'}"
    )
    print(
        f"\nresults: NPV EUR {f['npv']:,.0f}; PV costs EUR {f['pv_costs']:,.0f}; PV benefits "
        f"EUR {f['pv_benefits']:,.0f}; multiplier {f['multiplier']:.3f}; Monte Carlo NPV P50 "
        f"EUR {f['monte_carlo_npv_p50']:,.0f}; {f['households_registered']:,.0f} households "
        f"registered; results JSON {f['results_bytes'] / 1024:,.0f} KiB"
    )
    print(
        f"check: engine_bench.py on the same data without the database: NPV EUR "
        f"{f['engine_bench_npv']:,.0f} (relative difference {f['relative_difference']:.1e}: "
        f"{'agrees' if f['agrees'] else 'DIFFERS'})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="job runs (median; default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when the target is missed"
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the benchmark database afterwards"
    )
    args = parser.parse_args(argv)
    try:
        report = run(max(1, args.repeats))
    finally:
        if args.drop:
            drop_database(database_settings())
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_table(report)
    if args.drop:
        print(f"\ndropped database {report['database']['name']}")
    ok = report["target"]["met"] and report["figures"]["agrees"]
    ok = ok and report["aggregation"]["same_rows"]
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
