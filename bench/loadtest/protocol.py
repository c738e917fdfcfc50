"""What the locust client logs and the checker reads: one JSON object a line, no Django.

Events, written by every simulated student as they happen:
    {"e": "send", "r": response id, "b": base version, "h": payload hash}   before each POST
    {"e": "ack", "r": response id, "v": new version, "h": payload hash, "f": field}   on 2xx
    {"e": "started", "u": username, "a": attempt id}
    {"e": "submitted", "u": username, "a": attempt id}
    {"e": "failed", "u": username, "r": response id, "s": status}   a save given up on
"""

import hashlib
import json
import os
from pathlib import Path


def payload_hash(field: str, value) -> str:
    """The same for the client's payload and the database's stored value of that field."""
    canonical = json.dumps({field: value}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(canonical.encode(), usedforsecurity=False).hexdigest()[:20]


class EventLog:
    """Append-only JSON lines, one file per process (locust may run several)."""

    def __init__(self, directory: str | Path):
        Path(directory).mkdir(parents=True, exist_ok=True)
        path = Path(directory) / f"events-{os.getpid()}.jsonl"
        self._file = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115

    def write(self, **event) -> None:
        self._file.write(json.dumps(event, separators=(",", ":")) + "\n")


def read_events(directory: str | Path) -> list[dict]:
    events = []
    for path in sorted(Path(directory).glob("events-*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line:
                    try:
                        events.append(json.loads(line))
                    except ValueError:
                        continue  # a line cut short when a process was killed
    return events


def claim_index(counter_path: str | Path) -> int:
    """The next free student number, across locust processes (a locked counter file)."""
    import fcntl

    with open(counter_path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        current = int(handle.read().strip() or 0)
        handle.seek(0)
        handle.truncate()
        handle.write(str(current + 1))
        handle.flush()
        return current
