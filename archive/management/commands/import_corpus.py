import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.services import ImportReport, corpus_files, corpus_import


class Command(BaseCommand):
    help = (
        "Import corpus text files into the archive (default: the corpus shipped with Provenance)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Corpus .txt files")
        parser.add_argument(
            "--quiet-report",
            action="store_true",
            help="Print totals only, not every warning and decision.",
        )

    def handle(self, *args, files, quiet_report, **options):
        if files:
            missing = [str(f) for f in files if not f.is_file()]
            if missing:
                raise CommandError(f"No such file: {', '.join(missing)}")
            sources = [(f.name, f.read_bytes()) for f in files]
        else:
            sources = corpus_files(settings.CORPUS_DIR)
        report = corpus_import(sources, progress=self._progress)
        self._print(report, details=not quiet_report)
        if not report.ok:
            raise CommandError("Some files were refused; nothing was written for them.")

    def _progress(self, source_file: str, done: int, total: int):
        if not self.stdout.isatty() and done != total:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(
            f"\r{source_file:<28} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
            ending="\n" if done == total else "",
        )
        sys.stdout.flush()

    def _print(self, report: ImportReport, *, details: bool):
        for f in report.files:
            if f.error:
                self.stderr.write(self.style.ERROR(f"{f.source_file}: refused. {f.error}"))
                continue
            self.stdout.write(
                f"{f.source_file}: {f.collection} — {f.created} created, {f.updated} updated, "
                f"{f.unchanged} unchanged"
                + (f", {f.chronicle_entries} chronicle entries" if f.chronicle_entries else "")
            )
            if details:
                for line in f.decisions:
                    self.stdout.write(f"  decision: {line}")
                for line in f.warnings:
                    self.stdout.write(self.style.WARNING(f"  review: {line}"))
        totals = report.totals()
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['created']} created, {totals['updated']} updated, "
                f"{totals['unchanged']} unchanged, "
                f"{sum(len(f.warnings) for f in report.files)} warnings to review, "
                f"{sum(len(f.decisions) for f in report.files)} override decisions."
            )
        )
