"""``manage.py load_reference wijkbedrijven``: load a published analysis as a reference scenario."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from calculation.selectors import latest_result, run_results
from calculation.services import scenario_load_file

DATA = Path(__file__).resolve().parents[2] / "data"
REFERENCES = {"wijkbedrijven": DATA / "reference_wijkbedrijven.json"}


class Command(BaseCommand):
    help = (
        "Load a published analysis as a reference scenario and calculate it: "
        + ", ".join(REFERENCES)
        + ". Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(REFERENCES))
        parser.add_argument(
            "--no-calculate", action="store_true", help="Load only; do not start a calculation."
        )
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Fix (vaststellen) the version, so that council members read it (the demo).",
        )

    def handle(self, *args, name: str, no_calculate: bool, fix: bool, **options):
        with open(REFERENCES[name], encoding="utf-8") as handle:
            document = json.load(handle)
        try:
            with transaction.atomic():
                version, changed = scenario_load_file(
                    document=document, is_reference=True, calculate=not no_calculate, fix=fix
                )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            f"Reference scenario “{version.scenario.name}”, version {version.number}: "
            + ("loaded." if changed else "already up to date.")
        )
        run = latest_result(version)
        if run is not None:
            kpis = run_results(run)["kpis"]
            self.stdout.write(
                f"  costs {kpis['costs_undiscounted']:,.0f}, benefits "
                f"{kpis['benefits_undiscounted']:,.0f}, multiplier "
                f"{kpis['multiplier_undiscounted']:.2f} (undiscounted)"
            )
