from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring.indicators.importing import (
    LONG,
    WIDE,
    indicator_values_check,
    indicator_values_commit,
)
from monitoring.indicators.models import ValueStatus


class Command(BaseCommand):
    help = (
        "Import indicator values from a CSV or XLSX file: long (area, period, indicator, value) "
        "or wide kerncijfers (a row per area, a column per indicator code). Everything is checked "
        "first; a file with any problem stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--period", type=int, help="The year of every value (wide files).")
        parser.add_argument("--format", choices=[LONG, WIDE], dest="file_format")
        parser.add_argument("--source", default="", help="Where the values come from.")
        parser.add_argument(
            "--provisional", action="store_true", help="Mark the values provisional."
        )
        parser.add_argument("--check", action="store_true", help="Only check; store nothing.")

    def handle(self, *args, file, period, file_format, source, provisional, check, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            report = indicator_values_check(
                data=data,
                file_name=file.name,
                file_format=file_format,
                period=period,
                source=source or file.name,
                status=ValueStatus.PROVISIONAL if provisional else ValueStatus.FINAL,
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        if not report.ok:
            raise CommandError("\n".join(report.messages()))
        if check:
            self.stdout.write(
                f"{report.rows} rows checked: {report.created} new, {report.updated} changed, "
                f"{report.unchanged} unchanged, {report.withheld} withheld."
            )
            return
        result = indicator_values_commit(report=report)
        if result.changed:
            self.stdout.write(
                f"{result.created} new, {result.updated} changed, {result.unchanged} unchanged "
                f"({report.withheld} withheld)."
            )
        else:
            self.stdout.write(f"Nothing changed ({result.unchanged} unchanged).")
