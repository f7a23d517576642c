from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring.services import (
    GRONINGEN_KERNCIJFERS_2024,
    GRONINGEN_WIJKEN_2024,
    areas_load_cbs,
)


class Command(BaseCommand):
    help = (
        "Load a municipality and its CBS wijken (boundaries and population). Without arguments: "
        "the 20 wijken of Groningen 2024 shipped with SIEX."
    )

    def add_arguments(self, parser):
        parser.add_argument("--geojson", type=Path, default=GRONINGEN_WIJKEN_2024)
        parser.add_argument("--kerncijfers", type=Path, default=GRONINGEN_KERNCIJFERS_2024)

    def handle(self, *args, geojson, kerncijfers, **options):
        try:
            result = areas_load_cbs(geojson_path=geojson, kerncijfers_path=kerncijfers)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        if result.created or result.updated:
            self.stdout.write(
                f"Areas: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        else:
            self.stdout.write(f"Areas: nothing changed ({result.unchanged} unchanged).")
