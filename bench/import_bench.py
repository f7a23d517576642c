"""Benchmark of the register import on PostgreSQL (DESIGN §7: 100,000 intervention rows from CSV in
under a minute).

Run from the project folder, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siex_bench_import \
        .venv/bin/python bench/import_bench.py

It creates the database when it is missing and migrates it, loads the Groningen wijken and
catalogue, and registers 30,000 households once (references ``BENCH-IMP-000000`` …; reruns find
them and skip this). It writes a CSV of 100,000 intervention rows for those households (Dutch
dates, decimal commas, ";" between the cells, a reason where the cost deviates, some notes) and
then, with the register's interventions (and their change history) emptied first:

1. times the import as a policy officer does it: ``import_batch_preview`` (read the file, check
   every row against the register, store the checked rows) and ``import_batch_commit`` (check
   again inside the transaction and write, all rows or none);
2. imports the same file a second time: the preview must report 0 new and 0 changed rows and the
   commit must write nothing;
3. imports a file in which every row changed (its notes), to time the update path, and times
   the export of the register as it then stands (CSV per kind, and the workbook);
4. times a straightforward implementation on a sample (``--sample``, default 2,000 rows): per row
   look up the household by its pseudonym and the intervention type by its code and call
   ``services.intervention_create`` (``full_clean`` and ``save``), all rows in one transaction,
   then extrapolates it to all rows and prints the ratio.

Every step is checked (the register holds every row and the same total cost; the second import
wrote nothing; the changed file raised every version once; the change history holds a "create"
entry per new row and an "update" entry per changed row, and nothing for the second import): the
exit status is 1 when a check fails. Nothing is asserted about time. Options: ``--rows``,
``--households``, ``--sample``, ``--json``, ``--drop`` (drop the benchmark database afterwards).
See bench/README.md.
"""

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/siex_bench_import"
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siex.settings.test")
# A benchmark never runs with DEBUG on: Django would keep every query in memory.
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-real-installation")
os.environ.setdefault("SIEX_PSEUDONYM_KEY", "bench-only-pseudonym-key-not-for-real-households")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

import numpy as np  # noqa: E402
from job_bench import (  # noqa: E402 - the same database handling as the job benchmark
    create_database,
    database_settings,
    drop_database,
    server_info,
    setup_django,
)

TARGET_S = 60.0
REFERENCE_PREFIX = "BENCH-IMP"
SEED = 20_260_204
BATCH = 5_000


# --- the database ---------------------------------------------------------------------------------


# --- the data -------------------------------------------------------------------------------------


def reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}-{number:06d}"


def ensure_register(households: int) -> dict:
    """Areas, the Groningen catalogue, a policy officer, and ``households`` households (built once;
    a rerun with the same number finds them)."""
    from auditlog.context import disable_auditlog
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from interventions.catalogue.file import catalogue_load
    from interventions.register.models import (
        DebtSituation,
        Household,
        IncomeSource,
        LegalBasis,
        Source,
    )
    from interventions.register.pseudonyms import pseudonymise
    from monitoring.selectors import current_districts
    from siex.accounts.roles import Role
    from siex.accounts.services import roles_sync

    timings = {}
    t0 = time.perf_counter()
    if not current_districts().exists():
        call_command("load_areas", stdout=io.StringIO())
    path = ROOT / "interventions" / "data" / "catalogue_groningen.json"
    catalogue_load(json.loads(path.read_text(encoding="utf-8")))
    roles_sync()
    user, _created = get_user_model().objects.get_or_create(username="bench-import")
    user.groups.set([Group.objects.get(name=Role.POLICY_OFFICER)])
    timings["areas_catalogue_user"] = time.perf_counter() - t0

    built = Household.objects.filter(source=Source.IMPORT).count() != households
    if built:
        t0 = time.perf_counter()
        rng = np.random.default_rng(SEED)
        districts = list(current_districts())
        area = rng.integers(0, len(districts), households)
        joined = rng.integers(0, 365, households)
        sources, debts = list(IncomeSource.values), list(DebtSituation.values)
        with transaction.atomic(), disable_auditlog():
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE interventions_intervention, interventions_household")
            Household.objects.bulk_create(
                [
                    Household(
                        pseudonym=pseudonymise(reference(i)),
                        area=districts[int(area[i])],
                        adults=1 + i % 2,
                        children=i % 4,
                        income_pct_social_minimum=Decimal(90 + i % 40),
                        income_source=sources[i % len(sources)],
                        debt_situation=debts[i % len(debts)],
                        participation_start=date(2023, 1, 1) + timedelta(days=int(joined[i])),
                        legal_basis=LegalBasis.PUBLIC_TASK,
                        source=Source.IMPORT,
                    )
                    for i in range(households)
                ],
                batch_size=BATCH,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE interventions_household")
        timings["build_households"] = time.perf_counter() - t0
    return {"user": user, "built": built, "seconds": timings}


def build_csv(rows: int, households: int, *, note: str = "") -> tuple[bytes, Decimal]:
    """``rows`` intervention rows for the benchmark households, as an officer's Excel writes a
    CSV UTF-8 file: ";" between the cells, dates as dd-mm-yyyy, a decimal comma; and the sum of
    the costs in it. ``note`` in every row's notes makes every row a change of the same file."""
    from interventions.catalogue.models import InterventionType
    from interventions.register.models import Household
    from interventions.register.pseudonyms import pseudonymise

    types = list(InterventionType.objects.order_by("code").values_list("code", "unit_cost"))
    starts = dict(Household.objects.values_list("pseudonym", "participation_start"))

    rng = np.random.default_rng(SEED + 1)
    owner = np.sort(rng.integers(0, households, rows))
    # Distinct types per household: the k-th intervention of a household gets type (offset + k).
    offset = rng.integers(0, len(types), households)
    rank = np.zeros(rows, dtype=int)
    for k in range(1, rows):
        rank[k] = rank[k - 1] + 1 if owner[k] == owner[k - 1] else 0
    day = rng.integers(0, 700, rows)
    length = rng.integers(30, 400, rows)
    factor = rng.lognormal(0, 0.2, rows)
    finished = rng.random(rows) < 0.6
    noted = rng.random(rows) < 0.1

    total = Decimal(0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "referentie",
            "interventie",
            "startdatum",
            "einddatum",
            "werkelijke_kosten",
            "reden_afwijking",
            "status",
            "notities",
        ]
    )
    for k in range(rows):
        household = int(owner[k])
        ref = reference(household)
        code, unit_cost = types[(int(offset[household]) + int(rank[k])) % len(types)]
        start = starts[pseudonymise(ref)] + timedelta(days=int(day[k]))
        cost = (unit_cost * Decimal(f"{factor[k]:.4f}")).quantize(Decimal("0.01"))
        deviates = abs(cost - unit_cost) > unit_cost * Decimal("0.25")
        done = bool(finished[k])
        total += cost if done else 0
        writer.writerow(
            [
                ref,
                code,
                start.strftime("%d-%m-%Y"),
                (start + timedelta(days=int(length[k]))).strftime("%d-%m-%Y") if done else "",
                f"{cost:.2f}".replace(".", ",") if done else "",
                "Langer of korter traject dan gebruikelijk" if done and deviates else "",
                "afgerond" if done else "actief",
                note or ("Vervolggesprek gepland" if noted[k] else ""),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), total


def register_fingerprint() -> dict:
    from django.db.models import Count, Max, Sum

    from interventions.register.models import Intervention

    return Intervention.objects.aggregate(
        n=Count("id"), cost=Sum("actual_cost"), versions=Sum("version"), last=Max("updated_at")
    )


def history_counts() -> dict:
    """The change-history entries (django-auditlog) of the register's interventions, per action."""
    from auditlog.models import LogEntry
    from django.db.models import Count

    from interventions.register.models import Intervention

    rows = (
        LogEntry.objects.get_for_model(Intervention)
        .values_list("action")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(rows)
    return {
        "create": counts.get(LogEntry.Action.CREATE, 0),
        "update": counts.get(LogEntry.Action.UPDATE, 0),
    }


def empty_interventions() -> None:
    from auditlog.models import LogEntry
    from django.db import connection

    from interventions.register.models import Intervention

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE interventions_intervention")
        cursor.execute("DELETE FROM interventions_importbatch")
    LogEntry.objects.get_for_model(Intervention).delete()


# --- timing ---------------------------------------------------------------------------------------


def time_import(data: bytes, user) -> dict:
    from interventions.exchange.services import import_batch_commit, import_batch_preview

    t0 = time.perf_counter()
    batch = import_batch_preview(data=data, file_name="bench.csv", user=user)
    preview = time.perf_counter() - t0
    if batch.error_count:
        raise RuntimeError(
            f"The benchmark file has {batch.error_count} problems: {batch.errors[:3]}"
        )
    t0 = time.perf_counter()
    batch = import_batch_commit(batch_id=batch.pk, user=user)
    commit = time.perf_counter() - t0
    if batch.status != "committed":
        raise RuntimeError(f"The commit did not go through: {batch.errors[:3]}")
    return {
        "preview": preview,
        "commit": commit,
        "total": preview + commit,
        "counts": batch.counts["interventions"],
    }


def time_naive(data: bytes, sample: int, user) -> dict:
    """Row by row: look the household and the type up, intervention_create per row; all rows in
    one transaction, as an import that saves all rows or none must (intervention_create's own
    atomic block becomes a savepoint), so that no per-row commit is counted against it."""
    from django.db import connection, transaction

    from interventions.catalogue.models import InterventionType
    from interventions.register import services
    from interventions.register.models import Household, Intervention
    from interventions.register.pseudonyms import pseudonymise, validate_reference

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1 : sample + 1]

    def parse_date(text: str):
        return date(int(text[6:10]), int(text[3:5]), int(text[0:2])) if text else None

    statuses = {"afgerond": "completed", "actief": "active"}
    t0 = time.perf_counter()
    with transaction.atomic():
        for ref, code, start, end, cost, reason, status, notes in rows:
            household = Household.objects.get(pseudonym=pseudonymise(validate_reference(ref)))
            services.intervention_create(
                household=household,
                intervention_type=InterventionType.objects.get(code=code),
                start_date=parse_date(start),
                end_date=parse_date(end),
                actual_cost=Decimal(cost.replace(",", ".")) if cost else None,
                cost_deviation_reason=reason,
                status=statuses[status],
                notes=notes,
                source="import",
                created_by=user,
            )
    seconds = time.perf_counter() - t0
    written = Intervention.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE interventions_intervention")
    return {"rows": len(rows), "seconds": seconds, "written": written}


def time_exports() -> dict:
    """The export of the whole register as it stands: each CSV streamed to the end, and the
    workbook with both sheets written to its temporary file."""
    import resource

    from interventions.exchange.export import ExportQuery, csv_stream, xlsx_file
    from interventions.register.models import Household

    query = ExportQuery(kinds=("households", "interventions"), visible=Household.objects.all())
    timings = {}
    for kind in query.kinds:
        t0 = time.perf_counter()
        size = sum(len(chunk) for chunk in csv_stream(kind, query))
        timings[f"csv_{kind}"] = {"seconds": time.perf_counter() - t0, "bytes": size}
    t0 = time.perf_counter()
    with xlsx_file(query) as workbook:
        size = workbook.seek(0, 2)
    timings["xlsx_both"] = {"seconds": time.perf_counter() - t0, "bytes": size}
    timings["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings


def run(rows: int, households: int, sample: int) -> dict:
    db = database_settings()
    created = create_database(db)
    setup_django()
    register = ensure_register(households)
    user = register["user"]
    t0 = time.perf_counter()
    data, total_cost = build_csv(rows, households)
    changed_data, _total = build_csv(rows, households, note="Bijgewerkt na evaluatie")
    build_csv_seconds = time.perf_counter() - t0

    empty_interventions()
    first = time_import(data, user)
    after_first, history_first = register_fingerprint(), history_counts()
    second = time_import(data, user)
    after_second, history_second = register_fingerprint(), history_counts()
    changed = time_import(changed_data, user)
    after_changed, history_changed = register_fingerprint(), history_counts()
    exports = time_exports()
    checks = {
        "first import wrote every row and cost": after_first["n"] == rows
        and after_first["cost"] == total_cost,
        "the same file again wrote nothing": after_second == after_first
        and second["counts"]["new"] == second["counts"]["changed"] == 0,
        "every row of the changed file updated once": changed["counts"]["changed"] == rows
        and after_changed["n"] == rows
        and after_changed["versions"] == 2 * rows,
        "change history: a create per new row, nothing for the same file, an update per change": (
            history_first == {"create": rows, "update": 0}
            and history_second == history_first
            and history_changed == {"create": rows, "update": rows}
        ),
    }
    empty_interventions()
    naive = time_naive(data, sample, user)
    per_row = naive["seconds"] / naive["rows"]
    extrapolated = per_row * rows
    return {
        "machine": server_info(),
        "database": {"name": db["name"], "host": db["host"], "created": created},
        "data": {
            "households": households,
            "rows": rows,
            "csv_bytes": len(data),
            "households_built": register["built"],
            "seconds": {**register["seconds"], "build_csv": build_csv_seconds},
        },
        "first_import": first,
        "same_file_again": second,
        "every_row_changed": changed,
        "exports": exports,
        "checks": checks,
        "naive": {**naive, "per_row": per_row, "extrapolated": extrapolated},
        "ratio": extrapolated / first["total"],
        "target": {"target": f"< {TARGET_S:g} s", "met": first["total"] < TARGET_S},
    }


def _s(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def print_table(report: dict) -> None:
    m, d, first, second, naive = (
        report["machine"],
        report["data"],
        report["first_import"],
        report["same_file_again"],
        report["naive"],
    )
    print("SIEX register import benchmark (DESIGN §7: 100,000 intervention rows in under a minute)")
    print(
        f"machine: {m['cpu_count']} CPUs; Python {m['python']}; PostgreSQL {m['postgresql']}; "
        f"{m['settings']}"
    )
    db = report["database"]
    print(f"database: {db['name']} on {db['host']}{' (created now)' if db['created'] else ''}")
    print(
        f"data: {d['households']:,} registered households "
        f"({'built now' if d['households_built'] else 'already there'}); a CSV of "
        f"{d['rows']:,} intervention rows, {d['csv_bytes'] / 1e6:.1f} MB"
    )
    print()
    print(f"{'':34} {'preview':>10} {'commit':>10} {'total':>10}   new / changed / unchanged")
    rows_shown = (
        ("first import", first),
        ("the same file again", second),
        ("every row changed (notes)", report["every_row_changed"]),
    )
    for label, result in rows_shown:
        c = result["counts"]
        print(
            f"{label:34} {_s(result['preview']):>10} {_s(result['commit']):>10} "
            f"{_s(result['total']):>10}   {c['new']:,} / {c['changed']:,} / {c['unchanged']:,}"
        )
    print(
        f"\nrows per second (first import): {d['rows'] / first['total']:,.0f}; target "
        f"{report['target']['target']}: {'met' if report['target']['met'] else 'MISSED'}"
    )
    print(
        f"straightforward (intervention_create per row, one transaction, {naive['rows']:,} rows): "
        f"{_s(naive['seconds'])}, {naive['per_row'] * 1000:.2f} ms a row, "
        f"extrapolated to {d['rows']:,} rows: {_s(naive['extrapolated'])}"
    )
    print(f"ratio straightforward / import: {report['ratio']:.1f}×")
    e = report["exports"]
    print(
        f"export of the register ({d['households']:,} households, {d['rows']:,} interventions): "
        f"CSV households {_s(e['csv_households']['seconds'])}, CSV interventions "
        f"{_s(e['csv_interventions']['seconds'])}, XLSX with both {_s(e['xlsx_both']['seconds'])}"
    )
    for name, passed in report["checks"].items():
        print(f"check: {name}: {'ok' if passed else 'FAILED'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args(argv)
    report = run(args.rows, args.households, args.sample)
    failed = not all(report["checks"].values())
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_table(report)
    if args.drop:
        drop_database(database_settings())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
