"""Results exports, read back exactly: CSV with csv, XLSX with openpyxl."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessments import exports
from assessments.models import Assignment, Choice, GridClaim
from tests.assessments.test_dashboards import T0, build_paper, class_of_size, student_in, submit
from tests.factories import AdminFactory, TeacherFactory

FORMULA = '=HYPERLINK("http://evil.example","click me")'
ESSAY = "Source A is useful because…\nSecond paragraph: “quoted”, ünïcödé."


@pytest.fixture
def paper(classroom):
    return build_paper(classroom=classroom)


@pytest.fixture
def cast(classroom, paper):
    """Zoë starts first (submitted, essay marked 0); Ann fully marked; Ben's essay is to mark;
    Cat is in progress."""
    zoe = student_in(classroom, "zoe", "Zoë", "Žukova")
    ann = student_in(classroom, "ann", "Ann", "Archer")
    ben = student_in(classroom, "ben", "Ben", "Baker")
    cat = student_in(classroom, "cat", "Cat", "Cole")
    helsingfors = Choice.objects.get(question=paper.choice, text="Helsingfors")
    claim = GridClaim.objects.filter(question=paper.grid).order_by("position").first()
    submit(
        paper.assignment,
        zoe,
        scores={paper.choice: 0, paper.grid: 2},
        marks={paper.essay: (0, 0, "")},
        minutes=50,
    )
    submit(
        paper.assignment,
        ann,
        answers={
            paper.choice: {"choices": [helsingfors.pk]},
            paper.essay: {
                "text": ESSAY,
                "citations": [
                    {
                        "excerpt": paper.excerpt_a.pk,
                        "document": paper.excerpt_a.document_id,
                        "start": 4,
                        "end": 13,
                    },
                    {
                        "excerpt": paper.excerpt_b.pk,
                        "document": paper.excerpt_b.document_id,
                        "start": 38,
                        "end": 43,
                    },
                ],
            },
            paper.grid: {"grid": {str(claim.pk): {"A": "agree", "B": "disagree"}}},
        },
        scores={paper.choice: 2, paper.grid: 3},
        marks={paper.essay: (7, 2, "Good use of provenance.\nAdd context.")},
        minutes=40,
    )
    submit(
        paper.assignment,
        ben,
        answers={paper.essay: {"text": FORMULA}},
        scores={paper.choice: 0, paper.grid: 4},
        minutes=20,
        late=True,
    )
    submit(paper.assignment, cat, submitted=False)
    return {"zoe": zoe, "ann": ann, "ben": ben, "cat": cat}


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    return sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]


def _get(client, name, pk, kind, fmt):
    return client.get(reverse(f"assessments:{name}", args=[pk, kind, fmt]))


MARKS_HEADER = [
    "Class",
    "Student",
    "Username",
    "Q1 (2)",
    "Q2 (12)",
    "Q3 (4)",
    "Total",
    "Out of",
    "Marked out of",
    "Percentage",
    "To mark",
    "Q2 level",
    "Status",
    "Submitted",
    "Late",
]


def test_assignment_marks_csv(client_for, teacher, paper, cast):
    response = _get(client_for(teacher), "assignment_export", paper.assignment.pk, "marks", "csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="12a-history-nationalities-policy-marks-{today}.csv"'
    )
    assert _csv_rows(response) == [
        MARKS_HEADER,
        ["12A History", "Ann Archer", "ann", "2", "7", "3", "12", "18", "18", "66.7", "0", "2",
         "Submitted", "2026-11-20 09:40", "no"],
        # Ben's essay is to mark: an empty cell, left out of "marked out of", counted apart.
        ["12A History", "Ben Baker", "ben", "0", "", "4", "4", "18", "6", "66.7", "1", "",
         "To mark", "2026-11-20 09:20", "yes"],
        ["12A History", "Cat Cole", "cat", "", "", "", "", "", "", "", "", "", "In progress", "",
         ""],
        # A mark of zero is a mark: 0, not empty.
        ["12A History", "Zoë Žukova", "zoe", "0", "0", "2", "2", "18", "18", "11.1", "0", "0",
         "Submitted", "2026-11-20 09:50", "no"],
    ]  # fmt: skip


def test_assignment_marks_xlsx(client_for, teacher, paper, cast):
    response = _get(client_for(teacher), "assignment_export", paper.assignment.pk, "marks", "xlsx")
    assert response["Content-Disposition"].endswith(
        "-marks-" + timezone.localdate().isoformat() + '.xlsx"'
    )
    title, rows = _xlsx_rows(response)
    assert title == "Marks"
    assert rows == [
        MARKS_HEADER,
        ["12A History", "Ann Archer", "ann", 2, 7, 3, 12, 18, 18, 66.7, 0, 2, "Submitted",
         datetime(2026, 11, 20, 9, 40), "no"],
        ["12A History", "Ben Baker", "ben", 0, None, 4, 4, 18, 6, 66.7, 1, None, "To mark",
         datetime(2026, 11, 20, 9, 20), "yes"],
        ["12A History", "Cat Cole", "cat", None, None, None, None, None, None, None, None, None,
         "In progress", None, None],
        ["12A History", "Zoë Žukova", "zoe", 0, 0, 2, 2, 18, 18, 11.1, 0, 0, "Submitted",
         datetime(2026, 11, 20, 9, 50), "no"],
    ]  # fmt: skip


RESPONSES_HEADER = exports.RESPONSE_HEADER

ANN_RESPONSES = [
    ["12A History", "Nationalities policy", "Ann Archer", "ann", 1,
     "Where was the Finnish government?", "Single choice", "Close reading", None, "Helsingfors",
     None, None, 2, 2, 0, None, "Automatic", None],
    ["12A History", "Nationalities policy", "Ann Archer", "ann", 2, "How useful is Source A?",
     "Extended response", "Sourcing", ESSAY, None, "Source A: “situation”\nSource B: “Grain”",
     2, 7, 12, 0, "Good use of provenance.\nAdd context.", "Alice Teacher",
     datetime(2026, 11, 21, 9, 0)],
    ["12A History", "Nationalities policy", "Ann Archer", "ann", 3, "Do the sources agree?",
     "Corroboration grid", "Corroboration", "Claim 1: A agree, B disagree", None, None, None, 3,
     4, 0, None, "Automatic", None],
]  # fmt: skip
BEN_RESPONSES = [
    ["12A History", "Nationalities policy", "Ben Baker", "ben", 1,
     "Where was the Finnish government?", "Single choice", "Close reading", None, None, None,
     None, 0, 2, 0, None, "Automatic", None],
    ["12A History", "Nationalities policy", "Ben Baker", "ben", 2, "How useful is Source A?",
     "Extended response", "Sourcing", FORMULA, None, None, None, None, 12, 1, None, None, None],
    ["12A History", "Nationalities policy", "Ben Baker", "ben", 3, "Do the sources agree?",
     "Corroboration grid", "Corroboration", None, None, None, None, 4, 4, 0, None, "Automatic",
     None],
]  # fmt: skip
ZOE_RESPONSES = [
    ["12A History", "Nationalities policy", "Zoë Žukova", "zoe", 1,
     "Where was the Finnish government?", "Single choice", "Close reading", None, None, None,
     None, 0, 2, 0, None, "Automatic", None],
    ["12A History", "Nationalities policy", "Zoë Žukova", "zoe", 2, "How useful is Source A?",
     "Extended response", "Sourcing", None, None, None, 0, 0, 12, 0, None, "Alice Teacher",
     datetime(2026, 11, 21, 9, 0)],
    ["12A History", "Nationalities policy", "Zoë Žukova", "zoe", 3, "Do the sources agree?",
     "Corroboration grid", "Corroboration", None, None, None, None, 2, 4, 0, None, "Automatic",
     None],
]  # fmt: skip
RESPONSES = ANN_RESPONSES + BEN_RESPONSES + ZOE_RESPONSES


def _as_csv(row):
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, str) and value.startswith("="):
            return "'" + value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # XLSX has one number type: openpyxl reads 3 back as 3.0
        return str(value)

    return [cell(v) for v in row]


def test_assignment_responses_csv(client_for, teacher, paper, cast):
    response = _get(
        client_for(teacher), "assignment_export", paper.assignment.pk, "responses", "csv"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="12a-history-nationalities-policy-responses-{today}.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0] == RESPONSES_HEADER
    assert rows[1:] == [_as_csv(row) for row in RESPONSES]
    assert rows[5][8] == "'" + FORMULA  # neutralised: a spreadsheet shows it as text


def test_assignment_responses_xlsx(client_for, teacher, paper, cast):
    response = _get(
        client_for(teacher), "assignment_export", paper.assignment.pk, "responses", "xlsx"
    )
    title, rows = _xlsx_rows(response)
    assert title == "Responses"
    assert rows == [RESPONSES_HEADER, *RESPONSES]
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(
                _get(
                    client_for(teacher),
                    "assignment_export",
                    paper.assignment.pk,
                    "responses",
                    "xlsx",
                ).streaming_content
            )
        )
    )
    formula_cell = workbook.active.cell(row=6, column=9)
    assert (formula_cell.value, formula_cell.data_type) == (FORMULA, "s")  # text, not a formula


def _book_header(*titles):
    header = ["Class", "Student", "Username"]
    for title in titles:
        header += [f"{title}: {name}" for name in (
            "Q1 (2)", "Q2 (12)", "Q3 (4)", "total", "out of", "marked out of", "percentage",
            "to mark", "Q2 level", "status", "submitted", "late",
        )]  # fmt: skip
    return header


NOT_SUBMITTED = [None] * 9  # 3 questions, 5 totals, 1 level


def test_class_marks_csv_and_xlsx(client_for, teacher, classroom, paper, cast):
    prefix = f"Nationalities policy ({paper.assignment.due_at:%Y-%m-%d})"
    expected = [
        _book_header(prefix),
        ["12A History", "Ann Archer", "ann", 2, 7, 3, 12, 18, 18, 66.7, 0, 2, "Submitted",
         datetime(2026, 11, 20, 9, 40), "no"],
        # Ben's essay is to mark: an empty cell, never 0; late, whatever the status says.
        ["12A History", "Ben Baker", "ben", 0, None, 4, 4, 18, 6, 66.7, 1, None, "To mark",
         datetime(2026, 11, 20, 9, 20), "yes"],
        ["12A History", "Cat Cole", "cat", *NOT_SUBMITTED, "In progress", None, None],
        ["12A History", "Zoë Žukova", "zoe", 0, 0, 2, 2, 18, 18, 11.1, 0, 0, "Submitted",
         datetime(2026, 11, 20, 9, 50), "no"],
    ]  # fmt: skip
    client = client_for(teacher)
    response = _get(client, "class_export", classroom.pk, "marks", "csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="12a-history-all-assessments-marks-{today}.csv"'
    )
    assert _csv_rows(response) == [_as_csv(row) for row in expected]
    assert _xlsx_rows(_get(client, "class_export", classroom.pk, "marks", "xlsx")) == (
        "Marks",
        expected,
    )


def test_class_marks_group_each_assignments_columns_and_keep_late_once_returned(
    client_for, teacher, classroom, paper, cast
):
    later = build_paper(
        classroom=classroom, title="War Communism", due_at=paper.assignment.due_at + timedelta(9)
    )
    submit(
        later.assignment,
        cast["ann"],
        scores={later.choice: 1, later.grid: 0},
        marks={later.essay: (10, 3, "")},
        late=True,
        started_at=T0 + timedelta(days=2),
    )
    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=T0 + timedelta(days=3))
    header = _book_header(
        f"Nationalities policy ({paper.assignment.due_at:%Y-%m-%d})",
        f"War Communism ({later.assignment.due_at:%Y-%m-%d})",
    )
    client = client_for(teacher)

    _, rows = _xlsx_rows(_get(client, "class_export", classroom.pk, "marks", "xlsx"))
    csv_rows = _csv_rows(_get(client, "class_export", classroom.pk, "marks", "csv"))

    assert rows[0] == header
    assert rows[1] == [
        "12A History", "Ann Archer", "ann",
        2, 7, 3, 12, 18, 18, 66.7, 0, 2, "Returned", datetime(2026, 11, 20, 9, 40), "no",
        1, 10, 0, 11, 18, 18, 61.1, 0, 3, "Submitted late", datetime(2026, 11, 22, 9, 30), "yes",
    ]  # fmt: skip
    # Ben's work is returned, and still flagged late; he did not start the second assignment.
    assert rows[2] == [
        "12A History", "Ben Baker", "ben",
        0, None, 4, 4, 18, 6, 66.7, 1, None, "Returned", datetime(2026, 11, 20, 9, 20), "yes",
        *NOT_SUBMITTED, "Not started", None, None,
    ]  # fmt: skip
    assert csv_rows[2][12:15] == ["Returned", "2026-11-20 09:20", "yes"]
    assert csv_rows == [_as_csv(row) for row in rows]


def test_class_responses_cover_every_assignment_in_due_order(
    client_for, teacher, classroom, paper, cast
):
    later = build_paper(
        classroom=classroom,
        title="War Communism",
        due_at=paper.assignment.due_at + timedelta(days=9),
    )
    submit(later.assignment, cast["ann"], scores={later.choice: 1, later.grid: 0})
    response = _get(client_for(teacher), "class_export", classroom.pk, "responses", "xlsx")
    _, rows = _xlsx_rows(response)
    assert rows[1:10] == RESPONSES
    assert [(r[1], r[2], r[4], r[12], r[14]) for r in rows[10:]] == [
        ("War Communism", "Ann Archer", 1, 1, 0),
        ("War Communism", "Ann Archer", 2, None, 1),
        ("War Communism", "Ann Archer", 3, 0, 0),
    ]


def test_anonymous_assignment_exports_student_numbers_until_release(
    client_for, teacher, classroom, paper, cast
):
    Assignment.objects.filter(pk=paper.assignment.pk).update(anonymous_marking=True)
    client = client_for(teacher)
    _, marks = _xlsx_rows(_get(client, "assignment_export", paper.assignment.pk, "marks", "xlsx"))
    # Numbered in the order they started: Zoë, Ann, Ben, Cat.
    assert [(r[1], r[2], r[6]) for r in marks[1:]] == [
        ("Student 1", None, 2),
        ("Student 2", None, 12),
        ("Student 3", None, 4),
        ("Student 4", None, None),
    ]
    _, answers = _xlsx_rows(
        _get(client, "assignment_export", paper.assignment.pk, "responses", "xlsx")
    )
    assert [(r[2], r[3], r[4], r[12]) for r in answers[1:]] == [
        ("Student 1", None, 1, 0),
        ("Student 1", None, 2, 0),
        ("Student 1", None, 3, 2),
        ("Student 2", None, 1, 2),
        ("Student 2", None, 2, 7),
        ("Student 2", None, 3, 3),
        ("Student 3", None, 1, 0),
        ("Student 3", None, 2, None),
        ("Student 3", None, 3, 4),
    ]
    _, book = _xlsx_rows(_get(client, "class_export", classroom.pk, "marks", "xlsx"))
    assert book[1] == ["12A History", "Ann Archer", "ann", *NOT_SUBMITTED,
                       "Submitted (anonymous)", datetime(2026, 11, 20, 9, 40), "no"]  # fmt: skip

    Assignment.objects.filter(pk=paper.assignment.pk).update(released_at=T0)
    _, marks = _xlsx_rows(_get(client, "assignment_export", paper.assignment.pk, "marks", "xlsx"))
    assert [r[1] for r in marks[1:]] == ["Ann Archer", "Ben Baker", "Cat Cole", "Zoë Žukova"]


def test_export_titles_are_neutralised_in_csv_headers(client_for, teacher, classroom):
    build_paper(classroom=classroom, title="=cmd|' /C calc'!A0")
    response = _get(client_for(teacher), "class_export", classroom.pk, "marks", "csv")
    header = _csv_rows(response)[0]
    assert header[3].startswith("'=cmd")


# --- permissions --------------------------------------------------------------------------


def _export_urls(classroom, assignment):
    return [
        reverse("assessments:assignment_export", args=[assignment.pk, "marks", "csv"]),
        reverse("assessments:assignment_export", args=[assignment.pk, "responses", "xlsx"]),
        reverse("assessments:class_export", args=[classroom.pk, "marks", "xlsx"]),
        reverse("assessments:class_export", args=[classroom.pk, "responses", "csv"]),
    ]


def test_export_permissions(client, classroom, paper, student, other_teacher, other_student):
    co_teacher = TeacherFactory(username="carol")
    classroom.co_teachers.add(co_teacher)
    for url in _export_urls(classroom, paper.assignment):
        client.logout()
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))
        for user, status in [
            (student, 403),
            (other_teacher, 404),
            (co_teacher, 200),
            (AdminFactory(username="root"), 200),
        ]:
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == status, (url, user.username)
            if response.streaming:
                b"".join(response.streaming_content)  # read it, so its temporary file closes


def test_unknown_export_kind_or_format_is_404(client_for, teacher, paper):
    client = client_for(teacher)
    base = f"/work/teach/{paper.assignment.pk}/export/"
    assert client.get(base + "marks.pdf").status_code == 404
    assert client.get(base + "grades.csv").status_code == 404


# --- query counts: constant in class size -------------------------------------------------

# user, assignment or class, sweep, open blind second marking; then the export's own queries
EXPORTS = [
    ("assignment_export", "marks", 9),  # questions, levels, students, attempts, scores
    ("assignment_export", "responses", 11),  # questions, choices, claims, sources, students,
    # attempts, responses
    ("class_export", "marks", 9),  # assignments, students, attempts, questions, scores
    ("class_export", "responses", 12),  # assignments + the 7 above
]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("name", "kind", "queries"), EXPORTS)
def test_export_query_counts_are_constant(
    client_for, teacher, classroom, paper, size, fmt, name, kind, queries, django_assert_num_queries
):
    class_of_size(classroom, paper, size)
    pk = classroom.pk if name == "class_export" else paper.assignment.pk
    client = client_for(teacher)
    with django_assert_num_queries(queries):
        response = _get(client, name, pk, kind, fmt)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert content


# --- the management command ---------------------------------------------------------------


def test_command_writes_the_same_files(tmp_path, client_for, teacher, classroom, paper, cast):
    target = tmp_path / "marks.xlsx"
    call_command(
        "export_results",
        "--assignment", str(paper.assignment.pk), "--kind", "marks", "--format", "xlsx",
        "--output", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    workbook = openpyxl.load_workbook(target)
    from_command = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    response = _get(client_for(teacher), "assignment_export", paper.assignment.pk, "marks", "xlsx")
    assert from_command == _xlsx_rows(response)[1]

    target = tmp_path / "responses.csv"
    call_command(
        "export_results",
        "--classroom", str(classroom.pk), "--kind", "responses", "--format", "csv",
        "--output", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [RESPONSES_HEADER, *(_as_csv(row) for row in RESPONSES)]


def test_command_writes_csv_to_stdout_and_defaults_the_name(
    tmp_path, monkeypatch, classroom, paper, cast
):
    out = io.StringIO()
    call_command(
        "export_results", "--assignment", str(paper.assignment.pk), "--output", "-", stdout=out
    )
    assert out.getvalue().splitlines()[0] == "\ufeff" + ",".join(MARKS_HEADER)
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    call_command("export_results", "--classroom", str(classroom.pk), "--format", "xlsx", stderr=err)
    name = f"12a-history-all-assessments-marks-{timezone.localdate().isoformat()}.xlsx"
    assert (tmp_path / name).exists()
    assert name in err.getvalue()


def test_command_refuses_unknown_ids_and_xlsx_to_stdout(paper):
    with pytest.raises(CommandError, match="No assignment with id 0"):
        call_command("export_results", "--assignment", "0")
    with pytest.raises(CommandError, match="No class with id 0"):
        call_command("export_results", "--classroom", "0")
    with pytest.raises(CommandError, match="Only CSV"):
        call_command(
            "export_results", "--assignment", str(paper.assignment.pk), "--format", "xlsx",
            "--output", "-",
        )  # fmt: skip


# --- blind second marking -----------------------------------------------------------------


@pytest.fixture
def carol(classroom, paper, cast):
    """A co-teacher asked to second-mark every essay blind (Ann's is marked 7)."""
    from assessments import services_marking

    carol = TeacherFactory(username="carol")
    classroom.co_teachers.add(carol)
    services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.essay,
        requested_by=classroom.owner,
        second_marker=carol,
        percent=100,
    )
    return carol


@pytest.mark.parametrize("kind", ["marks", "responses"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_second_marker_gets_no_assignment_export_while_blind(
    client_for, teacher, paper, carol, kind, fmt
):
    response = _get(client_for(carol), "assignment_export", paper.assignment.pk, kind, fmt)

    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert (
        "You are second-marking this assignment blind; results open when you have finished."
        in response.content.decode()
    )
    first = _get(client_for(teacher), "assignment_export", paper.assignment.pk, kind, fmt)
    assert first.status_code == 200
    assert b"".join(first.streaming_content)
    first.close()


def test_second_markers_class_exports_leave_the_first_marks_out(
    client_for, teacher, classroom, paper, cast, carol
):
    client = client_for(carol)
    _, book = _xlsx_rows(_get(client, "class_export", classroom.pk, "marks", "xlsx"))
    assert book[1] == [
        "12A History", "Ann Archer", "ann", *NOT_SUBMITTED,
        "Submitted (second-marking blind)", datetime(2026, 11, 20, 9, 40), "no",
    ]  # fmt: skip
    assert book[2][-3:] == [
        "Submitted late (second-marking blind)", datetime(2026, 11, 20, 9, 20), "yes",
    ]  # fmt: skip

    _, answers = _xlsx_rows(_get(client, "class_export", classroom.pk, "responses", "xlsx"))
    ann_essay = next(r for r in answers[1:] if r[2] == "Ann Archer" and r[4] == 2)
    assert ann_essay[8] == ESSAY  # the answer itself is what they mark
    assert ann_essay[11:] == [None, None, 12, None, None, None, None]  # level … marked at
    body = b"".join(
        _get(client, "class_export", classroom.pk, "responses", "csv").streaming_content
    )
    assert "Good use of provenance" not in body.decode()

    _, first = _xlsx_rows(
        _get(client_for(teacher), "class_export", classroom.pk, "responses", "xlsx")
    )
    assert first[1:10] == RESPONSES  # the first marker sees everything
