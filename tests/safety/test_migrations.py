"""SIEX's migrations applied backward and forward on seeded data (a restored backup of the seeded
scratch database): every migration after each app's first is reversed and applied again, with
the data of the tables those steps leave alone intact; then every app goes back to zero and
forward again, and the schema is the same as before while the other applications' tables keep
their rows. Reversing a migration removes what only it could hold (its tables, its columns and,
for monitoring 0003, the country and other divisions' areas)."""

import sys

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.models import CreateModel

from .conftest import checksums, environment, run

pytestmark = pytest.mark.slow

#: SIEX's apps, those depending on others first.
APPS = ("calculation", "interventions", "monitoring", "audit", "accounts")
#: Records the time each migration was applied: new times after going forward again.
JOURNAL = "django_migrations"


def migrate(seeded, database: str, target: str) -> None:
    """Every app of SIEX to ``target`` ("0001" or "zero"), then all forward again."""
    script = (
        "from django.core.management import call_command\n"
        f"for app in {APPS!r}:\n"
        f"    call_command('migrate', app, {target!r}, verbosity=0)\n"
        "call_command('migrate', verbosity=0)\n"
    )
    run(
        [sys.executable, "manage.py", "shell", "-c", script],
        environment(seeded.server.url(database), **seeded.keys),
    )


def tables_of_the_later_migrations() -> tuple[set[str], set[str]]:
    """The tables each app's migrations after its first create or change, and the tables the
    first migrations create."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    final = loader.project_state().apps
    touched: set[str] = set()
    first: set[str] = set()

    def table(app: str, model: str) -> str | None:
        try:
            return final.get_model(app, model)._meta.db_table
        except LookupError:  # a model a later migration removed
            return None

    for (app, name), migration in loader.disk_migrations.items():
        if app not in APPS:
            continue
        for operation in migration.operations:
            model = getattr(operation, "model_name", None) or getattr(operation, "name", None)
            found = table(app, model) if isinstance(model, str) else None
            if found is None:
                continue
            if name.startswith("0001"):
                if isinstance(operation, CreateModel):
                    first.add(found)
            else:
                touched.add(found)
    return touched, first


def test_every_migration_after_the_first_is_reversed_and_reapplied_keeping_the_data(
    seeded, scratch
):
    database = scratch("migrations")
    restored = run(["bin/restore", str(seeded.backup), database], environment(seeded.url))
    assert "Restored" in restored
    before = checksums(seeded.server, database)

    migrate(seeded, database, "0001")

    after = checksums(seeded.server, database)
    assert set(after) == set(before)
    touched, first = tables_of_the_later_migrations()
    assert "interventions_actor" in touched and "monitoring_area" in touched
    untouched = set(before) - touched - {JOURNAL}
    changed = {table for table in untouched if after[table] != before[table]}
    assert changed == set(), "tables no reversed migration touches changed"
    # Tables of the first migrations that a later one changed keep their rows; monitoring_area
    # loses the country (a level monitoring 0003 introduced).
    lost = {
        table: (before[table][0], after[table][0])
        for table in touched & first
        if after[table][0] != before[table][0]
    }
    assert lost == {
        "monitoring_area": (before["monitoring_area"][0], before["monitoring_area"][0] - 1)
    }
    assert after[JOURNAL][0] == before[JOURNAL][0]
    equal = sum(after[table] == before[table] for table in before)
    print(  # the figures of docs/RELIABILITY.md
        f"\n{len(before)} tables: {equal} unchanged, {len(untouched)} untouched by the "
        f"reversed migrations (all unchanged), {len(touched & first)} changed by them that keep "
        f"their rows, {len(touched - first)} made by them (emptied)"
    )


COLUMNS = (
    "SELECT table_name, column_name, data_type, is_nullable, column_default "
    "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
)
# Names and kinds: PostgreSQL writes a check restored from a backup in other words than the same
# check made by a migration.
CONSTRAINTS = (
    "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
)
TRIGGERS = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
INDEXES = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"


def test_every_app_goes_back_to_zero_and_forward_to_the_same_schema(seeded, scratch):
    database = scratch("zero")
    run(["bin/restore", str(seeded.backup), database], environment(seeded.url))
    server = seeded.server
    schema = [server.query(database, query) for query in (COLUMNS, CONSTRAINTS, TRIGGERS, INDEXES)]
    before = checksums(server, database)

    migrate(seeded, database, "zero")

    # The same tables, columns, constraints, indexes and triggers as before.
    assert [
        server.query(database, query) for query in (COLUMNS, CONSTRAINTS, TRIGGERS, INDEXES)
    ] == schema
    after = checksums(server, database)
    ours = {table for table in before if table.startswith(tuple(f"{app}_" for app in APPS))}
    others = set(before) - ours - {JOURNAL}
    assert {table for table in others if after[table] != before[table]} == set()
    assert before["auditlog_logentry"][0] > 0
    # SIEX's own tables start again empty, apart from what a migration itself writes.
    refilled = {table: after[table][0] for table in ours if after[table][0]}
    assert refilled == {
        "interventions_instrument": 2,
        "interventions_instrumentdomain": 14,
        "interventions_instrumentlevel": 11,
    }
    print(f"\n{len(ours)} tables of SIEX dropped and made again, {len(others)} others unchanged")
