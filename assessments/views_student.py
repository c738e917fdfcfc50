"""The student's side: My work, starting, answering (autosave lives in autosave.py), submitting."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import student_required
from assessments import attempt_page, selectors_marking, selectors_student, services, windows
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import Attempt

# The page auto-submits when its countdown reaches zero; a request that says so a little early
# (clock drift between the page and the server) is still treated as the automatic submission.
AUTO_SUBMIT_TOLERANCE = windows.GRACE
# Show a ticking countdown when there is a time limit or the deadline is this close.
COUNTDOWN_WITHIN_SECONDS = 2 * 60 * 60


@student_required
def my_work(request):
    now = timezone.now()
    work = selectors_student.my_work(student=request.user, now=now)
    # The page lists every attempt in progress, so it knows whether one ran out of time: sweep
    # (and read again) only then, instead of asking the database on every visit.
    if any(
        not windows.accepts_saves(deadline_at=item.attempt.deadline_at, now=now)
        for item in work.in_progress
    ):
        services.attempts_submit_expired(student=request.user, now=now)
        work = selectors_student.my_work(student=request.user, now=now)
    return render(request, "assessments/student/my_work.html", {"work": work})


@require_POST
@student_required
def attempt_start(request, pk):
    assignment = selectors_student.get_assignment_for_student(student=request.user, pk=pk)
    try:
        attempt = services.attempt_start(assignment=assignment, student=request.user)
    except (services.WindowError, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect("assessments:my_work")
    return redirect(attempt)


@student_required
def attempt_detail(request, pk):
    attempt = selectors_student.get_attempt_for_student(student=request.user, pk=pk)
    now = timezone.now()
    in_progress = attempt.status == Attempt.Status.IN_PROGRESS
    time_up = in_progress and not windows.accepts_saves(deadline_at=attempt.deadline_at, now=now)
    cached = (
        attempt_page.answerable_questions(attempt=attempt) if in_progress and not time_up else None
    )
    if cached is not None:
        questions, sources, sources_html = cached
    else:
        questions, sources = selectors_student.attempt_questions(attempt=attempt)
        sources_html = ""
    remaining = (attempt.deadline_at - now).total_seconds()
    context = {
        "attempt": attempt,
        "assignment": attempt.assignment,
        "assessment": attempt.assignment.assessment,
        "questions": questions,
        "sources": sources,
        "sources_html": sources_html,
        "editable": in_progress and not time_up,
        "time_up": time_up,
        "now": now,
        "show_countdown": in_progress
        and (
            bool(attempt.assignment.assessment.time_limit_minutes)
            or remaining < COUNTDOWN_WITHIN_SECONDS
        ),
        "show_marks": selectors_student.objective_marks_visible(attempt=attempt),
        "max_answer_chars": MAX_ANSWER_CHARS,
    }
    if context["show_marks"]:
        # The final mark (a teacher's override included) once released, as on the feedback page.
        scores = selectors_marking.shown_scores(attempt=attempt)
        for q in questions:
            q.response.shown_score = scores.get(q.response.pk)
        objective = [q for q in questions if q.question.is_objective]
        context["objective_score"] = sum(q.response.shown_score or 0 for q in objective)
        context["objective_marks"] = sum(q.question.marks for q in objective)
    return render(request, "assessments/student/attempt.html", context)


@student_required
def attempt_submit(request, pk):
    """GET: the summary (unanswered questions). POST: submit; idempotent, so double clicks and
    retries make one submission. `auto=1` is the page's own submission when time runs out."""
    attempt = selectors_student.get_attempt_for_student(student=request.user, pk=pk)
    if request.method != "POST":
        if attempt.status != Attempt.Status.IN_PROGRESS:
            return redirect(attempt)
        questions, _ = selectors_student.attempt_questions(attempt=attempt)
        return render(
            request,
            "assessments/student/attempt_submit.html",
            {
                "attempt": attempt,
                "assessment": attempt.assignment.assessment,
                "questions": questions,
                "unanswered": [q for q in questions if not q.is_answered],
            },
        )
    if attempt.status == Attempt.Status.SUBMITTED:
        messages.info(request, "These answers were already submitted.")
        return redirect(attempt)
    now = timezone.now()
    # After the deadline nothing more can be saved, so submitting is what the automatic
    # submission would do: the saved answers, at the deadline.
    auto = now >= attempt.deadline_at - AUTO_SUBMIT_TOLERANCE and (
        request.POST.get("auto") == "1"
        or not windows.accepts_saves(deadline_at=attempt.deadline_at, now=now)
    )
    try:
        attempt = services.attempt_submit(attempt=attempt, now=now, auto=auto)
    except services.WindowError as exc:
        messages.error(request, str(exc))
        return redirect(attempt)
    when = windows.when(attempt.submitted_at)
    if attempt.auto_submitted:
        text = f"Time ran out: your saved answers were submitted at {when}."
    else:
        text = f"Your answers were submitted at {when}."
    if attempt.is_late:
        text += " They were submitted after the due time, so they are marked late."
    messages.success(request, text)
    return redirect(attempt)
