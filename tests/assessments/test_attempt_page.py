"""The attempt page's per-paper cache (assessments/attempt_page.py) and the content version that
keeps it fresh (assessments/content_version.py)."""

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.models import Author
from assessments import attempt_page, selectors_student
from assessments.autosave import MAX_ANSWER_CHARS
from assessments.models import Assessment
from tests.assessments.test_student_views import _assessment
from tests.factories import (
    AssignmentFactory,
    AttemptFactory,
    ShortAnswerQuestionFactory,
)


@pytest.fixture
def assignment(teacher, classroom):
    return AssignmentFactory(assessment=_assessment(teacher, questions=10), classroom=classroom)


@pytest.fixture
def answered(assignment, student):
    """An attempt with every kind of answer saved, text that needs escaping and a citation."""
    attempt = AttemptFactory(assignment=assignment, student=student)
    for r in attempt.responses.select_related("question"):
        question = r.question
        if question.kind == "extended":
            excerpt = question.sources.first().excerpt
            r.text = "A </textarea><script>alert(\"x\")</script> & 'answer'\n\nline"
            start = excerpt.start + 2
            r.citations = [
                {
                    "excerpt": excerpt.pk,
                    "document": excerpt.document_id,
                    "start": start,
                    "end": start + 9,
                }
            ]
        elif question.kind == "short_answer":
            r.text = '"><b>Tsaritsyn</b>'
        elif question.kind in ("single_choice", "multiple_choice"):
            r.choices = [question.choices.last().pk]
        elif question.kind == "grid":
            claim = question.claims.first()
            r.grid = {str(claim.pk): {"A": "agree", "B": "silent"}}
        r.version = 4
        r.saved_at = timezone.now()
        r.save()
    return attempt


def _rendered_in_full(attempt):
    """Each card and the pane as the template renders them without the cache."""
    questions, sources = selectors_student.attempt_questions(attempt=attempt)
    engine = engines["django"]
    card = engine.from_string(
        '{% load l10n %}{% localize off %}{% include "assessments/student/_question.html" %}'
        "{% endlocalize %}"
    )
    pane = engine.from_string(
        "{% load l10n %}{% localize off %}{% for source in sources %}"
        '{% include "assessments/student/_source.html" %}{% endfor %}{% endlocalize %}'
    )
    cards = [
        card.render({"q": q, "preview": False, "max_answer_chars": MAX_ANSWER_CHARS})
        for q in questions
    ]
    return cards, pane.render({"sources": sources, "editable": True})


def _page(student, attempt):
    client = Client()
    client.force_login(student)
    response = client.get(attempt.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_cached_cards_are_the_template_rendered_in_full(answered):
    cards, pane = _rendered_in_full(answered)

    cached = attempt_page.answerable_questions(attempt=answered)
    again = attempt_page.answerable_questions(attempt=answered)  # from the cache this time

    for questions, _, sources_html in (cached, again):
        assert [q.html for q in questions] == cards
        assert sources_html == pane
    html = "".join(cards)
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'value="&quot;&gt;&lt;b&gt;Tsaritsyn&lt;/b&gt;"' in html
    # Two single and two multiple choice questions (one choice each), two grids (two cells).
    assert html.count(" checked") == 2 + 2 + 2 * 2
    assert 'data-version="4"' in html
    assert "<q>" in html
    assert "\x00" not in html


def test_attempt_page_fills_in_each_students_own_answers(assignment, answered, student):
    other = AttemptFactory(assignment=assignment)

    mine = _page(student, answered)
    theirs = _page(other.student, other)

    assert "Tsaritsyn&lt;/b&gt;" in mine
    assert "Tsaritsyn&lt;/b&gt;" not in theirs
    for r in other.responses.all():
        assert reverse("assessments:autosave", args=[other.pk, r.pk]) in theirs
        assert f'data-response="{r.pk}"' in theirs
    for r in answered.responses.all():
        assert f'data-response="{r.pk}"' not in theirs
    assert 'data-version="4"' not in theirs


def _edit_prompt_in_admin(client, question, prompt):
    data = {
        "assessment": question.assessment_id,
        "position": question.position,
        "kind": question.kind,
        "prompt": prompt,
        "marks": question.marks,
        "skill": question.skill,
        "accepted_answers": "Tsaritsyn",
    }
    for prefix in ["sources", "choices", "claims", "levels", "indicative_points", "exemplars"]:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return client.post(reverse("admin:assessments_question_change", args=[question.pk]), data)


def test_a_teachers_edit_in_the_admin_shows_on_the_next_page_load(
    client_for, teacher, classroom, student
):
    assessment = _assessment(teacher, questions=2)
    question = ShortAnswerQuestionFactory(
        assessment=assessment, position=5, prompt="Which city did Stalin defend?"
    )
    attempt = AttemptFactory(
        assignment=AssignmentFactory(assessment=assessment, classroom=classroom), student=student
    )
    assert "Which city did Stalin defend?" in _page(student, attempt)
    before = Assessment.objects.get(pk=assessment.pk).content_version

    response = _edit_prompt_in_admin(client_for(teacher), question, "Which city was renamed?")

    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).content_version != before
    html = _page(student, attempt)
    assert "Which city was renamed?" in html
    assert "Which city did Stalin defend?" not in html


def _first(assessment, kind):
    return assessment.questions.filter(kind=kind).first()


EDITS = {
    "question": lambda a: _first(a, "extended"),
    "choice": lambda a: _first(a, "single_choice").choices.first(),
    "claim": lambda a: _first(a, "grid").claims.first(),
    "source label": lambda a: _first(a, "extended").sources.first(),
    "excerpt": lambda a: _first(a, "extended").sources.first().excerpt,
    "document": lambda a: _first(a, "extended").sources.first().excerpt.document,
    "collection": lambda a: _first(a, "extended").sources.first().excerpt.document.collection,
}
FIELD = {
    "question": "prompt",
    "choice": "text",
    "claim": "text",
    "source label": "label",
    "excerpt": "caption",
    "document": "display_title",
    "collection": "title",
}


@pytest.mark.parametrize("what", list(EDITS))
def test_every_change_to_what_students_see_shows_on_the_next_page_load(
    assignment, answered, student, what
):
    assessment = assignment.assessment
    _page(student, answered)
    obj = EDITS[what](assessment)
    setattr(obj, FIELD[what], "Zq edited")
    obj.save()

    html = _page(student, answered)

    assert "Zq edited" in html


def test_renaming_or_changing_authors_shows_on_the_next_page_load(assignment, answered, student):
    document = _first(assignment.assessment, "extended").sources.first().excerpt.document
    _page(student, answered)
    author = document.authors.get()  # the same author wrote every document of the paper
    author.name = "L. D. Trotsky (renamed)"
    author.save()
    shown = _page(student, answered).count("L. D. Trotsky (renamed)")
    assert shown > 1

    document.authors.add(Author.objects.create(name="K. E. Voroshilov"))
    assert "K. E. Voroshilov" in _page(student, answered)

    document.authors.remove(author)
    assert _page(student, answered).count("L. D. Trotsky (renamed)") == shown - 1


def test_deleting_a_choice_or_adding_a_question_shows_on_the_next_page_load(
    assignment, answered, student
):
    html = _page(student, answered)
    choice = _first(assignment.assessment, "single_choice").choices.first()
    shown = f'-{choice.pk}" value="{choice.pk}"'  # id="choice-<response>-<choice>"
    assert shown in html

    choice.delete()
    assert shown not in _page(student, answered)

    ShortAnswerQuestionFactory(assessment=assignment.assessment, position=99, prompt="Zq new")
    # The attempt has no response for the new question: it is shown without it, as before.
    html = _page(student, answered)
    assert "Zq new" not in html
    assert html.count("data-question ") == 10
    started_later = AttemptFactory(assignment=assignment)
    assert "Zq new" in _page(started_later.student, started_later)


def test_changes_elsewhere_leave_the_version_alone(assignment, answered, teacher):
    before = Assessment.objects.get(pk=assignment.assessment_id).content_version
    other = _assessment(teacher, questions=1)
    other.questions.first().save()
    answered.responses.update(text="typing")

    assert Assessment.objects.get(pk=assignment.assessment_id).content_version == before
