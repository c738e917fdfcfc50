"""CPU of the three requests of pressing Start, in process, on the load test's exam.

    PROFILE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/prov_me \
        .venv/bin/python -m bench.loadtest.profile_start --students 200

Seeds the load test's paper (bench/loadtest/run.py: 16 questions, two sources) in a throw-away
database (`test_<name>` of the URL), then for each student, through the test client (every
middleware, DEBUG off): My work, the start POST, the attempt page. Prints the median and p90
of this process's CPU per request (the PostgreSQL backend's CPU is not in it) and the queries
of one request. `--cprofile page` (or `start`, `my work`) adds cProfile's top functions.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.profile_start")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--queries", action="store_true", help="print one request's SQL of each")
    parser.add_argument(
        "--cprofile", default="", help="profile this request (my work, start, page): top 40"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ["DATABASE_URL"] = os.environ.get(
        "PROFILE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/provenance_profile"
    )
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault(
        "SECRET_KEY", "profile-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import connection

    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return _run(args)
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def _run(args) -> int:
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from assessments.models import Assignment
    from bench.loadtest.run import seed_exam

    seed_exam(students=args.students, hasher="md5", opens_at=timezone.now() - timedelta(minutes=1))
    students = list(User.objects.filter(role=User.Role.STUDENT).order_by("pk"))
    assignment_of = {a.classroom_id: a.pk for a in Assignment.objects.only("pk", "classroom_id")}
    classroom_of = dict(
        User.objects.filter(enrolments__isnull=False).values_list("pk", "enrolments__classroom")
    )
    cpu = {"my work": [], "start POST": [], "attempt page": []}
    queries = {}
    profiler = cProfile.Profile() if args.cprofile else None
    profiled = {"page": "attempt page", "start": "start POST"}.get(args.cprofile, args.cprofile)
    for i, student in enumerate(students):
        client = Client()
        client.force_login(student)
        start_url = reverse(
            "assessments:attempt_start", args=[assignment_of[classroom_of[student.pk]]]
        )
        urls = {"my work": reverse("assessments:my_work"), "start POST": start_url}
        for name in cpu:
            send = client.post if name == "start POST" else client.get
            profiling = profiler is not None and name == profiled and i >= 5
            with CaptureQueriesContext(connection) as ctx:
                if profiling:
                    profiler.enable()
                began = time.process_time()
                response = send(urls[name])
                cpu[name].append(time.process_time() - began)
                if profiling:
                    profiler.disable()
            queries[name] = len(ctx.captured_queries)
            if args.queries and i == len(students) - 1:
                print(f"--- {name}")  # noqa: T201
                for query in ctx.captured_queries:
                    print(query["sql"][:300])  # noqa: T201
            if name == "start POST":
                assert response.status_code == 302, response.status_code
                urls["attempt page"] = response["Location"]
            else:
                assert response.status_code == 200, response.status_code
        assert b"data-question" in response.content
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    print(f"{'request':<14} {'median ms':>9} {'p90 ms':>7} {'queries':>7}")  # noqa: T201
    for name, values in cpu.items():
        values = values[5:]  # warm-up: the first requests fill the per-process caches
        p90 = statistics.quantiles(values, n=10)[-1] * 1000
        median = statistics.median(values) * 1000
        print(f"{name:<14} {median:>9.2f} {p90:>7.2f} {queries[name]:>7}")  # noqa: T201
    print(f"students: {len(students)}; load average: {os.getloadavg()}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
