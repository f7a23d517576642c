"""Benchmark of the return per household (the participants page of a scenario version,
``calculation:version-participants``) at municipality scale (DESIGN §7: dashboards p95 < 300 ms).

Run from the project folder, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siex_bench .venv/bin/python bench/participants_bench.py

It uses the data of bench/job_bench.py (30,000 households, 150,000 registered interventions, built
once and found again on reruns) with one finished calculation of the benchmark scenario, and adds
30,000 outcome events (deterministic; rebuilt only when missing), so that realised returns have
something to value. It then times the page's computation as ``ParticipantsMixin.distribution``
does it (``cached_distribution`` for the version's newest run and today) and the page's three
charts, for a council member (suppressed: the 40-type × 8-class table through secondary
suppression) and a project lead (figures as computed), for every breakdown:

- uncached: the cache emptied first, so the register is read and everything worked out;
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


if __name__ == "__main__":
    import pprint

    pprint.pprint(prepare())
