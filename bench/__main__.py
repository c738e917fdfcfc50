"""Benchmarks: `python -m bench [SECTION ...]` prints a table and writes bench/results/latest.json.

Runs against a throw-away database created for the run (PostgreSQL by default, as in
production: BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/provenance_bench).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("sections", nargs="*", help="import, search (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/provenance_bench"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import connection

    from bench import sections

    chosen = args.sections or list(sections.ALL)
    unknown = [s for s in chosen if s not in sections.ALL]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}; choose from {list(sections.ALL)}")

    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    rows = []
    started = time.perf_counter()
    try:
        for name in chosen:
            rows.extend(sections.ALL[name](quick=args.quick))
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)

    _print_table(rows)
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "database": connection.vendor,
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2))
    print(f"\nWritten {RESULTS / 'latest.json'}")
    return 0 if all(r.get("ok", True) for r in rows) else 1


def _print_table(rows):
    headers = ["benchmark", "value", "target", "ok", "detail"]
    table = [
        [
            r["name"],
            r["value"],
            r.get("target", ""),
            "" if "ok" not in r else ("yes" if r["ok"] else "NO"),
            r.get("detail", ""),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in table:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
