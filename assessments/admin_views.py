"""Extra admin screens for assessments (wired in AssessmentAdmin.get_urls)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from assessments import selectors_student, services
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import Assessment, Attempt

# Without a time limit a preview has no deadline of its own; the page still needs one.
PREVIEW_DEADLINE_WITHOUT_LIMIT = timedelta(days=1)


def assessment_preview(request, model_admin, object_id):
    """The real attempt page (templates, sources pane, answer controls, countdown) in preview
    mode: a banner, the problems that stop it being set, and nothing saved or submitted. No
    Attempt or Response row is written: the questions come with unsaved responses.

    Eight queries whatever the number of questions. Outsiders get a 404.
    """
    assessment = get_object_or_404(Assessment.objects.editable_by(request.user), pk=object_id)
    questions, sources = selectors_student.preview_questions(assessment=assessment)
    problems = [
        f"Q{q.number}: {problem}"
        for q in questions
        for problem in services.question_problems(q.question)
    ]
    now = timezone.now()
    limit = assessment.time_limit_minutes
    # Unsaved, as the responses are: it only carries what the page shows (status, deadline).
    attempt = Attempt(
        student=request.user,
        status=Attempt.Status.IN_PROGRESS,
        started_at=now,
        deadline_at=now + (timedelta(minutes=limit) if limit else PREVIEW_DEADLINE_WITHOUT_LIMIT),
    )
    context = {
        "preview": True,
        "back_url": reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        "problems": problems,
        "attempt": attempt,
        "assignment": None,
        "assessment": assessment,
        "questions": questions,
        "sources": sources,
        "editable": True,
        "time_up": False,
        "now": now,
        "show_countdown": bool(limit),
        "show_marks": False,
        "max_answer_chars": MAX_ANSWER_CHARS,
    }
    return render(request, "assessments/student/attempt.html", context)
