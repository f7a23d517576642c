from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring.indicators.services import (
    CONTEXT_NOTES_FILE,
    INDICATORS_FILE,
    context_notes_load,
    indicators_load,
)


class Command(BaseCommand):
    help = (
        "Load the indicators of the neighbourhood photo and the context notes from their data "
        "files (monitoring/data/indicators.json, context_notes.json). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", default=INDICATORS_FILE)
        parser.add_argument("--context-notes", default=CONTEXT_NOTES_FILE)

    def handle(self, *args, indicators, context_notes, **options):
        try:
            for label, result in (
                ("Indicators", indicators_load(path=indicators)),
                ("Context notes", context_notes_load(path=context_notes)),
            ):
                if result.changed:
                    self.stdout.write(
                        f"{label}: {result.created} new, {result.updated} updated, "
                        f"{result.unchanged} unchanged."
                    )
                else:
                    self.stdout.write(f"{label}: nothing changed ({result.unchanged} unchanged).")
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
