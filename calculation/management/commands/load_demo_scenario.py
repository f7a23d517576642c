"""``manage.py load_demo_scenario``: the demo scenario for the whole municipality."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from calculation.services import scenario_load_file

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo_scenario_groningen.json"


class Command(BaseCommand):
    help = (
        "Load the demo scenario for the whole municipality on the catalogue in the database and "
        "calculate it. Running it again changes nothing unless the catalogue changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-calculate", action="store_true")
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Fix (vaststellen) the version, so that council members read it (the demo).",
        )

    def handle(self, *args, no_calculate: bool, fix: bool, **options):
        with open(DEMO, encoding="utf-8") as handle:
            document = json.load(handle)
        try:
            with transaction.atomic():
                version, changed = scenario_load_file(
                    document=document, calculate=not no_calculate, fix=fix
                )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            f"Demo scenario “{version.scenario.name}”, version {version.number}: "
            + ("loaded." if changed else "already up to date.")
        )
