"""Delete roster initial passwords that were not downloaded within a day. Schedule it daily."""

from django.core.management.base import BaseCommand

from accounts.models import ISSUED_CREDENTIALS_MAX_AGE
from accounts.services import credentials_purge_expired


class Command(BaseCommand):
    help = (
        "Delete the plain-text initial passwords of roster imports that were not downloaded "
        "within a day. Imports and downloads do this too; run it daily (cron) so a copy nobody "
        "comes back for is not kept either."
    )

    def handle(self, *args, **options):
        deleted = credentials_purge_expired()
        hours = int(ISSUED_CREDENTIALS_MAX_AGE.total_seconds() // 3600)
        self.stdout.write(
            f"Deleted {deleted} set{'s' if deleted != 1 else ''} of initial passwords "
            f"older than {hours} hours."
        )
