"""Database triggers that make the access log append-only, on PostgreSQL and on SQLite.

The application never changes or deletes an access log entry; the triggers make the database
refuse it too (UPDATE, DELETE and, on PostgreSQL, TRUNCATE), whatever code or admin page tries.
Both raise an integrity error (SQLSTATE 23001 on PostgreSQL, SQLITE_CONSTRAINT_TRIGGER on SQLite).

Migration 0001 creates them. Two things to know when changing the table later:

- On SQLite Django alters a table by copying it into a new one, which drops its triggers: a later
  migration that alters ``audit_accesslogentry`` must run ``VendorRunSQL`` with ``create_sql``
  again (the tests in ``tests/audit`` fail if the triggers are gone).
- ``manage.py flush`` (also used by transactional tests to empty the database) is the one
  sanctioned exception: the ``flush`` command of this app lifts the triggers for the flush and
  restores them in the same transaction.
"""

from __future__ import annotations

from django.db import migrations

TABLE = "audit_accesslogentry"
MESSAGE = "the access log is append-only"

_SQLITE_TRIGGERS = {
    f"{TABLE}_no_update": "UPDATE",
    f"{TABLE}_no_delete": "DELETE",
}
_PG_FUNCTION = "audit_accesslogentry_refuse_change"
_PG_ROW_TRIGGER = f"{TABLE}_no_update_delete"
_PG_TRUNCATE_TRIGGER = f"{TABLE}_no_truncate"


def create_sql(vendor: str) -> list[str]:
    """The statements that install the triggers on ``vendor`` (empty for other databases)."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} refused'); END"
            for name, operation in _SQLITE_TRIGGERS.items()
        ]
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
            END;
            $$
            """,
            f"DROP TRIGGER IF EXISTS {_PG_ROW_TRIGGER} ON {TABLE}",
            f"CREATE TRIGGER {_PG_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
            f"DROP TRIGGER IF EXISTS {_PG_TRUNCATE_TRIGGER} ON {TABLE}",
            f"CREATE TRIGGER {_PG_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
        ]
    return []


def drop_sql(vendor: str) -> list[str]:
    """The statements that remove the triggers again (the function stays on PostgreSQL)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {_PG_ROW_TRIGGER} ON {TABLE}",
            f"DROP TRIGGER IF EXISTS {_PG_TRUNCATE_TRIGGER} ON {TABLE}",
        ]
    return []


# A GIN index lets PostgreSQL find "who read record 123" (``object_ids @> '[123]'``) without
# reading the whole log. SQLite (the embedded demo) scans instead.
PG_OBJECT_IDS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS audit_access_object_ids_gin ON {TABLE} "
    "USING gin (object_ids jsonb_path_ops)"
)
PG_OBJECT_IDS_INDEX_DROP = "DROP INDEX IF EXISTS audit_access_object_ids_gin"


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` that runs only on one database vendor ("postgresql", "sqlite")."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs["vendor"] = self.vendor
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Raw SQL operation on {self.vendor}"
