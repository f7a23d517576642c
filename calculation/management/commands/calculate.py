"""``manage.py calculate --scenario-file FILE``: a scenario's complete results, no web UI."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from calculation.results.text import results_text
from calculation.scenario import FORMAT, ScenarioError, calculate_document
from siex.core.forms import json_document


class Command(BaseCommand):
    help = (
        "Calculate a scenario file (format siex-scenario) and print its complete results as JSON "
        "(--format json) or as readable tables (--format table, in the language of --language). "
        "A file without an embedded catalogue is calculated on the catalogue in the database. "
        "Nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scenario-file", required=True, help="Path to the scenario file.")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument(
            "--draws", type=int, help="Override the number of Monte Carlo draws in the file."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the tables (--format table); default: the site's language.",
        )

    def handle(
        self,
        *args,
        scenario_file: str,
        format: str,
        draws: int | None,
        language: str,
        **options,
    ):
        try:
            with open(scenario_file, "rb") as handle:
                document = json_document(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {scenario_file}: {error.strerror}") from error
        except ValidationError as error:
            raise CommandError(f"{scenario_file}: {' '.join(error.messages)}") from error
        # Only a scenario file is given the catalogue of the database (when it has none).
        is_scenario = isinstance(document, dict) and document.get("format") == FORMAT
        if is_scenario and "catalogue" not in document:
            from interventions.catalogue.file import catalogue_dump

            document["catalogue"] = catalogue_dump()
        if draws is not None and is_scenario:
            parameters = document.setdefault("parameters", {})
            if isinstance(parameters, dict):  # otherwise the check below says what is wrong
                parameters["monte_carlo_draws"] = draws
        try:
            results = calculate_document(document)
        except ScenarioError as error:
            raise CommandError(
                "The scenario cannot be calculated:\n  " + "\n  ".join(error.messages)
            ) from error
        if format == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False))
        else:
            with translation.override(language):
                self.stdout.write(results_text(results))
