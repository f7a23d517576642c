from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring.indicators.cbs import cbs_values_load


class Command(BaseCommand):
    help = (
        "Import the CBS values shipped with SIEX (Groningen's wijken 2022 and 2023, the 2022 "
        "benchmark of all municipalities, the poverty series, the validation anchors) through the "
        "import service. Run load_areas and load_indicators first. Idempotent."
    )

    def handle(self, *args, **options):
        try:
            results = cbs_values_load()
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        for loaded in results:
            result = loaded.result
            note = f" ({loaded.left_out} rows of former municipalities left out)" * bool(
                loaded.left_out
            )
            if result.changed:
                self.stdout.write(
                    f"{loaded.file_name}: {result.created} new, {result.updated} updated, "
                    f"{result.unchanged} unchanged{note}."
                )
            else:
                self.stdout.write(
                    f"{loaded.file_name}: nothing changed ({result.unchanged} unchanged){note}."
                )
