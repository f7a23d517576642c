"""``flush`` that also empties the append-only access log.

Django's ``flush`` deletes every row of every table (``DELETE`` on SQLite, ``TRUNCATE`` on
PostgreSQL); the access log's triggers refuse that, by design. Emptying the whole database is the
one sanctioned exception — transactional tests flush after each test, a developer resets a local
database — so this command lifts the triggers, flushes, and restores them, all in one transaction:
if anything fails, the triggers are back as they were.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction

from siex.audit.triggers import TABLE, create_sql, drop_sql


class Command(FlushCommand):
    help = FlushCommand.help + " The access log's triggers are lifted for the flush and restored."

    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        vendor = connection.vendor
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                for statement in drop_sql(vendor):
                    cursor.execute(statement)
            super().handle(**options)
            with connection.cursor() as cursor:
                for statement in create_sql(vendor):
                    cursor.execute(statement)
