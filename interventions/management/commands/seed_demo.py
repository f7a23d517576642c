from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from interventions.followup.demo import follow_up_demo_replace
from interventions.register.demo import MAX_HOUSEHOLDS, demo_population_replace


class Command(BaseCommand):
    help = (
        "Create a fictitious demo population (households with 0-6 interventions each and their "
        "follow-up: assessments, survey waves, outcome events) spread over "
        "the wijken in proportion to their inhabitants. Deterministic for a seed; running it again "
        "replaces the demo population (or changes nothing when it is already there) and leaves "
        "everything entered by hand alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=5000, help=f"0-{MAX_HOUSEHOLDS}")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, households: int, seed: int, **options):
        if not settings.SIEX_DEMO_ALLOWED:
            raise CommandError("Demo data is not allowed here (SIEX_DEMO_ALLOWED is off).")
        try:
            result = demo_population_replace(households=households, seed=seed)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        follow_up = follow_up_demo_replace(seed=seed)
        self.report_population(result, seed)
        counts = (
            f"{follow_up.assessments} assessments, {follow_up.surveys} survey answers, "
            f"{follow_up.events} outcome events"
        )
        self.stdout.write(
            f"Demo follow-up (seed {seed}): "
            + (counts + "." if follow_up.changed else f"nothing changed ({counts}).")
        )

    def report_population(self, result, seed: int) -> None:
        if not result.changed:
            self.stdout.write(
                f"Demo population (seed {seed}): nothing changed ({result.households} households, "
                f"{result.interventions} interventions)."
            )
            return
        self.stdout.write(
            f"Demo population (seed {seed}): {result.households} households, "
            f"{result.interventions} interventions; {result.removed_households} old demo "
            "households removed."
        )
