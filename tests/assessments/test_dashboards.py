"""Results dashboards: the selectors' figures, the pages, permissions and query counts.

The builders here (`build_paper`, `submit`) are shared with test_exports.py.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from assessments import dashboards
from assessments.dashboards import Status, Totals, Visibility
from assessments.models import Assignment, Attempt, Level, Mark, Question, Response, Skill
from tests.factories import (
    AdminFactory,
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    EnrolmentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    GridQuestionFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
    StudentFactory,
    TeacherFactory,
)

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DOC_TEXT = (
    "The situation in the south is grave.\n\n"
    "Grain is being sent north by every train we can find.\n\n"
    "We shall not let the enemy through."
)


@dataclass
class Paper:
    assignment: Assignment
    choice: Question  # Q1: single choice, 2 marks, close reading, source A
    essay: Question  # Q2: extended, 12 marks, sourcing, sources A and B
    grid: Question  # Q3: grid, 4 marks, corroboration, source B
    excerpt_a: object
    excerpt_b: object

    @property
    def questions(self):
        return [self.choice, self.essay, self.grid]


def build_paper(*, classroom, title="Nationalities policy", due_at=None, **assignment_fields):
    assessment = AssessmentFactory(owner=classroom.owner, title=title)
    choice = SingleChoiceQuestionFactory(
        assessment=assessment,
        position=0,
        marks=2,
        prompt="Where was the Finnish government?",
        choices=["Kiev", "Helsingfors", "Petrograd"],
        correct=[1],
    )
    essay = ExtendedQuestionFactory(
        assessment=assessment,
        position=1,
        marks=12,
        skill=Skill.SOURCING,
        prompt="How useful is Source A?",
        asks_for_evidence=True,
    )
    grid = GridQuestionFactory(
        assessment=assessment, position=2, marks=4, prompt="Do the sources agree?"
    )
    document = DocumentFactory(text=DOC_TEXT, display_title="Telegram to Lenin")
    excerpt_a = ExcerptFactory(document=document, start=0, end=36)
    excerpt_b = ExcerptFactory(document=document, start=38, end=91, label="Source B")
    QuestionSourceFactory(question=choice, excerpt=excerpt_a, label="A", position=0)
    QuestionSourceFactory(question=essay, excerpt=excerpt_a, label="A", position=0)
    QuestionSourceFactory(question=essay, excerpt=excerpt_b, label="B", position=1)
    QuestionSourceFactory(question=grid, excerpt=excerpt_b, label="B", position=0)
    if due_at is not None:
        assignment_fields.update(
            opens_at=due_at - timedelta(days=7), due_at=due_at, closes_at=due_at + timedelta(days=1)
        )
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom, **assignment_fields)
    return Paper(assignment, choice, essay, grid, excerpt_a, excerpt_b)


def submit(
    assignment,
    student,
    *,
    answers=None,
    scores=None,
    marks=None,
    minutes=30,
    late=False,
    number=1,
    submitted=True,
    started_at=T0,
):
    """An attempt with answers {question: {field: value}}, automatic scores {question: n} and
    teacher marks {question: (score, level number or None, comment)}."""
    attempt = AttemptFactory(
        assignment=assignment,
        student=student,
        number=number,
        status=Attempt.Status.SUBMITTED if submitted else Attempt.Status.IN_PROGRESS,
        started_at=started_at,
        submitted_at=started_at + timedelta(minutes=minutes) if submitted else None,
        is_late=late,
    )
    for question, fields in (answers or {}).items():
        Response.objects.filter(attempt=attempt, question=question).update(**fields)
    for question, score in (scores or {}).items():
        Response.objects.filter(attempt=attempt, question=question).update(auto_score=score)
    teacher = assignment.classroom.owner
    for question, (score, level, comment) in (marks or {}).items():
        response = Response.objects.get(attempt=attempt, question=question)
        Mark.objects.create(
            response=response,
            score=score,
            level=Level.objects.get(question=question, number=level) if level is not None else None,
            comment=comment,
            marker=teacher,
            marked_at=T0 + timedelta(days=1),
        )
    return attempt


def student_in(classroom, username, first, last):
    return EnrolmentFactory(
        classroom=classroom,
        student=StudentFactory(username=username, first_name=first, last_name=last),
    ).student


@pytest.fixture
def paper(classroom):
    return build_paper(classroom=classroom)


@pytest.fixture
def cast(classroom, paper):
    """Ann: fully marked. Ben: essay to mark, late. Cat: in progress. Dan: not started."""
    ann = student_in(classroom, "ann", "Ann", "Archer")
    ben = student_in(classroom, "ben", "Ben", "Baker")
    cat = student_in(classroom, "cat", "Cat", "Cole")
    dan = student_in(classroom, "dan", "Dan", "Dorsey")
    submit(
        paper.assignment,
        ann,
        scores={paper.choice: 2, paper.grid: 3},
        marks={paper.essay: (7, 2, "Good use of provenance.")},
        minutes=40,
    )
    submit(paper.assignment, ben, scores={paper.choice: 0, paper.grid: 4}, minutes=20, late=True)
    submit(paper.assignment, cat, submitted=False)
    return {"ann": ann, "ben": ben, "cat": cat, "dan": dan}


# --- shared rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "auto", "mark", "expected"),
    [
        ("single_choice", 2, None, 2),
        ("single_choice", 2, 1, 1),
        ("single_choice", None, None, None),
        ("extended", None, None, None),
        ("extended", 5, None, None),
        ("extended", None, 0, 0),
        ("grid", 0, None, 0),
    ],
)
def test_effective_score_matches_the_model(kind, auto, mark, expected):
    assert dashboards.effective_score(kind=kind, auto_score=auto, mark_score=mark) == expected


def test_effective_score_expression_matches_response_effective_score(paper, cast, classroom):
    eve = student_in(classroom, "eve", "Eve", "Evans")
    submit(
        paper.assignment,
        eve,
        scores={paper.choice: 2},
        marks={paper.choice: (1, None, "Override"), paper.essay: (0, 0, "")},
    )
    rows = Response.objects.select_related("mark", "question").annotate(
        effective=dashboards.effective_score_expression()
    )
    pairs = [(r.effective, r.effective_score) for r in rows]
    assert len(pairs) == 12
    assert all(sql == model for sql, model in pairs)
    assert (None, None) in pairs  # a to-mark essay stays None, not 0


@pytest.mark.parametrize(
    ("score", "marks", "band"),
    [
        (0, 10, 0),
        (1, 10, 0),
        (2, 10, 1),
        (5, 10, 2),
        (7, 10, 3),
        (8, 10, 4),
        (10, 10, 4),
        (0, 0, None),
    ],
)
def test_band_of(score, marks, band):
    assert dashboards.band_of(score, marks) == band


def test_totals_percentage_leaves_out_to_mark():
    assert Totals(score=5, out_of=10, to_mark=1, marked_out_of=6).percentage == 83.3
    assert Totals(score=0, out_of=4, to_mark=2, marked_out_of=0).percentage is None


def test_counted_attempt_is_the_latest_submitted():
    def ref(pk, number, status):
        return dashboards.AttemptRef(pk, 1, 9, number, status, T0, None, False, None)

    rows = [ref(10, 1, "submitted"), ref(11, 2, "submitted"), ref(12, 3, "in_progress")]
    counted = dashboards.counted_attempts(rows)[(1, 9)]
    assert (counted.attempt.pk, counted.first_pk, counted.attempts) == (11, 10, 3)


# --- class overview -----------------------------------------------------------------------


def test_class_overview_statuses_and_percentages(classroom, paper, cast):
    overview = dashboards.class_overview(classroom=classroom)
    assert [c.assignment for c in overview.columns] == [paper.assignment]
    cells = {row.student.username: row.cells[0] for row in overview.rows}
    assert [row.student.name for row in overview.rows] == [
        "Ann Archer",
        "Ben Baker",
        "Cat Cole",
        "Dan Dorsey",
    ]
    assert (cells["ann"].status, cells["ann"].totals) == (Status.SUBMITTED, Totals(12, 18, 0, 18))
    assert cells["ann"].percentage == 66.7
    # Ben's essay waits for a mark: 4 of the 6 marks given, never 4 of 18.
    assert (cells["ben"].status, cells["ben"].late) == (Status.TO_MARK, True)
    assert cells["ben"].totals == Totals(score=4, out_of=18, to_mark=1, marked_out_of=6)
    assert cells["ben"].percentage == 66.7
    assert (cells["cat"].status, cells["cat"].totals) == (Status.IN_PROGRESS, None)
    assert (cells["dan"].status, cells["dan"].totals) == (Status.NOT_STARTED, None)
    column = overview.columns[0]
    assert (column.mean_percentage, column.to_mark, column.submitted) == (66.7, 1, 2)


def test_class_overview_shows_returned_and_late(classroom, paper, cast):
    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=T0)
    overview = dashboards.class_overview(classroom=classroom)
    statuses = {row.student.username: row.cells[0].status for row in overview.rows}
    assert statuses == {
        "ann": Status.RETURNED,
        "ben": Status.RETURNED,
        "cat": Status.IN_PROGRESS,
        "dan": Status.NOT_STARTED,
    }


def test_overview_page_keeps_the_late_marker_on_to_mark_and_returned_work(
    client_for, teacher, classroom, paper, cast
):
    url = reverse("assessments:class_overview", args=[classroom.pk])
    late = '<span class="status status-late">late</span>'

    def ben_cell():
        html = client_for(teacher).get(url).content.decode()
        row = html.split(">Ben Baker</a></th>")[1].split("</tr>")[0]
        return row, html.split(">Ann Archer</a></th>")[1].split("</tr>")[0]

    ben, ann = ben_cell()
    assert '<span class="status status-to_mark">To mark</span> ' + late in ben
    assert late not in ann
    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=T0)
    ben, ann = ben_cell()
    assert '<span class="status status-returned">Returned</span> ' + late in ben
    assert late not in ann


def test_class_overview_counts_only_the_latest_submitted_attempt(classroom, paper, cast):
    Assignment.objects.filter(pk=paper.assignment.pk).update(attempts_allowed=3)
    submit(paper.assignment, cast["ann"], number=2, scores={paper.choice: 0, paper.grid: 0})
    submit(paper.assignment, cast["ann"], number=3, submitted=False)
    overview = dashboards.class_overview(classroom=classroom)
    ann = overview.rows[0].cells[0]
    assert (ann.status, ann.totals) == (Status.TO_MARK, Totals(0, 18, 1, 6))


def test_class_overview_hides_marks_of_anonymous_assignments(classroom, paper, cast):
    Assignment.objects.filter(pk=paper.assignment.pk).update(anonymous_marking=True)
    overview = dashboards.class_overview(classroom=classroom)
    ann = overview.rows[0].cells[0]
    assert (ann.status, ann.totals, ann.hidden) == (Status.SUBMITTED, None, True)
    assert overview.columns[0].mean_percentage is None


# --- assignment heatmap -------------------------------------------------------------------


def test_assignment_results_cells_facility_levels_and_times(classroom, paper, cast):
    results = dashboards.assignment_results(assignment=paper.assignment)
    assert [q.label for q in results.questions] == ["Q1", "Q2", "Q3"]
    rows = {row.student.username: row for row in results.rows}
    ann, ben = rows["ann"], rows["ben"]
    assert [(c.text, c.css) for c in ann.cells] == [
        ("2", "heat-4"),
        ("7", "heat-2"),
        ("3", "heat-3"),
    ]
    assert [(c.text, c.css) for c in ben.cells] == [
        ("0", "heat-0"),
        ("to mark", "heat-to-mark"),
        ("4", "heat-4"),
    ]
    assert ann.cells[1].level == 2
    assert (ann.time_text, ben.time_text, rows["cat"].time_text) == ("40 min", "20 min", "—")
    assert rows["cat"].cells == ()
    assert rows["dan"].cells == ()
    assert results.median_time == timedelta(minutes=30)
    assert results.to_mark == 1
    facility = {s.question.label: (s.facility, s.scored, s.to_mark) for s in results.stats}
    assert facility == {"Q1": (50.0, 2, 0), "Q2": (58.3, 1, 1), "Q3": (87.5, 2, 0)}
    assert results.stats[1].levels == ((0, 0), (1, 0), (2, 1), (3, 0))
    assert results.stats[0].levels == ()
    assert results.counts[Status.TO_MARK] == 1


def test_assignment_results_anonymous_numbers_by_first_attempt(classroom, paper, cast):
    Assignment.objects.filter(pk=paper.assignment.pk).update(anonymous_marking=True)
    paper.assignment.refresh_from_db()
    results = dashboards.assignment_results(assignment=paper.assignment)
    # Attempts were started Ann, Ben, Cat; Dan has none.
    assert [(r.student.name, r.student.username) for r in results.rows] == [
        ("Student 1", ""),
        ("Student 2", ""),
        ("Student 3", ""),
        ("Student 4", ""),
    ]
    assert [r.status for r in results.rows] == [
        Status.SUBMITTED,
        Status.TO_MARK,
        Status.IN_PROGRESS,
        Status.NOT_STARTED,
    ]
    paper.assignment.released_at = T0
    results = dashboards.assignment_results(assignment=paper.assignment)
    assert results.rows[0].student.name == "Ann Archer"


def test_anonymous_numbers_are_the_marking_screens(classroom, paper, cast):
    from accounts.models import Enrolment
    from assessments import selectors_marking

    leaver = student_in(classroom, "lee", "Lee", "Leaver")
    submit(paper.assignment, leaver, scores={paper.choice: 1})
    Enrolment.objects.filter(student=leaver).delete()  # started, then left the class
    submit(paper.assignment, cast["dan"], scores={paper.choice: 2})
    Assignment.objects.filter(pk=paper.assignment.pk).update(anonymous_marking=True)
    paper.assignment.refresh_from_db()
    naming = selectors_marking.naming_for(paper.assignment)
    results = dashboards.assignment_results(assignment=paper.assignment)
    shown = {row.student.pk: row.student.name for row in results.rows}
    # Lee (Student 4 in marking) has left: Dan stays Student 5, as in marking.
    assert shown == {pk: f"Student {n}" for pk, n in naming.numbers.items() if pk != leaver.pk}
    assert shown[cast["dan"].pk] == "Student 5"


# --- skills -------------------------------------------------------------------------------


@pytest.fixture
def second_paper(classroom, paper, cast):
    later = build_paper(
        classroom=classroom,
        title="War Communism",
        due_at=paper.assignment.due_at + timedelta(days=30),
    )
    submit(
        later.assignment,
        cast["ann"],
        scores={later.choice: 0, later.grid: 4},
        marks={later.essay: (12, 3, "")},
    )
    return later


def test_class_skills_per_class_and_per_student(classroom, paper, cast, second_paper):
    skills = dashboards.class_skills(classroom=classroom)
    report = skills.report
    assert [a.pk for a in report.assignments] == [paper.assignment.pk, second_paper.assignment.pk]
    by_skill = {s.skill: [p.totals for p in s.points] for s in report.series}
    assert by_skill["close_reading"] == [Totals(2, 4, 0, 4), Totals(0, 2, 0, 2)]
    assert by_skill["sourcing"] == [Totals(7, 24, 1, 12), Totals(12, 12, 0, 12)]
    assert by_skill["corroboration"] == [Totals(7, 8, 0, 8), Totals(4, 4, 0, 4)]
    assert by_skill["knowledge"] == [None, None]
    chart = report.chart_data()
    assert chart["labels"][0].startswith("Nationalities policy (")
    sourcing = next(d for d in chart["datasets"] if d["key"] == "sourcing")
    assert sourcing == {"key": "sourcing", "label": "Sourcing", "data": [58.3, 100.0]}

    ben = dashboards.class_skills(classroom=classroom, student=cast["ben"])
    assert ben.student.name == "Ben Baker"
    by_skill = {s.skill: [p.totals for p in s.points] for s in ben.report.series}
    assert by_skill["sourcing"] == [Totals(0, 12, 1, 0), None]
    assert by_skill["corroboration"] == [Totals(4, 4, 0, 4), None]


def test_student_skills_leave_out_unreleased_anonymous_work(classroom, paper, cast, second_paper):
    Assignment.objects.filter(pk=paper.assignment.pk).update(anonymous_marking=True)
    skills = dashboards.class_skills(classroom=classroom, student=cast["ann"])
    assert [a.pk for a in skills.hidden] == [paper.assignment.pk]
    assert [a.pk for a in skills.report.assignments] == [second_paper.assignment.pk]
    whole_class = dashboards.class_skills(classroom=classroom)
    assert len(whole_class.report.assignments) == 2


# --- sources ------------------------------------------------------------------------------


def test_assignment_sources_counts_citations_and_scores(classroom, paper, cast):
    ann_attempt = Attempt.objects.get(student=cast["ann"])
    Response.objects.filter(attempt=ann_attempt, question=paper.essay).update(
        citations=[
            {
                "excerpt": paper.excerpt_a.pk,
                "document": paper.excerpt_a.document_id,
                "start": 4,
                "end": 13,
            },
            {
                "excerpt": paper.excerpt_a.pk,
                "document": paper.excerpt_a.document_id,
                "start": 17,
                "end": 26,
            },
            {
                "excerpt": paper.excerpt_b.pk,
                "document": paper.excerpt_b.document_id,
                "start": 38,
                "end": 43,
            },
        ]
    )
    ben_attempt = Attempt.objects.get(student=cast["ben"])
    Response.objects.filter(attempt=ben_attempt, question=paper.grid).update(
        citations=[
            {
                "excerpt": paper.excerpt_b.pk,
                "document": paper.excerpt_b.document_id,
                "start": 38,
                "end": 43,
            }
        ]
    )
    report = dashboards.assignment_sources(assignment=paper.assignment)
    assert report.submitted == 2
    a, b = report.sources
    assert (a.labels, [q.label for q in a.questions], a.title) == (
        ("A",),
        ["Q1", "Q2"],
        "Telegram to Lenin",
    )
    assert (a.citing_students, a.citations, a.citing_share) == (1, 2, 50.0)
    # Q1 (2/2, 0/2) and Q2 (7/12, Ben's to mark).
    assert a.totals == Totals(9, 28, 1, 16)
    assert (a.cited_percentage, a.uncited_percentage) == (58.3, 50.0)
    assert (b.labels, [q.label for q in b.questions]) == (("B",), ["Q2", "Q3"])
    assert (b.citing_students, b.citations) == (2, 2)
    assert b.totals == Totals(14, 32, 1, 20)
    # Citing B: Ann's essay (7/12) and Ben's grid (4/4), 11/16; not: Ann's grid (3/4).
    assert (b.cited_percentage, b.uncited_percentage) == (68.8, 75.0)
    assert a.text == "The situation in the south is grave."


# --- a student's progress -----------------------------------------------------------------


def test_progress_before_release_shows_only_automatic_objective_marks(classroom, paper, cast):
    attempt = Attempt.objects.get(student=cast["ann"])
    Mark.objects.create(
        response=Response.objects.get(attempt=attempt, question=paper.choice),
        score=1,
        marker=classroom.owner,
        marked_at=T0,
        is_override=True,
    )
    progress = dashboards.student_progress(student=cast["ann"], viewer=cast["ann"])
    (item,) = progress.items
    assert item.visibility == Visibility.OBJECTIVE
    assert item.totals == Totals(5, 6, 0, 6)  # the automatic 2 + 3, not the override
    by_skill = {s.skill: s.points for s in progress.skills.series}
    assert by_skill["sourcing"][0].totals is None  # the essay's mark waits for the release


def test_progress_on_release_policy_shows_nothing_before_release(classroom, paper, cast):
    Assignment.objects.filter(pk=paper.assignment.pk).update(
        feedback_policy=Assignment.FeedbackPolicy.ON_RELEASE
    )
    progress = dashboards.student_progress(student=cast["ann"], viewer=cast["ann"])
    (item,) = progress.items
    assert (item.visibility, item.totals, item.status) == (Visibility.NONE, None, Status.SUBMITTED)
    assert not progress.skills.has_data


def test_progress_after_release_shows_every_mark(classroom, paper, cast):
    Attempt.objects.filter(student=cast["ben"]).update(feedback_released_at=T0)
    progress = dashboards.student_progress(student=cast["ben"], viewer=cast["ben"])
    (item,) = progress.items
    assert (item.visibility, item.status, item.late) == (Visibility.ALL, Status.RETURNED, True)
    assert item.totals == Totals(4, 18, 1, 6)


def test_progress_for_a_teacher_covers_only_their_classes(classroom, paper, cast, other_teacher):
    elsewhere = build_paper(classroom=EnrolmentFactory(student=cast["ann"]).classroom)
    submit(elsewhere.assignment, cast["ann"], scores={elsewhere.choice: 2})
    own = dashboards.student_progress(student=cast["ann"], viewer=cast["ann"])
    assert len(own.items) == 2
    teacher_view = dashboards.student_progress(student=cast["ann"], viewer=classroom.owner)
    assert [i.assignment for i in teacher_view.items] == [paper.assignment]


# --- pages --------------------------------------------------------------------------------


def _teacher_pages(classroom, assignment, student):
    return [
        reverse("assessments:class_overview", args=[classroom.pk]),
        reverse("assessments:class_skills", args=[classroom.pk]),
        reverse("assessments:student_skills", args=[classroom.pk, student.pk]),
        reverse("assessments:assignment_results", args=[assignment.pk]),
        reverse("assessments:assignment_sources", args=[assignment.pk]),
    ]


@pytest.mark.parametrize("page", range(5))
def test_dashboards_send_anonymous_to_login(client, paper, classroom, student, page):
    response = client.get(_teacher_pages(classroom, paper.assignment, student)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", range(5))
def test_dashboards_refuse_students(client_for, paper, classroom, student, page):
    response = client_for(student).get(_teacher_pages(classroom, paper.assignment, student)[page])
    assert response.status_code == 403


@pytest.mark.parametrize("page", range(5))
def test_dashboards_hide_classes_from_other_teachers(
    client_for, paper, classroom, student, other_teacher, other_student, page
):
    # other_teacher's own class has a student too: nothing of theirs may open ours.
    response = client_for(other_teacher).get(
        _teacher_pages(classroom, paper.assignment, student)[page]
    )
    assert response.status_code == 404


@pytest.mark.parametrize("page", range(5))
def test_dashboards_open_for_co_teachers_and_admins(
    client, paper, classroom, student, admin_user, page
):
    co_teacher = TeacherFactory(username="carol")
    classroom.co_teachers.add(co_teacher)
    url = _teacher_pages(classroom, paper.assignment, student)[page]
    for user in (co_teacher, admin_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["request"].user == user


def test_student_skills_404_for_a_student_of_another_class(
    client_for, classroom, teacher, other_student
):
    url = reverse("assessments:student_skills", args=[classroom.pk, other_student.pk])
    assert client_for(teacher).get(url).status_code == 404


def test_skills_picker_redirects_to_the_student(client_for, classroom, teacher, student):
    url = reverse("assessments:class_skills", args=[classroom.pk])
    response = client_for(teacher).get(url, {"student": student.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:student_skills", args=[classroom.pk, student.pk]
    )


def test_progress_permissions(client, classroom, student, other_student, other_teacher, teacher):
    url = reverse("assessments:student_progress", args=[student.pk])
    assert client.get(url).status_code == 302
    co_teacher = TeacherFactory(username="carol")
    classroom.co_teachers.add(co_teacher)
    expected = [
        (student, 200),
        (other_student, 404),
        (other_teacher, 404),
        (teacher, 200),
        (co_teacher, 200),
        (AdminFactory(username="root"), 200),
    ]
    for user, status in expected:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_my_progress_is_the_students_own(client_for, classroom, paper, cast):
    response = client_for(cast["ann"]).get(reverse("assessments:my_progress"))
    assert response.status_code == 200
    assert response.context["progress"].student == cast["ann"]
    html = response.content.decode()
    assert "Objective questions: <strong>5 / 6</strong> (83%)" in html
    assert '<script id="skills-data" type="application/json">' in html


def test_my_progress_is_not_for_teachers(client_for, teacher):
    assert client_for(teacher).get(reverse("assessments:my_progress")).status_code == 404


def test_heatmap_page_marks_to_mark_apart_from_low_marks(client_for, teacher, paper, cast):
    url = reverse("assessments:assignment_results", args=[paper.assignment.pk])
    html = client_for(teacher).get(url).content.decode()
    assert '<td class="heat heat-to-mark">to mark</td>' in html
    assert '<td class="heat heat-0">0</td>' in html
    assert '<td class="heat heat-4">2</td>' in html
    assert "Not started</td>" in html
    assert "style=" not in html  # strict CSP: no inline styles


def test_overview_page_says_to_mark_not_zero(client_for, teacher, classroom, paper, cast):
    html = (
        client_for(teacher)
        .get(reverse("assessments:class_overview", args=[classroom.pk]))
        .content.decode()
    )
    # Ben: 4 of the 6 marks given (67 %), the essay to mark; never 4 of 18.
    assert (
        '<strong>67%</strong> <span class="small text-body-secondary">4 / 18</span> '
        '<span class="small to-mark-note">+ 1 to mark</span>'
    ) in html
    assert reverse("assessments:class_export", args=[classroom.pk, "marks", "xlsx"]) in html


def test_skills_page_feeds_the_chart_through_json_script(
    client_for, teacher, classroom, paper, cast
):
    response = client_for(teacher).get(reverse("assessments:class_skills", args=[classroom.pk]))
    html = response.content.decode()
    assert '<canvas id="skills-chart" role="img" aria-label="Line chart of the class' in html
    assert 'data-testid="skills-table"' in html
    assert 'src="/static/js/charts.js" nonce="' in html
    start = html.index('<script id="skills-data" type="application/json">')
    payload = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(payload)
    assert [d["label"] for d in data["datasets"]] == [label for _, label in Skill.choices]


def test_sources_page_lists_each_excerpt(client_for, teacher, paper, cast):
    response = client_for(teacher).get(
        reverse("assessments:assignment_sources", args=[paper.assignment.pk])
    )
    assert [s.excerpt_id for s in response.context["sources"].sources] == [
        paper.excerpt_a.pk,
        paper.excerpt_b.pk,
    ]
    assert "A: Telegram to Lenin" in response.content.decode()


# --- query counts: constant in class size -------------------------------------------------


def class_of_size(classroom, paper, size):
    """`size` students: a third marked, a third with the essay to mark, a third in progress."""
    students = []
    for n in range(size):
        pupil = student_in(classroom, f"pupil{n}", f"Pupil{n}", "Test")
        students.append(pupil)
        if n % 3 == 0:
            submit(
                paper.assignment,
                pupil,
                scores={paper.choice: 2, paper.grid: 1},
                marks={paper.essay: (5, 2, "ok")},
                answers={
                    paper.essay: {
                        "citations": [
                            {"excerpt": paper.excerpt_a.pk, "document": 1, "start": 0, "end": 3}
                        ]
                    }
                },
            )
        elif n % 3 == 1:
            submit(paper.assignment, pupil, scores={paper.choice: 0, paper.grid: 4})
        else:
            submit(paper.assignment, pupil, submitted=False)
    return students


# user; loader; the sweep of expired attempts (class and assignment pages: one query when
# none); the viewer's open blind second marking (every page); then the selector's own queries
PAGES = [
    ("class_overview", 8),  # sweep, blind, assignments, students, attempts, totals
    ("class_skills", 6),  # blind, assignments, students, skill totals
    ("student_skills", 7),  # the student; blind, assignments, students, skill totals
    ("assignment_results", 9),  # sweep, blind, questions, levels, students, attempts, scores
    ("assignment_sources", 8),  # blind, questions, sources, students, attempts, responses
    ("student_progress", 6),  # the student; blind, assignments, attempts, responses
]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(("name", "queries"), PAGES)
def test_dashboard_query_counts_are_constant(
    client_for, teacher, classroom, paper, size, name, queries, django_assert_num_queries
):
    students = class_of_size(classroom, paper, size)
    if name in ("class_overview", "class_skills"):
        url = reverse(f"assessments:{name}", args=[classroom.pk])
    elif name == "student_skills":
        url = reverse("assessments:student_skills", args=[classroom.pk, students[0].pk])
    elif name == "student_progress":
        url = reverse("assessments:student_progress", args=[students[0].pk])
    else:
        url = reverse(f"assessments:{name}", args=[paper.assignment.pk])
    client = client_for(teacher)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_my_progress_query_count_is_constant(
    client_for, classroom, paper, size, django_assert_num_queries
):
    students = class_of_size(classroom, paper, size)
    for n in range(size):  # more assignments for the one student do not add queries either
        if n % 10 == 0:
            later = build_paper(classroom=classroom, title=f"Later {n}")
            submit(later.assignment, students[0], scores={later.choice: 1})
    client = client_for(students[0])
    # user; assignments, attempts, responses
    with django_assert_num_queries(4):
        response = client.get(reverse("assessments:my_progress"))
    assert response.status_code == 200


def test_pages_for_a_class_with_no_work_yet(client_for, teacher, classroom, student):
    client = client_for(teacher)
    overview = client.get(reverse("assessments:class_overview", args=[classroom.pk]))
    assert "No work has been set to this class yet." in overview.content.decode()
    skills = client.get(reverse("assessments:class_skills", args=[classroom.pk]))
    assert "No marked work yet." in skills.content.decode()
    assert "skills-data" not in skills.content.decode()  # no chart without data


@pytest.mark.parametrize(
    ("minutes", "text"), [(None, "—"), (0, "0 min"), (59, "59 min"), (65, "1 h 05 min")]
)
def test_format_duration(minutes, text):
    value = None if minutes is None else timedelta(minutes=minutes)
    assert dashboards.format_duration(value) == text


# --- blind second marking: no first marks for the second marker ----------------------------


@pytest.fixture
def blind(classroom, paper, cast):
    """Carol, a co-teacher, is asked to second-mark the essays blind (Ann's is marked 7)."""
    from assessments import services_marking

    carol = TeacherFactory(username="carol")
    classroom.co_teachers.add(carol)
    request = services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.essay,
        requested_by=classroom.owner,
        second_marker=carol,
        percent=100,
    )
    return carol, request


BLIND_REFUSAL = "You are second-marking this assignment blind; results open when you have finished."


@pytest.mark.parametrize("name", ["assignment_results", "assignment_sources"])
def test_second_marker_is_refused_the_assignment_pages_while_blind(client_for, paper, blind, name):
    carol, request = blind
    response = client_for(carol).get(reverse(f"assessments:{name}", args=[paper.assignment.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert BLIND_REFUSAL in html
    assert reverse("assessments:second_marking", args=[paper.assignment.pk, request.pk]) in html
    assert "heat-" not in html
    assert "66.7" not in html
    assert "67%" not in html


@pytest.mark.parametrize("name", ["assignment_results", "assignment_sources"])
def test_first_marker_and_a_finished_second_marker_see_the_assignment_pages(
    client_for, paper, blind, teacher, name
):
    carol, request = blind
    url = reverse(f"assessments:{name}", args=[paper.assignment.pk])
    assert client_for(teacher).get(url).status_code == 200

    request.completed_at = T0
    request.save()
    response = client_for(carol).get(url)
    assert response.status_code == 200
    assert BLIND_REFUSAL not in response.content.decode()


def test_class_overview_hides_the_blind_assignment_from_the_second_marker(
    client_for, classroom, paper, blind, teacher
):
    carol, _ = blind
    url = reverse("assessments:class_overview", args=[classroom.pk])
    response = client_for(carol).get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You are second-marking Nationalities policy blind" in html
    assert "hidden while you second-mark blind" in html
    assert "12 / 18" not in html
    assert "67%" not in html
    assert "to mark" not in html.split("</thead>")[1]
    cells = {row.student.username: row.cells[0] for row in response.context["overview"].rows}
    assert (cells["ann"].totals, cells["ann"].blind) == (None, True)
    assert cells["ben"].status == Status.LATE  # not "to mark": that tells how far marking is

    first = client_for(teacher).get(url).content.decode()
    assert "12 / 18" in first
    assert "hidden while you second-mark blind" not in first


def test_skills_leave_out_the_blind_assignment_for_the_second_marker(
    client_for, classroom, paper, blind, teacher, cast
):
    carol, _ = blind
    for url in (
        reverse("assessments:class_skills", args=[classroom.pk]),
        reverse("assessments:student_skills", args=[classroom.pk, cast["ann"].pk]),
    ):
        response = client_for(carol).get(url)
        assert response.status_code == 200
        assert not response.context["report"].has_data
        assert "second-marking it blind" in response.content.decode()
        assert client_for(teacher).get(url).context["report"].has_data


def test_student_progress_hides_released_marks_from_the_second_marker(
    client_for, paper, blind, teacher, cast
):
    carol, _ = blind
    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=T0)
    url = reverse("assessments:student_progress", args=[cast["ann"].pk])

    html = client_for(carol).get(url).content.decode()
    assert "Hidden while you second-mark it blind" in html
    assert "12 / 18" not in html

    assert "<strong>12 / 18</strong> (67%)" in client_for(teacher).get(url).content.decode()
    own = client_for(cast["ann"]).get(reverse("assessments:my_progress")).content.decode()
    assert "<strong>12 / 18</strong> (67%)" in own
