"""Benchmark section: the results dashboards and exports at class scale.

`bench_results(quick=...)` builds submitted, marked classes with bulk_create (30 and 300
students × 20 and 50 questions; only 30 × 20 when quick), each with `ASSIGNMENTS` assignments of
the assessment (a term's work, so the class pages have columns to fill), then times through the
test client (middleware, view, template, streaming: the server's whole share of a request), as
the median of several runs, with the queries of one request:
- the assignment's pages: the heatmap (target < 200 ms, <= 12 queries) and sources;
- the class's pages: overview, skills, one student's skills;
- every export, per assignment and per class, marks and responses, CSV and XLSX (< 1 s).
About a tenth of the essays are left to mark, so "to mark" paths are exercised.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

DASHBOARD_TARGET_S = 0.200
ASSIGNMENTS = 3  # per class: the class pages and exports cover all of them
EXPORT_TARGET_S = 1.0
MAX_QUERIES = 12

KINDS = ["single_choice", "multiple_choice", "short_answer", "grid", "extended"]
MARKS = {"single_choice": 1, "multiple_choice": 2, "short_answer": 1, "grid": 4, "extended": 12}
SKILLS = ["close_reading", "close_reading", "knowledge", "corroboration", "sourcing"]
ESSAY = (
    "Source A is useful for an enquiry into Bolshevik policy because it was written by the "
    "People's Commissar himself, in July 1918, for Lenin's eyes only. "
) * 8
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def bench_results(*, quick: bool, sizes=None, runs=None, assignments=ASSIGNMENTS) -> list[dict]:
    from django.test import override_settings

    if sizes is None:
        sizes = [(30, 20)] if quick else [(30, 20), (30, 50), (300, 20), (300, 50)]
    runs = runs or (3 if quick else 7)
    rows = []
    # Production settings: no debug templates, no query log (and the test client's host).
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for students, questions in sizes:
            tag = f"{students}x{questions}"
            built = build_class(
                students=students, questions=questions, tag=tag, assignments=assignments
            )
            rows.extend(measure(built, label=f"{students}×{questions}", runs=runs))
    return rows


def build_class(*, students: int, questions: int, tag: str, assignments: int = 1) -> dict:
    """A class of `students`, all submitted and (but ~10 % of essays) marked, on `assignments`
    assignments of an assessment of `questions` questions cycling through every kind; the last
    one due is "the" assignment. Bulk inserts only."""
    from accounts.models import Classroom, Enrolment, User
    from archive.models import Collection, Document, Excerpt
    from assessments.models import (
        Assessment,
        Assignment,
        Attempt,
        Choice,
        GridClaim,
        Level,
        Mark,
        Question,
        QuestionSource,
        Response,
    )

    teacher = User.objects.create(
        username=f"bench-teacher-{tag}", first_name="Bench", last_name="Teacher", role="teacher"
    )
    classroom = Classroom.objects.create(
        name=f"Bench {tag}", academic_year="2026-27", owner=teacher
    )
    pupils = User.objects.bulk_create(
        User(
            username=f"bench-{tag}-{n:04d}",
            first_name=f"Pupil{n:04d}",
            last_name=f"Bench{n % 97:02d}",
            role="student",
            password="!",  # unusable
        )
        for n in range(students)
    )
    Enrolment.objects.bulk_create(Enrolment(classroom=classroom, student=p) for p in pupils)

    collection = Collection.objects.create(
        key=f"bench-results-{tag}", title="Bench", kind="book", source_file="bench"
    )
    text = "The situation in the south is grave.\n\nGrain is being sent north by every train."
    document = Document.objects.create(
        collection=collection,
        key="doc",
        title="Telegram",
        display_title="Telegram",
        kind="telegram",
        category="primary",
        text=text,
        source_file="bench",
    )
    excerpts = Excerpt.objects.bulk_create(
        [
            Excerpt(document=document, start=0, end=36, text=text[0:36], label="Source A"),
            Excerpt(document=document, start=38, end=len(text), text=text[38:], label="Source B"),
        ]
    )

    assessment = Assessment.objects.create(title=f"Bench paper {tag}", owner=teacher)
    qs = Question.objects.bulk_create(
        Question(
            assessment=assessment,
            position=i,
            kind=KINDS[i % 5],
            marks=MARKS[KINDS[i % 5]],
            skill=SKILLS[i % 5],
            prompt=f"Question {i + 1}",
            accepted_answers=["Helsingfors"] if KINDS[i % 5] == "short_answer" else [],
        )
        for i in range(questions)
    )
    choices = Choice.objects.bulk_create(
        Choice(question=q, position=j, text=f"Option {j}", is_correct=j == 0)
        for q in qs
        if q.kind in ("single_choice", "multiple_choice")
        for j in range(3)
    )
    first_choice = {c.question_id: c.pk for c in choices if c.position == 0}
    claims = GridClaim.objects.bulk_create(
        GridClaim(question=q, position=j, text=f"Claim {j + 1}", expected={"A": "agree"})
        for q in qs
        if q.kind == "grid"
        for j in range(2)
    )
    claim_of = {c.question_id: c.pk for c in claims if c.position == 0}
    levels = Level.objects.bulk_create(
        Level(question=q, number=n, low=low, high=high, descriptor=f"Level {n}")
        for q in qs
        if q.kind == "extended"
        for n, (low, high) in enumerate([(0, 0), (1, 4), (5, 8), (9, 12)])
    )
    level_of = {(lv.question_id, lv.number): lv for lv in levels}
    QuestionSource.objects.bulk_create(
        QuestionSource(question=q, excerpt=excerpt, label=label, position=j)
        for q in qs
        if q.kind in ("extended", "grid")
        for j, (excerpt, label) in enumerate(zip(excerpts, "AB", strict=True))
    )

    for back in reversed(range(assignments)):  # 14 days apart; the newest is built last
        start = START - timedelta(days=14 * back)
        assignment = Assignment.objects.create(
            assessment=assessment,
            classroom=classroom,
            set_by=teacher,
            opens_at=START - timedelta(days=7 + 14 * back),
            due_at=START + timedelta(days=1 - 14 * back),
            closes_at=START + timedelta(days=2 - 14 * back),
        )
        attempts = Attempt.objects.bulk_create(
            Attempt(
                assignment=assignment,
                student=p,
                status="submitted",
                started_at=start + timedelta(minutes=n % 60),
                submitted_at=start + timedelta(minutes=n % 60 + 25 + n % 35),
                deadline_at=assignment.closes_at,
                is_late=n % 17 == 0,
            )
            for n, p in enumerate(pupils)
        )
        responses = []
        for n, attempt in enumerate(attempts):
            for i, q in enumerate(qs):
                response = Response(attempt=attempt, question=q, saved_at=attempt.submitted_at)
                right = (n + i) % 3 != 0
                if q.kind in ("single_choice", "multiple_choice"):
                    response.choices = [first_choice[q.pk]]
                    response.auto_score = q.marks if right else 0
                elif q.kind == "short_answer":
                    response.text = "Helsingfors" if right else "Kiev"
                    response.auto_score = q.marks if right else 0
                elif q.kind == "grid":
                    response.grid = {str(claim_of[q.pk]): {"A": "agree", "B": "silent"}}
                    response.auto_score = (n + i) % (q.marks + 1)
                else:
                    response.text = f"{ESSAY}\n\nStudent {n}, question {i + 1}."
                    response.citations = [
                        {"excerpt": excerpts[0].pk, "document": document.pk, "start": 4, "end": 13}
                    ]
                responses.append(response)
        responses = Response.objects.bulk_create(responses, batch_size=2000)
        kinds = {q.pk: q.kind for q in qs}
        marks = []
        for k, response in enumerate(responses):
            if kinds[response.question_id] != "extended" or k % 10 == 0:
                continue  # objective, or left to mark
            score = k % 13
            number = 0 if score == 0 else 1 if score <= 4 else 2 if score <= 8 else 3
            marks.append(
                Mark(
                    response=response,
                    level=level_of[(response.question_id, number)],
                    score=score,
                    comment="Clear reference to provenance; add context.",
                    marker=teacher,
                    marked_at=start + timedelta(days=3),
                )
            )
        Mark.objects.bulk_create(marks, batch_size=2000)
    return {
        "teacher": teacher,
        "classroom": classroom,
        "assignment": assignment,
        "pupil": pupils[0],
        "assignments": assignments,
    }


def _timed(client, url, runs: int):
    """Median seconds over `runs` requests (after a warm-up), and the queries of one."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    def once():
        response = client.get(url)
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
        return size

    with connection.execute_wrapper(count):
        size = once()  # warm-up: template loading, first connection
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(executed), size


def measure(built: dict, *, label: str, runs: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assignment = built["assignment"]
    classroom = built["classroom"]
    count = built.get("assignments", ASSIGNMENTS)
    rows = []
    client = Client()
    client.force_login(built["teacher"])
    pages = [
        ("assignment dashboard", "assignment_results", [assignment.pk]),
        ("assignment sources", "assignment_sources", [assignment.pk]),
        ("class overview", "class_overview", [classroom.pk]),
        ("class skills", "class_skills", [classroom.pk]),
        ("student skills", "student_skills", [classroom.pk, built["pupil"].pk]),
    ]
    for name, url_name, args in pages:
        seconds, queries, size = _timed(client, reverse(f"assessments:{url_name}", args=args), runs)
        rows.append(
            _row(
                f"results: {name} {label}",
                seconds,
                queries,
                DASHBOARD_TARGET_S,
                "< 200 ms, <= 12 queries",
                detail=f"{size / 1024:.0f} KB"
                + (f", {count} assignments" if url_name.startswith(("class", "student")) else ""),
            )
        )
    # The target is < 1 s for a file of 300 students x 50 questions: the class files here hold
    # `count` assignments of it, so `count` times the data, and their yardstick is `count` s.
    exports = [
        ("export", "assignment_export", assignment.pk, "", 1),
        ("class export", "class_export", classroom.pk, f", {count} assignments", count),
    ]
    for name, url_name, pk, note, scale in exports:
        for kind in ("marks", "responses"):
            for fmt in ("csv", "xlsx"):
                url = reverse(f"assessments:{url_name}", args=[pk, kind, fmt])
                seconds, queries, size = _timed(client, url, max(3, runs // 2) if runs > 1 else 1)
                rows.append(
                    _row(
                        f"results: {name} {kind} {fmt} {label}",
                        seconds,
                        queries,
                        EXPORT_TARGET_S * scale,
                        "< 1 s, <= 12 queries"
                        if scale == 1
                        else f"< 1 s per assignment ({scale}: < {scale} s), <= 12 queries",
                        detail=f"{size / 1024:.0f} KB{note}",
                    )
                )
    return rows


def _row(name, seconds, queries, target_s, target, detail=""):
    return {
        "name": name,
        "value": f"{seconds * 1000:.0f} ms, {queries} queries",
        "target": target,
        "ok": seconds < target_s and queries <= MAX_QUERIES,
        "detail": detail,
    }
