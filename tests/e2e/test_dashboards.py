"""Results dashboards in a real browser: accessible, charts drawn, and no CSP violations."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assignment
from tests.assessments.test_dashboards import T0, build_paper, student_in, submit
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def results(classroom, student, teacher):
    """Two assignments: Sam and Ann submitted both; Ann's second essay is still to mark."""
    first = build_paper(classroom=classroom, due_at=T0)
    second = build_paper(classroom=classroom, title="War Communism", due_at=T0.replace(day=27))
    ann = student_in(classroom, "ann", "Ann", "Archer")
    for paper, essay in ((first, 6), (second, 10)):
        submit(
            paper.assignment,
            student,
            scores={paper.choice: 2, paper.grid: 3},
            marks={paper.essay: (essay, 2 if essay < 9 else 3, "")},
        )
    submit(
        first.assignment,
        ann,
        scores={first.choice: 0, first.grid: 1},
        marks={first.essay: (3, 1, "")},
    )
    submit(second.assignment, ann, scores={second.choice: 2, second.grid: 4})
    Assignment.objects.filter(pk__in=[first.assignment.pk, second.assignment.pk]).update(
        released_at=T0
    )
    return first, second


def _paths(classroom, first):
    return [
        f"/work/teach/classes/{classroom.pk}/results/",
        f"/work/teach/{first.assignment.pk}/results/",
        f"/work/teach/{first.assignment.pk}/sources/",
        f"/work/teach/classes/{classroom.pk}/skills/",
    ]


def _chart_is_drawn(page):
    canvas = page.locator("canvas#skills-chart")
    expect(canvas).to_have_attribute("role", "img")
    expect(canvas).to_have_attribute("aria-label", re.compile(r"^Line chart"))
    # Chart.js sizes the canvas from the script: proof the chart was drawn under the CSP.
    expect(canvas).to_have_attribute("style", re.compile("box-sizing"))


def test_teacher_reads_the_class_dashboards(page, login, live_server, classroom, results):
    first, _ = results
    login("alice")
    page.goto(f"{live_server.url}/work/teach/classes/{classroom.pk}/results/")
    expect(page.get_by_role("heading", name=f"Results · {classroom.name}")).to_be_visible()
    overview = page.get_by_test_id("overview")
    expect(overview.get_by_role("row", name=re.compile("Ann Archer"))).to_contain_text("1 to mark")
    assert_accessible(page)

    overview.get_by_role("link", name="Nationalities policy").click()
    expect(page.get_by_role("heading", name="Marks · Nationalities policy")).to_be_visible()
    heatmap = page.get_by_test_id("heatmap")
    expect(heatmap.get_by_role("row", name=re.compile("Sam"))).to_contain_text("6")
    assert_accessible(page)

    page.get_by_role("link", name="Sources").click()
    expect(page.get_by_test_id("sources")).to_contain_text("Telegram to Lenin")
    assert_accessible(page)

    page.goto(f"{live_server.url}/work/teach/{results[1].assignment.pk}/results/")
    expect(
        page.get_by_test_id("heatmap").get_by_role("cell", name="to mark", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/work/teach/classes/{classroom.pk}/skills/")
    _chart_is_drawn(page)
    page.get_by_text("Figures behind the chart").click()
    table = page.get_by_test_id("skills-table").get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("War Communism"))).to_contain_text("100%")
    assert_accessible(page)

    page.get_by_label("Show one student").select_option(label="Ann Archer")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=re.compile("Skills · Ann Archer"))).to_be_visible()
    _chart_is_drawn(page)
    assert_accessible(page)


def test_student_reads_their_progress(page, login, live_server, student, results):
    login("sam")
    page.goto(f"{live_server.url}/work/my/progress/")
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    progress = page.get_by_test_id("progress")
    expect(progress.get_by_role("row", name=re.compile("War Communism"))).to_contain_text("15 / 18")
    _chart_is_drawn(page)
    page.get_by_text("Figures behind the chart").click()
    expect(page.get_by_test_id("skills-table").get_by_role("table")).to_be_visible()
    assert_accessible(page)


def test_dashboards_raise_no_csp_violations(browser, live_server, classroom, student, results):
    first, _ = results
    pages = {"alice": _paths(classroom, first), "sam": ["/work/my/progress/"]}
    violations = []
    for username, paths in pages.items():
        context = browser.new_context()  # no bypass_csp: the real policy applies
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if "skills" in path or "progress" in path:
                _chart_is_drawn(page)
        context.close()
    assert violations == []
