"""Benchmark of the return per household (the participants page of a scenario version,
``calculation:version-participants``) at municipality scale (DESIGN §7: dashboards p95 < 300 ms).

Run from the project folder, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siex_bench \\
        .venv/bin/python bench/participants_bench.py

It uses the data of bench/job_bench.py (30,000 households, 150,000 registered interventions, built
once and found again on reruns) with one finished calculation of the benchmark scenario, and adds
30,000 outcome events (deterministic; rebuilt only when missing), so that realised returns have
something to value. It then times the page's computation as ``ParticipantsMixin.distribution``
does it (``cached_distribution`` for the version's newest run and today) and the page's three
charts, for a council member (suppressed: the 40-type × 8-class table through secondary
suppression) and a project lead (figures as computed), for every breakdown:

- uncached: the cache emptied first, so the register is read and everything worked out;
- frames cached: the register's frames cached (by an earlier request of another breakdown or
  reader), the distribution not yet;
- cached: the same request again (the cache key holds the register's stamp);
- straightforward: the uncached computation with the plain implementations of
  bench/participants_loop.py in place of secondary suppression (``table_mask``) and of the
  valuation of realised returns (per event in Python), in the same run, with the ratio;

and checks that both give the same figures. Options: ``--repeats N`` (median, default 5),
``--json``, ``--check`` (exit status 1 when the uncached council request is not under 300 ms or
the figures differ). See bench/README.md.
"""

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/siex_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siex.settings.test")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-real-installation")
os.environ.setdefault("SIEX_PSEUDONYM_KEY", "bench-only-pseudonym-key-not-for-real-households")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import bench_data  # noqa: E402
import job_bench as jb  # noqa: E402
import numpy as np  # noqa: E402

TARGET_P95_MS = 300.0
N_EVENTS = 30_000
EVENT_SEED = 20_260_103
DIMENSIONS = ("type", "wijk", "cohort")


# --- the data -------------------------------------------------------------------------------------


def ensure_events(reference: date) -> dict:
    """30,000 outcome events on the benchmark register unless it holds them: each on a random
    intervention started by ``reference``, an outcome its type brings, a date between its start
    and ``reference``; one in ten attributed to no intervention."""
    from auditlog.context import disable_auditlog
    from django.db import connection, transaction

    from interventions.catalogue.models import InterventionOutcome, Outcome
    from interventions.followup.models import EvidenceSource, OutcomeEvent
    from interventions.register.models import Intervention, InterventionStatus, Source

    found = OutcomeEvent.objects.count()
    if found == N_EVENTS:
        return {"events": found, "built": False}
    rng = np.random.default_rng(EVENT_SEED)
    started = list(
        Intervention.objects.filter(
            start_date__lte=reference, start_date__year__gte=bench_data.START_YEAR
        )
        .exclude(status=InterventionStatus.PLANNED)
        .order_by("pk")
        .values_list("pk", "household_id", "intervention_type_id", "start_date")
    )
    links: dict[int, list[int]] = {}
    for type_id, outcome_id in InterventionOutcome.objects.order_by("pk").values_list(
        "intervention_type_id", "outcome_id"
    ):
        links.setdefault(type_id, []).append(outcome_id)
    outcomes = list(Outcome.objects.order_by("pk").values_list("pk", flat=True))
    chosen = rng.integers(0, len(started), N_EVENTS)
    pick = rng.random(N_EVENTS)
    share = rng.random(N_EVENTS)
    unattributed = rng.random(N_EVENTS) < 0.1
    events = []
    for k in range(N_EVENTS):
        pk, household, type_id, start = started[int(chosen[k])]
        choices = links.get(type_id) or outcomes
        days = (reference - start).days
        events.append(
            OutcomeEvent(
                household_id=household,
                intervention_id=None if unattributed[k] else pk,
                outcome_id=choices[int(pick[k] * len(choices))],
                date=start + timedelta(days=int(share[k] * days)),
                evidence=EvidenceSource.REGISTRATION,
                source=Source.IMPORT,
            )
        )
    with transaction.atomic(), disable_auditlog():
        OutcomeEvent.objects.all().delete()
        OutcomeEvent.objects.bulk_create(events, batch_size=jb.BATCH)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OutcomeEvent._meta.db_table}")
    return {"events": OutcomeEvent.objects.count(), "built": True}


def prepare() -> dict:
    """The benchmark data, a finished calculation of the benchmark scenario and the events."""
    db = jb.database_settings()
    jb.create_database(db)
    jb.setup_django()

    from calculation.realised.selectors import default_reference
    from calculation.selectors import latest_result
    from calculation.services import run_execute, run_start

    document, interventions = bench_data.build_scenario()
    data = jb.ensure_data(document, interventions)
    version = jb.ensure_scenario(document)
    run = latest_result(version)
    if run is None:
        run_execute(run_id=run_start(version=version).pk)
        run = latest_result(version)
    reference = default_reference()
    events = ensure_events(reference)
    return {
        "database": db["name"],
        "version": version,
        "run": run,
        "reference": reference,
        "households": data["households"],
        "interventions": data["interventions"],
        **events,
    }


# --- timing ---------------------------------------------------------------------------------------


def page(prepared: dict, *, suppress: bool, dimension: str, measure: str = "benefits"):
    """What a request of the page computes: the distribution as ``ParticipantsMixin`` reads it
    (through the cache) and the page's three charts."""
    from calculation.participants.presentation import cached_distribution, participant_charts

    _snapshot, shown = cached_distribution(
        prepared["version"],
        prepared["run"],
        reference=prepared["reference"],
        measure=measure,
        basis="expected",
        dimension=dimension,
        suppress=suppress,
    )
    participant_charts(shown)
    return shown


def read(prepared: dict) -> None:
    """The register's frames into the cache, as the page's first request of any breakdown or
    reader leaves them."""
    from calculation.participants.snapshots import take

    take(prepared["version"], prepared["run"], reference=prepared["reference"])


@contextmanager
def straightforward():
    """The plain implementations of bench/participants_loop.py in place of the application's."""
    import participants_loop as loop

    import calculation.participants.snapshots as snapshots
    import monitoring.suppression as suppression

    saved = snapshots.participant_returns, suppression.table_mask
    snapshots.participant_returns = loop.participant_returns
    suppression.table_mask = loop.table_mask
    try:
        yield
    finally:
        snapshots.participant_returns, suppression.table_mask = saved


#: The processor time of this process (the application's own work, PostgreSQL's left out) of
#: each timed call, by the name given to ``timed``.
CPU: dict[str, list[float]] = {}


def timed(
    function, repeats: int, *, clear: bool, before=None, name: str = ""
) -> tuple[list[float], object]:
    """Wall-clock seconds of ``repeats`` calls (and their processor time in ``CPU[name]``)."""
    from django.core.cache import cache

    seconds, result = [], None
    for _ in range(repeats):
        if clear:
            cache.clear()
        if before is not None:
            before()
        t0, c0 = time.perf_counter(), time.process_time()
        result = function()
        seconds.append(time.perf_counter() - t0)
        CPU.setdefault(name, []).append(time.process_time() - c0)
    return seconds, result


def same_figures(fast, plain, tolerance: float = 1e-9) -> bool:
    """Counts, labels and hidden cells equal; amounts equal to ``tolerance`` (relative): the
    sums are the same, added in another order."""
    from dataclasses import asdict

    def close(a, b) -> bool:
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
        if isinstance(a, list | tuple) and isinstance(b, list | tuple):
            return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, float) and isinstance(b, float):
            return abs(a - b) <= tolerance * max(abs(a), abs(b), 1.0)
        return a == b

    return close(asdict(fast), asdict(plain))


def parts(prepared: dict) -> dict[str, float]:
    """The uncached computation in its steps (one run each, for information)."""
    from calculation.participants import selectors
    from calculation.participants.presentation import distribution_for
    from calculation.realised.selectors import realised_returns

    version, run, reference = prepared["version"], prepared["run"], prepared["reference"]
    steps = {
        "households": lambda: selectors._households(version),
        "interventions": lambda: selectors._interventions(version, run, reference),
        "realised returns": lambda: realised_returns(version, reference=reference),
        "register stamp": selectors.register_stamp,
    }
    result = {name: timed(step, 1, clear=False)[0][0] for name, step in steps.items()}
    returns = selectors.participant_returns(version, run, reference=reference)
    for suppress in (True, False):
        name = f"distribution ({'council' if suppress else 'lead'}, by type)"
        result[name] = timed(
            lambda s=suppress: distribution_for(
                returns, measure="benefits", basis="expected", dimension="type", suppress=s
            ),
            1,
            clear=False,
        )[0][0]
    return result


def run(repeats: int, loop_repeats: int) -> dict:
    prepared = prepare()
    rows = []
    for reader, suppress in (("council", True), ("project lead", False)):
        for dimension in DIMENSIONS:

            def request(s=suppress, d=dimension):
                return page(prepared, suppress=s, dimension=d)

            uncached, fast = timed(request, repeats, clear=True, name=f"{reader}-{dimension}")
            other, _ = timed(request, repeats, clear=True, before=lambda: read(prepared))
            cached, _ = timed(request, repeats, clear=False)
            with straightforward():
                plain_seconds, plain = timed(
                    request, loop_repeats, clear=True, name=f"{reader}-{dimension}-plain"
                )
            rows.append(
                {
                    "reader": reader,
                    "dimension": dimension,
                    "uncached": statistics.median(uncached),
                    "uncached_max": max(uncached),
                    "frames_cached": statistics.median(other),
                    "cached": statistics.median(cached),
                    "cached_max": max(cached),
                    "straightforward": statistics.median(plain_seconds),
                    "ratio": statistics.median(plain_seconds) / statistics.median(uncached),
                    "uncached_cpu": statistics.median(CPU[f"{reader}-{dimension}"]),
                    "straightforward_cpu": statistics.median(CPU[f"{reader}-{dimension}-plain"]),
                    "same_figures": same_figures(fast, plain),
                    "groups": len(fast.groups),
                }
            )
    return {
        "machine": {**jb.server_info(), "load_average": os.getloadavg()},
        "data": {
            "database": prepared["database"],
            "households": prepared["households"],
            "interventions": prepared["interventions"],
            "events": prepared["events"],
            "reference": prepared["reference"].isoformat(),
            "run": prepared["run"].pk,
        },
        "repeats": repeats,
        "loop_repeats": loop_repeats,
        "rows": rows,
        "parts": parts(prepared),
        "target_ms": TARGET_P95_MS,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def print_table(report: dict) -> None:
    data = report["data"]
    print(
        f"Return per household, {data['households']:,} households, "
        f"{data['interventions']:,} interventions, {data['events']:,} outcome events "
        f"(database {data['database']}, reference date {data['reference']})"
    )
    print(
        f"median of {report['repeats']} (straightforward: {report['loop_repeats']}); "
        f"target for dashboards: p95 < {report['target_ms']:g} ms"
    )
    header = (
        f"{'reader':<13}{'by':<8}{'uncached':>10}{'(max)':>10}{'frames':>9}{'cached':>9}{'(max)':>9}"
        f"{'straightforward':>17}{'ratio':>8}  same figures"
    )
    print(header)
    print("-" * len(header))
    for row in report["rows"]:
        print(
            f"{row['reader']:<13}{row['dimension']:<8}{_ms(row['uncached']):>10}"
            f"{_ms(row['uncached_max']):>10}{_ms(row['frames_cached']):>9}"
            f"{_ms(row['cached']):>9}{_ms(row['cached_max']):>9}"
            f"{_ms(row['straightforward']):>17}{row['ratio']:>7.1f}x  "
            f"{'yes' if row['same_figures'] else 'NO'}"
        )
    print("\nprocessor time of this process (PostgreSQL left out), uncached / straightforward:")
    for row in report["rows"]:
        print(
            f"  {row['reader']:<13}{row['dimension']:<8}{_ms(row['uncached_cpu']):>10}"
            f"{_ms(row['straightforward_cpu']):>10}"
            f"{row['straightforward_cpu'] / row['uncached_cpu']:>7.1f}x"
        )
    print("\nthe uncached computation in steps:")
    for name, seconds in report["parts"].items():
        print(f"  {name:<36}{_ms(seconds):>10}")
    machine = report["machine"]
    print(f"\nmachine: {json.dumps(machine, default=str)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="requests per figure (median)")
    parser.add_argument(
        "--loop-repeats", type=int, default=1, help="straightforward requests per figure"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit with status 1 when an uncached request takes 300 ms or more or figures differ",
    )
    args = parser.parse_args(argv)
    report = run(max(1, args.repeats), max(1, args.loop_repeats))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_table(report)
    ok = all(
        row["same_figures"] and row["uncached"] * 1000 < TARGET_P95_MS for row in report["rows"]
    )
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
