import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from siex.accounts.roles import Role
from siex.accounts.services import two_factor_demo_device, user_create_or_update

DEMO_USERS = [
    ("demo-beleidsmedewerker", Role.POLICY_OFFICER),
    ("demo-raadslid", Role.COUNCIL_MEMBER),
    ("demo-projectleider", Role.PROJECT_LEAD),
    ("demo-beheerder", Role.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = (
        "Everything the embedded demo needs after migrate: roles, Groningen's areas, the "
        "catalogue, "
        "a demo population, the reference and demo scenarios (calculated and fixed), and one demo "
        "user per "
        "role, with fresh passwords printed here (and, for the roles that require two-step "
        "sign-in, an authenticator-app key and recovery codes). "
        "Refused where demo data is not allowed (production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, households: int, seed: int, **options):
        if not settings.SIEX_DEMO_ALLOWED:
            raise CommandError(
                "Demo users and data are not allowed here (SIEX_DEMO_ALLOWED is off)."
            )
        call_command("setup_roles", stdout=self.stdout)
        call_command("load_areas", stdout=self.stdout)
        call_command("load_indicators", stdout=self.stdout)
        call_command("load_cbs_values", stdout=self.stdout)
        call_command("load_catalogue", stdout=self.stdout)
        call_command("seed_demo", households=households, seed=seed, stdout=self.stdout)
        # Both fixed (vastgesteld), so that the demo council member has results to read.
        call_command("load_reference", "wijkbedrijven", fix=True, stdout=self.stdout)
        call_command("load_demo_scenario", fix=True, stdout=self.stdout)
        existing = set(
            get_user_model()
            .objects.filter(username__in=[username for username, _role in DEMO_USERS])
            .values_list("username", flat=True)
        )
        rows, second_steps = [], []
        for username, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user = user_create_or_update(username=username, role=role, password=password)
            rows.append((str(role.label), username, password))
            if role.value in settings.SIEX_2FA_REQUIRED_ROLES:
                device, codes = two_factor_demo_device(user)
                second_steps.append((username, device, codes))
        created = len(DEMO_USERS) - len(existing)
        width = max(len(r[1]) for r in rows)
        self.stdout.write("")
        if created:
            self.stdout.write(f"Demo users: {created} created. Sign in with:")
        else:
            # A password is stored only as a hash: to print one, it has to be a new one.
            self.stdout.write("Demo users: already there; new passwords, to sign in with:")
        for label, username, password in rows:
            self.stdout.write(f"  {username.ljust(width)}  {password}   ({label})")
        for username, device, codes in second_steps:
            self.stdout.write(
                f"{username} also enters a code (two-step sign-in, required for this role): "
                f"from an authenticator app with the key {b32encode(device.bin_key).decode()} "
                f"({device.config_url}), or one of the recovery codes {', '.join(codes)} "
                "(each works once)."
            )
        self.stdout.write("(Demo only, never in production; every run gives new passwords.)")
