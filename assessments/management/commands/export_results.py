"""`manage.py export_results --assignment ID | --classroom ID --kind marks|responses
--format csv|xlsx [--output FILE]`: the teachers' downloads, from the command line.

Writes the same rows as the dashboards' download buttons (assessments/exports.py). Without
--output the file goes to the current directory under the download's name; `--output -`
writes a CSV to standard output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Classroom
from assessments import exports
from assessments.models import Assignment
from common.exports import csv_chunks, neutralise, write_xlsx


class Command(BaseCommand):
    help = "Export a marks book or a responses file for an assignment or a class."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--assignment", type=int, help="Assignment id")
        target.add_argument("--classroom", type=int, help="Class id: every assignment set to it")
        parser.add_argument("--kind", choices=exports.KINDS, default="marks")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv", dest="fmt")
        parser.add_argument("--output", help="File to write ('-' for standard output, CSV only)")

    def handle(self, *args, assignment, classroom, kind, fmt, output, **options):
        if assignment is not None:
            try:
                target = Assignment.objects.select_related("assessment", "classroom").get(
                    pk=assignment
                )
            except Assignment.DoesNotExist:
                raise CommandError(f"No assignment with id {assignment}.") from None
            export = exports.for_assignment(assignment=target, kind=kind)
        else:
            try:
                target = Classroom.objects.get(pk=classroom)
            except Classroom.DoesNotExist:
                raise CommandError(f"No class with id {classroom}.") from None
            export = exports.for_classroom(classroom=target, kind=kind)

        if output == "-":
            if fmt != "csv":
                raise CommandError("Only CSV can go to standard output; give --output FILE.")
            for chunk in self._csv(export):
                self.stdout.write(chunk, ending="")
            return
        path = Path(output or f"{export.filename}.{fmt}")
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as stream:
                stream.writelines(self._csv(export))
        else:
            write_xlsx(str(path), export.header, export.rows, sheet=export.sheet)
        self.stderr.write(f"Written {path}")

    def _csv(self, export):
        return csv_chunks([neutralise(str(title)) for title in export.header], export.rows)
