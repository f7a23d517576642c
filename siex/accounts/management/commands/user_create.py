"""Create an account with roles from the command line; it prints a one-time password."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from siex.accounts.roles import Role
from siex.accounts.services import user_create


class Command(BaseCommand):
    help = (
        "Create an account with one or more roles (--role may be repeated). Prints a one-time "
        "password: the user chooses their own at the first sign-in. The change history records "
        "the account as created by the system. The first administrator: --role beheerder (only "
        "a superuser, made with createsuperuser, gives the administrator role on the pages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--role",
            dest="roles",
            action="append",
            default=[],
            choices=[role.value for role in Role],
            help="a role: " + ", ".join(f"{role.value} ({role.label})" for role in Role),
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, roles, first_name, last_name, email, **options):
        try:
            user, password = user_create(
                actor=None,
                username=username,
                roles=[Role(role) for role in roles],
                first_name=first_name,
                last_name=last_name,
                email=email,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(problems) from error
        roles_text = ", ".join(roles) or "no role"
        self.stdout.write(f"Account {user.username} created ({roles_text}).")
        self.stdout.write(f"One-time password: {password}")
        self.stdout.write("The user must choose their own password at the first sign-in.")
