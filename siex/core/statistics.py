"""The planner's statistics after a bulk write.

PostgreSQL plans a query from what it knows of a table's rows. After tens of thousands of rows
are written at once (the demo population, a large import) it plans with the old picture until
autovacuum analyses the table, which can take minutes: the register list then took 2.5 s instead
of tens of milliseconds. ``tables_analyse`` refreshes the picture right away (only on PostgreSQL;
SQLite plans without it), after the transaction that wrote the rows has committed.
"""

from __future__ import annotations

from django.db import connection, transaction

#: A write of at least this many rows is large enough to analyse the tables afterwards.
LARGE_WRITE = 1_000


def tables_analyse(*models) -> None:
    """ANALYZE the tables of ``models`` once the current transaction commits (or now)."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]

    def analyse() -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")

    transaction.on_commit(analyse)
