"""manage.py retention [--dry-run]: apply the retention rules now, as the daily job does."""

from django.core.management.base import BaseCommand

from interventions.retention.models import RetentionTrigger
from interventions.retention.services import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise (or, with SIEX_RETENTION_MODE=delete, delete) the households whose "
        "participation ended more than SIEX_RETENTION_YEARS years ago or that withdrew their "
        "consent. Prints what it did; with --dry-run only what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be done."
        )

    def handle(self, *args, **options):
        report = retention_apply(trigger=RetentionTrigger.COMMAND, dry_run=options["dry_run"])
        self.stdout.write(report.as_text())
