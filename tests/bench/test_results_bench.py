"""Smoke test of the results bench section: tiny sizes, SQLite, in process (no subprocess)."""

import pytest

from assessments.models import Assignment, Attempt, Mark, Response
from bench.results_bench import bench_results, build_class


@pytest.mark.django_db
def test_build_class_makes_submitted_marked_work_on_each_assignment():
    built = build_class(students=3, questions=5, tag="t", assignments=2)

    assert Assignment.objects.filter(classroom=built["classroom"]).count() == 2
    assert Attempt.objects.filter(status="submitted").count() == 6
    assert Response.objects.count() == 30  # 2 assignments × 3 students × 5 questions
    essays = Response.objects.filter(question__kind="extended").count()
    assert 0 < Mark.objects.count() < essays + 1  # some essays are left to mark
    assert built["assignment"].due_at == Assignment.objects.latest("due_at").due_at


@pytest.mark.django_db
def test_results_section_times_every_dashboard_and_export():
    rows = bench_results(quick=True, sizes=[(3, 5)], runs=1, assignments=2)

    names = [r["name"] for r in rows]
    assert names == [
        f"results: {name} 3×5"
        for name in (
            "assignment dashboard",
            "assignment sources",
            "class overview",
            "class skills",
            "student skills",
            *(
                f"{scope} {kind} {fmt}"
                for scope in ("export", "class export")
                for kind in ("marks", "responses")
                for fmt in ("csv", "xlsx")
            ),
        )
    ]
    for row in rows:
        value = row["value"]  # "12 ms, 9 queries"
        queries = int(value.split(", ")[1].split()[0])
        assert 0 < queries <= 12, row
        # A class file holds every assignment's data: its yardstick grows with them.
        class_file = row["name"].startswith("results: class export")
        assert row["target"] == (
            "< 1 s per assignment (2: < 2 s), <= 12 queries"
            if class_file
            else "< 1 s, <= 12 queries"
            if "export" in row["name"]
            else "< 200 ms, <= 12 queries"
        ), row
        assert "KB" in row["detail"]
    assert rows[2]["detail"].endswith(", 2 assignments")
