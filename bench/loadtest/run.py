"""Run an exam under load on loopback and check that no acknowledged save was lost.

    python -m bench.loadtest.run --students 300 --think-scale 0.1
    python -m bench.loadtest.run --students 1000 --think-scale 0.1 --restart-app 2

Creates a throw-away PostgreSQL database, seeds the exam (students in classes of 30, one
assessment of 16 questions set to every class, opening a little after all students have
logged in), collects static files, starts gunicorn (config.settings_bench), runs locust
headless and bounded in time, restarts the app during the exam if asked, stops locust when
every student has submitted (or at --run-time), checks the saves against the database
(bench/loadtest/check.py), prints a table and writes bench/results/loadtest/<label>.json with
locust's CSV stats beside it. Locust comes from its own virtualenv: --locust or $LOCUST.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.loadtest import server

OUT = server.ROOT / "bench" / "results" / "loadtest"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PASSWORD = "correct-horse-battery"  # noqa: S105 - seeded throw-away students
USERNAME_FORMAT = "exam-student-{}"
CLASS_SIZE = 30
# 16 questions: what a source-analysis paper mixes. Saves per student: 5 + 2 + 1 + 3 x 2 +
# 5 x 4 = 34; reading 30-90 s per question and typing 5-15 s between saves.
# fmt: off
PAPER = ["single", "extended", "single", "short", "multiple", "extended", "single", "grid",
         "short", "extended", "single", "multiple", "extended", "short", "single", "extended"]
# fmt: on
EXAM_SECONDS_REAL = 16 * 60 + 18 * 10  # mean reading + mean typing pauses, unscaled


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.run")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--spawn-rate", type=float, default=50, help="logins started per second")
    parser.add_argument("--think-scale", type=float, default=0.1, help="1 = real think times")
    parser.add_argument("--start-jitter", type=float, default=10, help="seconds to press Start")
    parser.add_argument("--run-time", type=int, default=0, help="hard limit, s (0: estimated)")
    parser.add_argument("--workers", type=int, default=4, help="README: 2 x cores")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--processes", type=int, default=1, help="locust processes")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="clients keep one connection each (default: one per request, as behind a proxy)",
    )
    parser.add_argument("--restart-app", type=int, default=0, help="restarts during the exam")
    parser.add_argument(
        "--restart-mode",
        choices=["hup", "term", "kill", "mixed"],
        default="mixed",
        help="mixed: SIGHUP first, then a full stop (SIGTERM) and start, alternately",
    )
    parser.add_argument(
        "--hasher",
        choices=["md5", "argon2"],
        default="md5",
        help="argon2 is production's (~150 ms CPU per login here); md5 keeps logins cheap",
    )
    parser.add_argument("--server-env", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--label", default="")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--locust", default=os.environ.get("LOCUST", "locust"))
    parser.add_argument(
        "--table", action="store_true", help="print a Markdown table of the results so far"
    )
    return parser.parse_args(argv)


# --- seeding --------------------------------------------------------------------------------


def seed_exam(*, students: int, hasher: str, opens_at):
    """Students in classes of 30, one 16-question paper set to every class. Bulk inserts."""
    from django.contrib.auth.hashers import Argon2PasswordHasher, MD5PasswordHasher

    from accounts.models import Classroom, Enrolment, User
    from assessments.models import Assignment
    from tests.factories import (
        AssessmentFactory,
        DocumentFactory,
        ExcerptFactory,
        ExtendedQuestionFactory,
        GridQuestionFactory,
        MultipleChoiceQuestionFactory,
        QuestionSourceFactory,
        ShortAnswerQuestionFactory,
        SingleChoiceQuestionFactory,
        TeacherFactory,
    )

    teacher = TeacherFactory(username="exam-teacher")
    assessment = AssessmentFactory(owner=teacher, title="Source paper: the defence of Tsaritsyn")
    document = DocumentFactory()
    source_a = ExcerptFactory(document=document, label="Source A")
    second = document.text.index("Grain")
    source_b = ExcerptFactory(
        document=document, start=second, end=document.text.index(".", second) + 1
    )
    factories = {
        "single": lambda **kw: SingleChoiceQuestionFactory(
            choices=["Petrograd", "Helsingfors", "Kiev", "Tsaritsyn"], **kw
        ),
        "multiple": lambda **kw: MultipleChoiceQuestionFactory(
            choices=["grain", "trains", "officers", "rifles", "telegrams"], correct=[0, 1], **kw
        ),
        "short": ShortAnswerQuestionFactory,
        "grid": GridQuestionFactory,
        "extended": ExtendedQuestionFactory,
    }
    for position, kind in enumerate(PAPER):
        question = factories[kind](assessment=assessment, position=position)
        if kind in ("extended", "grid"):
            QuestionSourceFactory(question=question, excerpt=source_a, label="A", position=0)
            QuestionSourceFactory(question=question, excerpt=source_b, label="B", position=1)

    encoder = Argon2PasswordHasher() if hasher == "argon2" else MD5PasswordHasher()
    password = encoder.encode(PASSWORD, encoder.salt())  # one hash for all: seeding stays fast
    users = User.objects.bulk_create(
        User(
            username=USERNAME_FORMAT.format(i),
            first_name=f"Student{i}",
            last_name="Exam",
            role=User.Role.STUDENT,
            password=password,
        )
        for i in range(students)
    )
    classrooms = Classroom.objects.bulk_create(
        Classroom(name=f"Exam class {c + 1}", academic_year="2026-27", owner=teacher)
        for c in range((students + CLASS_SIZE - 1) // CLASS_SIZE)
    )
    Enrolment.objects.bulk_create(
        Enrolment(classroom=classrooms[i // CLASS_SIZE], student=u) for i, u in enumerate(users)
    )
    Assignment.objects.bulk_create(
        Assignment(
            assessment=assessment,
            classroom=classroom,
            set_by=teacher,
            opens_at=opens_at,
            due_at=opens_at + timedelta(hours=2),
            closes_at=opens_at + timedelta(hours=3),
        )
        for classroom in classrooms
    )


def set_opening(opens_at) -> None:
    from assessments.models import Assignment

    Assignment.objects.update(
        opens_at=opens_at,
        due_at=opens_at + timedelta(hours=2),
        closes_at=opens_at + timedelta(hours=3),
    )


# --- CPU while it runs ------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by groups of processes that come and go (workers restart)."""

    def __init__(self, groups):
        self.groups = groups  # {name: callable returning pids}
        self.last: dict[int, float] = {}
        self.totals = dict.fromkeys(groups, 0.0)
        self.started = time.monotonic()
        self.history: list[tuple[float, dict[str, float]]] = []
        self.machine_start = server.machine_busy_seconds()
        self.totals["others"] = 0.0

    def sample(self) -> None:
        for name, pids_of in self.groups.items():
            try:
                pids = pids_of()
            except Exception:  # noqa: BLE001 - a sample missed is not worth a failed run
                continue
            for pid, now in server.cpu_by_pid(pids).items():
                self.totals[name] += max(0.0, now - self.last.get(pid, 0.0))
                self.last[pid] = now
        # Everything else the machine did meanwhile: the colleagues' jobs share these cores.
        self.totals["others"] = (
            server.machine_busy_seconds()
            - self.machine_start
            - sum(v for k, v in self.totals.items() if k != "others")
        )
        self.history.append((time.monotonic(), dict(self.totals)))

    def cores(self) -> dict[str, float]:
        elapsed = time.monotonic() - self.started
        return {name: round(total / elapsed, 2) for name, total in self.totals.items()}

    def peak_cores(self, window: float = 10) -> dict[str, float]:
        """The busiest `window` seconds of all groups together, split by group."""
        best, split = 0.0, {}
        for i, (t0, before) in enumerate(self.history):
            for t1, after in self.history[i + 1 :]:
                if t1 - t0 >= window:
                    used = {k: (after[k] - before[k]) / (t1 - t0) for k in after}
                    if sum(used.values()) > best:
                        best, split = sum(used.values()), used
                    break
        return {k: round(v, 2) for k, v in split.items()}


def _group(pid_of):
    def pids():
        pid = pid_of()
        if pid is None:
            return []
        return [p for p in server._all_pids() if server._pgid(p) == pid]

    return pids


# --- the run --------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.table:
        print(markdown_table(sorted(OUT.glob("*.json"))))  # noqa: T201
        return 0
    if shutil.which(args.locust) is None and not Path(args.locust).exists():
        sys.exit(
            f"locust not found ({args.locust}): pip install -r bench/loadtest/requirements.txt"
        )
    os.environ["DATABASE_URL"] = os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/provenance_loadtest"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    label = args.label or f"{args.students}-students-x{args.think_scale}" + (
        f"-restart{args.restart_app}" if args.restart_app else ""
    )
    out = OUT / label
    if out.exists():
        shutil.rmtree(out)
    (out / "events").mkdir(parents=True)
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return _run(args, out, label, db_name, connection, timezone)
    finally:
        if not args.keep_db:
            connection.creation.destroy_test_db(db_name, verbosity=0)


def _run(args, out, label, db_name, connection, timezone) -> int:
    from bench.loadtest.check import check_database

    seed_exam(students=args.students, hasher=args.hasher, opens_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    env = server.server_env(
        database_url=server.database_url(connection.settings_dict),
        secret_key=server.new_secret_key(),
        BENCH_FAST_PASSWORD_HASHER="1" if args.hasher == "md5" else "0",
        **dict(item.split("=", 1) for item in args.server_env),
    )
    server.collectstatic(env)
    gunicorn = server.Gunicorn(
        env=env, workers=args.workers, threads=args.threads, log_path=out / "gunicorn.log"
    ).start()

    lead = args.students / args.spawn_rate + 20  # everyone logged in and waiting
    exam_seconds = EXAM_SECONDS_REAL * args.think_scale
    run_time = args.run_time or int(lead + args.start_jitter + exam_seconds * 2 + 120)
    opens_at = time.time() + lead + 5  # + locust's own start-up
    set_opening(timezone.now() + timedelta(seconds=lead + 5))
    plan = {
        "base_url": gunicorn.base_url,
        "students": args.students,
        "username_format": USERNAME_FORMAT,
        "password": PASSWORD,
        "opens_at": opens_at,
        "start_jitter_seconds": args.start_jitter,
        "think_scale": args.think_scale,
        "events_dir": str(out / "events"),
        "counter_path": str(out / "claimed.txt"),
        "finished_path": str(out / "finished.txt"),
        "connection_close": not args.keep_alive,
        "autosave_prefix": "/work",
    }
    (out / "plan.json").write_text(json.dumps(plan, indent=2))
    command = [
        args.locust,
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(args.students),
        "-r",
        str(args.spawn_rate),
        "--run-time",
        f"{run_time}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if args.processes > 1:
        command += ["--processes", str(args.processes)]
    locust_env = {**os.environ, "LOADTEST_PLAN": str(out / "plan.json")}
    locust_env.pop("DJANGO_SETTINGS_MODULE", None)
    started = time.monotonic()
    with open(out / "locust.log", "wb") as log:
        locust = subprocess.Popen(
            command,
            cwd=server.ROOT,
            env=locust_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    meter = CpuMeter(
        {
            "gunicorn": _group(lambda: gunicorn.process.pid if gunicorn.process else None),
            "postgres": lambda: server.backend_pids(db_name),
            "locust": _group(lambda: locust.pid),
        }
    )
    restarts = _restart_times(args, opens_at, exam_seconds)
    restarted = []
    stop = threading.Event()

    def sample_cpu():
        while not stop.wait(2):
            meter.sample()

    sampler = threading.Thread(target=sample_cpu, daemon=True)
    sampler.start()
    finished = 0
    try:
        while locust.poll() is None:
            time.sleep(1)
            if restarts and time.time() >= restarts[0][0]:
                _, mode = restarts.pop(0)
                restarted.append(_restart(gunicorn, mode))
            finished = _count(out / "finished.txt")
            if finished >= args.students:
                time.sleep(3)  # locust writes its CSV every second: let it catch up
                os.kill(locust.pid, signal.SIGTERM)  # all submitted: write the stats, exit
                break
        try:
            locust.wait(120)
        except subprocess.TimeoutExpired:
            os.killpg(locust.pid, signal.SIGKILL)
            locust.wait(10)
    finally:
        stop.set()
        sampler.join(5)
        meter.sample()
        gunicorn.stop()
    wall = time.monotonic() - started

    # Every student who started must have submitted, unless the run hit its time limit.
    report = check_database(out / "events", expect_all_submitted=finished >= args.students)
    stats = read_locust_stats(out / "locust_stats.csv")
    summary = {
        "label": label,
        "students": args.students,
        "think_scale": args.think_scale,
        "spawn_rate": args.spawn_rate,
        "start_jitter": args.start_jitter,
        "gunicorn": gunicorn.label,
        "server_env": args.server_env,
        "hasher": args.hasher,
        "autosave_via": "site",  # earlier runs also drove prototypes of proposed changes
        "locust_processes": args.processes,
        "client_keep_alive": args.keep_alive,
        "wall_seconds": round(wall, 1),
        "finished": finished,
        "ended_by_time_limit": finished < args.students,
        "restarts": restarted,
        "cores_used": meter.cores(),
        "peak_cores_10s": meter.peak_cores(),
        "saves_per_second": save_rates(out / "events"),
        "check": {"ok": report.ok, "summary": report.summary(), "problems": report.problems[:50]},
        "requests": stats,
    }
    (out.parent / f"{label}.json").write_text(json.dumps(summary, indent=2))
    print_summary(summary)
    return 0 if report.ok else 1


def _restart_times(args, opens_at, exam_seconds):
    modes = {"hup": ["hup"], "term": ["term"], "kill": ["kill"], "mixed": ["hup", "term"]}
    cycle = modes[args.restart_mode]
    span = exam_seconds + args.start_jitter
    return [
        (
            opens_at + args.start_jitter + span * (i + 1) / (args.restart_app + 1),
            cycle[i % len(cycle)],
        )
        for i in range(args.restart_app)
    ]


def _restart(gunicorn, mode) -> dict:
    began = time.monotonic()
    if mode == "hup":
        gunicorn.reload()
    else:
        gunicorn.kill() if mode == "kill" else gunicorn.stop()
        gunicorn.start(wait=60)
    return {
        "mode": mode,
        "at": time.strftime("%H:%M:%S"),
        "seconds": round(time.monotonic() - began, 1),
    }


def _count(path: Path) -> int:
    try:
        return int(path.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def save_rates(events_dir) -> dict:
    """Acknowledged saves per second: mean over the answering phase and the busiest 10 s."""
    from bench.loadtest.protocol import read_events

    times = sorted(e["t"] for e in read_events(events_dir) if e.get("e") == "ack" and "t" in e)
    if len(times) < 2:
        return {}
    buckets: dict[int, int] = {}
    for t in times:
        buckets[int(t // 10)] = buckets.get(int(t // 10), 0) + 1
    return {
        "mean": round(len(times) / (times[-1] - times[0]), 1),
        "busiest_10s": round(max(buckets.values()) / 10, 1),
    }


def read_locust_stats(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": _num(row["50%"]),
                    "p95_ms": _num(row["95%"]),
                    "p99_ms": _num(row["99%"]),
                    "max_ms": _num(row["Max Response Time"]),
                    "rps": round(float(row["Requests/s"] or 0), 1),
                }
            )
    return rows


def _num(value):
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return None


def markdown_table(paths) -> str:
    """One line per run: autosave and all requests (p50/p95/p99 ms), errors, rates, CPU."""
    lines = [
        "| run | students | think | autosave p50/p95/p99 | all requests p50/p95/p99 "
        "| errors | req/s | saves/s mean/peak | Start p95 | finished | cores: app/db/locust/others "
        "| saves check |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in paths:
        run = json.loads(Path(path).read_text())
        by_name = {r["name"]: r for r in run["requests"]}
        save, total = by_name.get("autosave", {}), by_name.get("Aggregated", {})
        start = by_name.get("start attempt", {})
        cores = run["cores_used"]
        rates = run.get("saves_per_second") or {}
        lines.append(
            f"| {run['label']} | {run['students']:,} | x{run['think_scale']} "
            f"| {save.get('p50_ms')}/{save.get('p95_ms')}/{save.get('p99_ms')} "
            f"| {total.get('p50_ms')}/{total.get('p95_ms')}/{total.get('p99_ms')} "
            f"| {total.get('failures', 0):,} of {total.get('requests', 0):,} "
            f"| {total.get('rps')} | {rates.get('mean')}/{rates.get('busiest_10s')} "
            f"| {start.get('p95_ms')} | {run['finished']:,} "
            f"| {cores.get('gunicorn')}/{cores.get('postgres')}/{cores.get('locust')}"
            f"/{cores.get('others', '?')} | {'ok' if run['check']['ok'] else 'NOT OK'} |"
        )
    return "\n".join(lines)


def print_summary(summary) -> None:
    print(  # noqa: T201
        f"\n{summary['label']}: {summary['students']} students, think x{summary['think_scale']}, "
        f"gunicorn {summary['gunicorn']}, {summary['wall_seconds']} s, "
        f"{summary['finished']} finished"
        + (" (run ended by its time limit)" if summary["ended_by_time_limit"] else "")
        + f", saves via {summary['autosave_via']}, cores used {summary['cores_used']} "
        f"(busiest 10 s: {summary['peak_cores_10s']}), "
        f"saves/s {summary['saves_per_second']}, restarts {summary['restarts']}"
    )
    headers = ["request", "count", "fail", "p50", "p95", "p99", "max", "req/s"]
    table = [
        [
            r["name"],
            r["requests"],
            r["failures"],
            r["p50_ms"],
            r["p95_ms"],
            r["p99_ms"],
            r["max_ms"],
            r["rps"],
        ]
        for r in summary["requests"]
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table, strict=False)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))  # noqa: T201
    for row in table:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))  # noqa: T201
    check = summary["check"]
    print(("saves OK: " if check["ok"] else "SAVES NOT OK: ") + check["summary"])  # noqa: T201
    for problem in check["problems"][:20]:
        print("  " + problem)  # noqa: T201


if __name__ == "__main__":
    sys.exit(main())
