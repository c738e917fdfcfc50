"""Extra admin screens for assessments (wired in AssessmentAdmin.get_urls)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from assessments import services
from assessments.models import Assessment, QuestionSource


def assessment_preview(request, model_admin, object_id):
    """The assessment as a student sees it: sources, prompts and answer controls, read-only.

    Five queries whatever the number of questions. Outsiders get a 404.
    """
    assessment = get_object_or_404(
        Assessment.objects.editable_by(request.user).select_related("unit"), pk=object_id
    )
    questions = list(
        assessment.questions.prefetch_related(
            "choices",
            "claims",
            "levels",
            Prefetch(
                "sources",
                queryset=QuestionSource.objects.select_related("excerpt__document__collection"),
            ),
        )
    )
    problems = []
    for number, question in enumerate(questions, start=1):
        question.number = number
        question.source_labels = sorted(
            {s.label for s in question.sources.all()}
            | {label for claim in question.claims.all() for label in claim.expected}
        )
        problems += [f"Q{number}: {p}" for p in services.question_problems(question)]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Preview: {assessment.title}",
        "subtitle": None,
        "assessment": assessment,
        "original": assessment,
        "questions": questions,
        "problems": problems,
        "total_marks": sum(q.marks for q in questions),
    }
    return TemplateResponse(request, "admin/assessments/preview.html", context)
