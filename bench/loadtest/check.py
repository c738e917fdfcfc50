"""Did every acknowledged save survive? Compare the client's event log with the database.

For each response the client saved, take its latest acknowledged save (highest version):
- the database version must not be lower (else the save was LOST);
- at the same version the stored value must be the acknowledged one (else OVERWRITTEN);
- a higher version is fine only when the stored value is one the client sent on or after the
  acknowledged version and never heard back about (the reply was lost to a restart or to the
  end of the run); anything else is UNKNOWN, written by no one the client knows of.
Every earlier acknowledged save is implied by the latest (versions only grow).

Students: everyone who started must have submitted, unless the run was cut short.

`check_saves` is pure (tested with synthetic logs); `check_database` reads PostgreSQL through
the ORM. Usage: python -m bench.loadtest.check EVENTS_DIR (with DATABASE_URL set).
"""

import sys
from dataclasses import dataclass, field

from bench.loadtest.protocol import payload_hash, read_events


@dataclass
class Report:
    acknowledged_saves: int = 0
    responses_checked: int = 0
    unacknowledged_sends: int = 0
    replies_lost_but_saved: int = 0
    given_up: int = 0
    started: int = 0
    submitted: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.acknowledged_saves} acknowledged saves on {self.responses_checked} "
            f"responses: {len(self.problems)} problems; {self.replies_lost_but_saved} saved "
            f"with the reply lost; {self.given_up} saves given up; "
            f"{self.submitted}/{self.started} students submitted"
        )


def check_saves(events: list[dict], stored: dict[int, dict]) -> Report:
    """`stored`: {response id: {"version": int, "text": ..., "choices": ..., "grid": ...}}."""
    report = Report()
    latest: dict[int, dict] = {}
    sent: dict[int, list[dict]] = {}
    acked_hashes: dict[int, set] = {}
    fields: dict[int, str] = {}
    for event in events:
        kind = event.get("e")
        if kind == "ack":
            report.acknowledged_saves += 1
            rid = event["r"]
            fields[rid] = event["f"]
            acked_hashes.setdefault(rid, set()).add((event["v"], event["h"]))
            if rid not in latest or event["v"] >= latest[rid]["v"]:
                latest[rid] = event
        elif kind == "send":
            sent.setdefault(event["r"], []).append(event)
        elif kind == "started":
            report.started += 1
        elif kind == "submitted":
            report.submitted += 1
        elif kind == "failed":
            report.given_up += 1
    report.unacknowledged_sends = sum(len(v) for v in sent.values()) - report.acknowledged_saves
    for rid, ack in sorted(latest.items()):
        report.responses_checked += 1
        row = stored.get(rid)
        if row is None:
            report.problems.append(f"response {rid}: LOST, the row is gone")
            continue
        field_name = fields[rid]
        stored_hash = payload_hash(field_name, row[field_name])
        if row["version"] < ack["v"]:
            report.problems.append(
                f"response {rid}: LOST, version {ack['v']} was acknowledged, "
                f"the database has {row['version']}"
            )
        elif row["version"] == ack["v"]:
            if stored_hash != ack["h"]:
                report.problems.append(
                    f"response {rid}: OVERWRITTEN, version {ack['v']} holds other content "
                    "than was acknowledged"
                )
        elif any(s["h"] == stored_hash and s["b"] >= ack["v"] for s in sent.get(rid, ())):
            report.replies_lost_but_saved += 1
        else:
            report.problems.append(
                f"response {rid}: UNKNOWN, version {row['version']} after acknowledged "
                f"{ack['v']} holds content the client never sent"
            )
    return report


def check_database(events_dir, *, expect_all_submitted: bool = True) -> Report:
    from assessments.models import Attempt, Response

    events = read_events(events_dir)
    ids = {e["r"] for e in events if e.get("e") == "ack"}
    stored = {
        row["pk"]: row
        for row in Response.objects.filter(pk__in=ids).values(
            "pk", "version", "text", "choices", "grid"
        )
    }
    report = check_saves(events, stored)
    started = {e["a"] for e in events if e.get("e") == "started"}
    submitted_in_db = Attempt.objects.filter(pk__in=started, status=Attempt.Status.SUBMITTED)
    missing = len(started) - submitted_in_db.count()
    if expect_all_submitted and missing:
        report.problems.append(f"{missing} of {len(started)} started attempts not submitted")
    return report


def main(argv=None) -> int:  # pragma: no cover - a thin wrapper
    import os

    import django

    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    report = check_database(argv[0])
    print(report.summary())  # noqa: T201
    for problem in report.problems[:50]:
        print("  " + problem)  # noqa: T201
    return 0 if report.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
