from django.core.management.base import BaseCommand

from siex.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Create the role groups (beleidsmedewerker, raadslid, projectleider, beheerder)."

    def handle(self, *args, **options):
        groups = roles_sync()
        self.stdout.write(f"{len(groups)} roles up to date: " + ", ".join(g.name for g in groups))
