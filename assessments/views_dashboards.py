"""Results dashboards and exports for teachers; a student's progress page."""

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import Classroom, User
from accounts.permissions import get_classroom_for_teacher, teacher_required
from assessments import dashboards, exports, selectors_marking, services
from assessments.permissions import get_assignment_for_teacher

BLIND_REFUSAL = "You are second-marking this assignment blind; results open when you have finished."


def _student_of_class(classroom: Classroom, pk) -> User:
    return get_object_or_404(User.objects.filter(enrolments__classroom=classroom), pk=pk)


def _blind_refusal(request, assignment):
    """A 403 page saying why, while the user second-marks this assignment blind (its results,
    sources and exports would show them the first marks); None otherwise. One query."""
    seconds = selectors_marking.blind_requests(user=request.user, assignment=assignment)
    if not seconds:
        return None
    return render(
        request,
        "assessments/dashboards/blind.html",
        {"assignment": assignment, "seconds": seconds, "message": BLIND_REFUSAL},
        status=403,
    )


def _blind_ids(request, classroom) -> frozenset[int]:
    """The class's assignments the user second-marks blind: their marks are hidden."""
    return selectors_marking.blind_assignment_ids(user=request.user, classroom=classroom)


@teacher_required
def class_overview(request, pk):
    classroom = get_classroom_for_teacher(request.user, pk)
    services.attempts_submit_expired(classroom=classroom)  # no stale "in progress"
    overview = dashboards.class_overview(classroom=classroom, blind=_blind_ids(request, classroom))
    return render(
        request,
        "assessments/dashboards/class_overview.html",
        {
            "classroom": classroom,
            "overview": overview,
            "statuses": list(dashboards.Status),
            "rows": [(row, _overview_cells(row.cells)) for row in overview.rows],
        },
    )


def _overview_cells(cells) -> str:
    """A row's overview cells as HTML, built here like the heatmap's: 300 students × a term of
    assignments is thousands of cells, which a template loop renders several times slower."""
    return mark_safe("".join(_overview_cell(cell) for cell in cells))  # noqa: S308 - format_html


LATE_MARK = format_html(' <span class="status status-late">{}</span>', "late")
HIDDEN_BLIND = format_html(
    '<span class="d-block small text-body-secondary">{}</span>',
    "hidden while you second-mark blind",
)
HIDDEN_ANONYMOUS = format_html(
    '<span class="d-block small text-body-secondary">{}</span>', "anonymous until released"
)


def _overview_cell(cell) -> str:
    # Late stays visible beside "to mark" and "returned": the status alone would lose it.
    late = LATE_MARK if cell.late and cell.status != dashboards.Status.LATE else ""
    if cell.blind:
        detail = HIDDEN_BLIND
    elif cell.hidden:
        detail = HIDDEN_ANONYMOUS
    elif cell.totals:
        totals = cell.totals
        percentage = (
            format_html("<strong>{}%</strong>", floatformat(cell.percentage, 0))
            if cell.percentage is not None
            else "—"
        )
        to_mark = (
            format_html(' <span class="small to-mark-note">+ {} to mark</span>', totals.to_mark)
            if totals.to_mark
            else ""
        )
        detail = format_html(
            '<span class="d-block">{} <span class="small text-body-secondary">{} / {}</span>{}'
            "</span>",
            percentage,
            totals.score,
            totals.out_of,
            to_mark,
        )
    else:
        detail = ""
    return format_html(
        '<td class="overview-cell" data-status="{}"><span class="status status-{}">{}</span>{}'
        "{}</td>",
        cell.status.value,
        cell.status.value,
        cell.status.label,
        late,
        detail,
    )


@teacher_required
def class_skills(request, pk, student_pk=None):
    classroom = get_classroom_for_teacher(request.user, pk)
    if student_pk is None and request.GET.get("student", "").isdigit():
        # The student picker is a plain GET form; its choice gets its own address.
        return redirect("assessments:student_skills", classroom.pk, int(request.GET["student"]))
    student = _student_of_class(classroom, student_pk) if student_pk is not None else None
    skills = dashboards.class_skills(
        classroom=classroom, student=student, blind=_blind_ids(request, classroom)
    )
    return render(
        request,
        "assessments/dashboards/class_skills.html",
        {
            "classroom": classroom,
            "skills": skills,
            "report": skills.report,
            "chart": skills.report.chart_data(),
        },
    )


@teacher_required
def assignment_results(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    services.attempts_submit_expired(assignment=assignment)  # no stale "in progress"
    if (refusal := _blind_refusal(request, assignment)) is not None:
        return refusal
    results = dashboards.assignment_results(assignment=assignment)
    return render(
        request,
        "assessments/dashboards/assignment_results.html",
        {
            "assignment": assignment,
            "results": results,
            "rows": _heat_rows(results),
            "bands": BAND_LEGEND,
        },
    )


def _heat_rows(results) -> list[str]:
    """The heatmap's rows as HTML, built here rather than in a template loop: 300 students
    × 50 questions is 15,000 cells, which the template engine renders ten times slower."""
    colspan = len(results.questions) + 3
    return [_heat_row(row, colspan) for row in results.rows]


def _heat_row(row, colspan: int) -> str:
    head = format_html(
        '<th scope="row" class="sticky-col">{}{}</th>',
        row.student.name,
        LATE_MARK if row.late else "",
    )
    if not row.cells:
        return format_html(
            '<tr>{}<td colspan="{}" class="heat-empty">{}</td></tr>',
            head,
            colspan,
            row.status.label,
        )
    totals = row.totals
    to_mark = (
        format_html(' <span class="d-block small to-mark-note">+ {} to mark</span>', totals.to_mark)
        if totals.to_mark
        else ""
    )
    percentage = f"{floatformat(totals.percentage, 0)}%" if totals.percentage is not None else "—"
    return format_html(
        '<tr>{}{}<td class="num">{} / {}{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        head,
        _heat_cells(row.cells),
        totals.score,
        totals.out_of,
        to_mark,
        percentage,
        row.time_text,
    )


def _heat_cells(cells) -> str:
    return mark_safe(  # noqa: S308 - each piece comes from format_html
        "".join(_heat_cell(cell.score, cell.marks, cell.to_mark) for cell in cells)
    )


@lru_cache(maxsize=1024)
def _heat_cell(score, marks, to_mark) -> str:
    cell = dashboards.HeatCell(score, marks, to_mark)
    return format_html('<td class="heat {}">{}</td>', cell.css, cell.text)


BAND_LEGEND = [
    ("heat-0", "under 20 %"),
    ("heat-1", "20–39 %"),
    ("heat-2", "40–59 %"),
    ("heat-3", "60–79 %"),
    ("heat-4", "80 % and over"),
]


@teacher_required
def assignment_sources(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    if (refusal := _blind_refusal(request, assignment)) is not None:
        return refusal
    sources = dashboards.assignment_sources(assignment=assignment)
    return render(
        request,
        "assessments/dashboards/assignment_sources.html",
        {"assignment": assignment, "sources": sources},
    )


@teacher_required
def assignment_export(request, pk, kind, fmt):
    assignment = get_assignment_for_teacher(request.user, pk)
    services.attempts_submit_expired(assignment=assignment)
    if (refusal := _blind_refusal(request, assignment)) is not None:
        return refusal
    return exports.render(exports.for_assignment(assignment=assignment, kind=kind), fmt)


@teacher_required
def class_export(request, pk, kind, fmt):
    classroom = get_classroom_for_teacher(request.user, pk)
    services.attempts_submit_expired(classroom=classroom)
    export = exports.for_classroom(
        classroom=classroom, kind=kind, blind=_blind_ids(request, classroom)
    )
    return exports.render(export, fmt)


@login_required
def my_progress(request):
    if not request.user.is_student:
        raise Http404("Teachers have no progress page of their own.")
    return _progress(request, request.user)


@login_required
def student_progress(request, student_pk):
    """The student themself, their teachers (what the student sees) and superusers; 404 for
    anyone else, other students included."""
    user = request.user
    if user.pk == student_pk and user.is_student:
        student = user
    elif user.is_superuser:
        student = get_object_or_404(User, pk=student_pk, role=User.Role.STUDENT)
    elif user.is_teacher:
        student = get_object_or_404(
            User.objects.filter(
                enrolments__classroom__in=Classroom.objects.taught_by(user).values("pk")
            ).distinct(),
            pk=student_pk,
        )
    else:
        raise Http404("No such student.")
    return _progress(request, student)


def _progress(request, student):
    blind = frozenset()
    if not request.user.is_student:  # a teacher sees no marks they second-mark blind
        blind = selectors_marking.blind_assignment_ids(user=request.user)
    progress = dashboards.student_progress(student=student, viewer=request.user, blind=blind)
    return render(
        request,
        "assessments/dashboards/student_progress.html",
        {
            "progress": progress,
            "student": student,
            "own": student.pk == request.user.pk,
            "report": progress.skills,
            "chart": progress.skills.chart_data(),
        },
    )
