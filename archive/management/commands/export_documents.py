from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.exports import documents_jsonl


class Command(BaseCommand):
    help = "Export every document of the archive as JSON Lines (one JSON object per line)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", dest="fmt", choices=["jsonl"], default="jsonl", help="Output format."
        )
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, fmt, output, **options):
        lines = documents_jsonl()
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        if not output.parent.is_dir():
            raise CommandError(f"No such directory: {output.parent}")
        # Written beside the target and renamed at the end, so a failed export never leaves a
        # truncated file where a good one was.
        partial = output.with_name(output.name + ".part")
        count = 0
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as handle:
                for line in lines:
                    handle.write(line)
                    count += 1
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"{count} documents written to {output}."))
