from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo as accounts_demo
from archive.services import corpus_files, corpus_import
from assessments import demo as assessments_demo
from lessons import demo as lessons_demo


class Command(BaseCommand):
    help = "Load the demo: people and classes, the corpus, units and assessments. Idempotent."

    def handle(self, *args, **options):
        logins = accounts_demo.load()
        report = corpus_import(corpus_files(settings.CORPUS_DIR))
        if not report.ok:
            errors = "; ".join(f"{f.source_file}: {f.error}" for f in report.files if f.error)
            raise CommandError(f"The corpus did not import: {errors}")
        totals = report.totals()
        self.stdout.write(
            f"Archive: {totals['created']} documents created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged."
        )
        # Assessments first: the lessons loader reuses their excerpts and links them into units.
        assessments = assessments_demo.load()
        units = lessons_demo.load()
        self.stdout.write(
            f"Units: {len(units)}; assessments created: {assessments.assessments_created}, "
            f"assignments: {assessments.assignments_created}, "
            f"demo attempts: {assessments.attempts_created}."
        )
        for warning in assessments.warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}"))
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in at http://127.0.0.1:8000/ with:"))
        for who, username, password in logins:
            self.stdout.write(f"  {who:<22} {username:<16} {password}")
