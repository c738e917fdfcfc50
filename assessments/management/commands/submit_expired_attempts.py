"""`manage.py submit_expired_attempts [--assignment ID]`: submit, with their saved answers,
the attempts whose deadline (plus the 30 s grace) has passed while nobody had the page open.

Run it every minute (cron or a systemd timer). The pages that show attempts also sweep their own
assignment when they load, so this is what catches work nobody looks at. Re-running it changes
nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from assessments import services
from assessments.models import Assignment


class Command(BaseCommand):
    help = "Submit every in-progress attempt whose deadline has passed."

    def add_arguments(self, parser):
        parser.add_argument("--assignment", type=int, help="Only this assignment (id)")

    def handle(self, *args, assignment, **options):
        target = None
        if assignment is not None:
            target = Assignment.objects.filter(pk=assignment).first()
            if target is None:
                raise CommandError(f"No assignment with id {assignment}.")
        count = services.attempts_submit_expired(assignment=target)
        verbosity = options["verbosity"]
        if verbosity > 1 or (verbosity and count):  # silent when idle, so cron sends no mail
            noun = "attempt" if count == 1 else "attempts"
            self.stdout.write(f"Submitted {count} expired {noun}.")
