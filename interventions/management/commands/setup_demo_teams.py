from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from interventions.register.demo import DEMO_OFFICER_TEAM, demo_teams_replace
from interventions.register.models import Household
from interventions.register.scopes import households_visible_to

DEMO_OFFICER = "demo-beleidsmedewerker"


class Command(BaseCommand):
    help = (
        "The demo's teams of policy officers: five WIJ teams on groups of Groningen's wijken and "
        "a municipality-wide team; the demo policy officer (when there is one) is put in the "
        f"{DEMO_OFFICER_TEAM} and sees the households of its wijken only."
    )

    def handle(self, *args, **options):
        if not settings.SIEX_DEMO_ALLOWED:
            raise CommandError("Demo data is not allowed here (SIEX_DEMO_ALLOWED is off).")
        officer = get_user_model().objects.filter(username=DEMO_OFFICER).first()
        teams = demo_teams_replace(officer=officer)
        self.stdout.write("Demo teams (need to know):")
        for team in teams:
            areas = (
                "every wijk"
                if team.municipality_wide
                else ", ".join(area.name for area in team.areas.order_by("code"))
            )
            self.stdout.write(f"  {team.name}: {areas}")
        if officer is not None:
            seen = households_visible_to(officer).count()
            self.stdout.write(
                f"{DEMO_OFFICER} is in the {DEMO_OFFICER_TEAM}: sees {seen} of "
                f"{Household.objects.count()} households (demo-projectleider reads them all)."
            )
