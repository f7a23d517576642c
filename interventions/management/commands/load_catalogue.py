import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from interventions.catalogue.file import catalogue_load

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "catalogue_groningen.json"


class Command(BaseCommand):
    help = (
        "Load a catalogue file (life domains, actors, outcomes, intervention types; format in "
        "docs/catalogue-format.md). Without a file: Groningen's catalogue shipped with SIEX. "
        "All rows or none; loading the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_CATALOGUE)

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file} is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
            ) from error
        try:
            report = catalogue_load(data)
        except ValidationError as error:
            raise CommandError(
                f"{file} was not loaded; nothing changed:\n  " + "\n  ".join(error.messages)
            ) from error
        created, updated = sum(report.created.values()), sum(report.updated.values())
        unchanged = sum(report.unchanged.values())
        if not created and not updated:
            self.stdout.write(
                f"Catalogue {file.name}: nothing changed ({unchanged} rows unchanged)."
            )
            return
        self.stdout.write(
            f"Catalogue {file.name}: {created} new, {updated} changed, {unchanged} unchanged rows."
        )
        for kind in sorted(set(report.created) | set(report.updated)):
            self.stdout.write(
                f"  {kind}: {report.created[kind]} new, {report.updated[kind]} changed"
            )
