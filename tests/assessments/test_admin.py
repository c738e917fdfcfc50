from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import (
    Assessment,
    Assignment,
    Attempt,
    Extension,
    GridClaim,
    Question,
    Response,
)
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    DocumentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    ExtensionFactory,
    GridQuestionFactory,
    MultipleChoiceQuestionFactory,
    QuestionSourceFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
)

QUESTION_INLINES = ["sources", "choices", "claims", "levels", "indicative_points", "exemplars"]


@pytest.fixture
def assessment(teacher):
    assessment = AssessmentFactory(owner=teacher, title="Nationalities policy")
    SingleChoiceQuestionFactory(assessment=assessment, position=0)
    ExtendedQuestionFactory(assessment=assessment, position=1, prompt="Assess Sources A and D.")
    return assessment


@pytest.fixture
def others_assessment(other_teacher):
    return AssessmentFactory(owner=other_teacher, title="Bob's secret quiz")


@pytest.fixture
def assignment(assessment, classroom):
    return AssignmentFactory(assessment=assessment, classroom=classroom)


@pytest.fixture
def extension(assignment, student):
    return ExtensionFactory(assignment=assignment, student=student, extra_minutes=10)


def _objects(request):
    return {
        "assessment": lambda: request.getfixturevalue("assessment"),
        "question": lambda: request.getfixturevalue("assessment").questions.last(),
        "assignment": lambda: request.getfixturevalue("assignment"),
        "extension": lambda: request.getfixturevalue("extension"),
    }


MODELS = ["assessment", "question", "assignment", "extension"]


# --- smoke tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist(admin_client, request, model):
    obj = _objects(request)[model]()
    response = admin_client.get(reverse(f"admin:assessments_{model}_changelist"))
    assert response.status_code == 200
    assert obj in list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("model", "term"),
    [
        ("assessment", "Nationalities"),
        ("question", "Sources A and D"),
        ("assignment", "12A"),
        ("extension", "sam"),
    ],
)
def test_admin_search(admin_client, request, model, term):
    obj = _objects(request)[model]()
    url = reverse(f"admin:assessments_{model}_changelist")
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    assert obj in list(response.context["cl"].result_list)
    response = admin_client.get(url, {"q": "no-such-thing-xyz"})
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("model", MODELS)
def test_admin_add_page(admin_client, model):
    response = admin_client.get(reverse(f"admin:assessments_{model}_add"))
    assert response.status_code == 200
    assert response.context["adminform"] is not None


@pytest.mark.parametrize("model", MODELS)
def test_admin_change_page(admin_client, request, model):
    obj = _objects(request)[model]()
    response = admin_client.get(reverse(f"admin:assessments_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    assert response.context["original"] == obj


# --- teachers see only their own ---------------------------------------------------------------


def test_teacher_sees_only_own_assessments(client_for, teacher, assessment, others_assessment):
    response = client_for(teacher).get(reverse("admin:assessments_assessment_changelist"))
    assert list(response.context["cl"].result_list) == [assessment]
    assert b"Bob&#x27;s secret quiz" not in response.content


def test_teacher_cannot_open_someone_elses_assessment(client_for, teacher, others_assessment):
    url = reverse("admin:assessments_assessment_change", args=[others_assessment.pk])
    response = client_for(teacher).get(url)
    assert response.status_code == 404


def test_teacher_sees_only_questions_of_own_assessments(
    client_for, teacher, assessment, others_assessment
):
    ShortAnswerQuestionFactory(assessment=others_assessment, prompt="Bob's question")
    response = client_for(teacher).get(reverse("admin:assessments_question_changelist"))
    assert set(response.context["cl"].result_list) == set(assessment.questions.all())


def test_teacher_sees_only_assignments_of_classes_taught(
    client_for, teacher, assignment, other_classroom, others_assessment
):
    AssignmentFactory(classroom=other_classroom, assessment=others_assessment)
    response = client_for(teacher).get(reverse("admin:assessments_assignment_changelist"))
    assert list(response.context["cl"].result_list) == [assignment]


def test_teacher_sees_only_extensions_of_classes_taught(
    client_for, teacher, extension, other_classroom, other_student
):
    ExtensionFactory(assignment=AssignmentFactory(classroom=other_classroom), student=other_student)
    response = client_for(teacher).get(reverse("admin:assessments_extension_changelist"))
    assert list(response.context["cl"].result_list) == [extension]


def test_teacher_assessment_choices_are_own_only(
    client_for, teacher, assessment, others_assessment
):
    response = client_for(teacher).get(reverse("admin:assessments_assignment_add"))
    form = response.context["adminform"].form
    assert list(form.fields["assessment"].queryset) == [assessment]


def test_teacher_creates_an_assessment_as_owner(client_for, teacher, other_teacher):
    response = client_for(teacher).post(
        reverse("admin:assessments_assessment_add"),
        {
            "title": "New quiz",
            "instructions": "",
            "time_limit_minutes": "",
            "owner": other_teacher.pk,  # ignored: owner is read-only for teachers
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-kind": "short_answer",
            "questions-0-prompt": "Where?",
            "questions-0-marks": "1",
            "questions-0-skill": "close_reading",
            "questions-0-position": "0",
        },
    )
    assert response.status_code == 302
    created = Assessment.objects.get(title="New quiz")
    assert created.owner == teacher
    assert [q.prompt for q in created.questions.all()] == ["Where?"]


def test_new_questions_in_the_inline_go_to_the_end(admin_client, assessment):
    first, second = assessment.questions.all()
    data = {
        "title": assessment.title,
        "instructions": "",
        "time_limit_minutes": "",
        "owner": assessment.owner_id,
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "2",
    }
    for i, q in enumerate([first, second]):
        data |= {
            f"questions-{i}-id": q.pk,
            f"questions-{i}-assessment": assessment.pk,
            f"questions-{i}-kind": q.kind,
            f"questions-{i}-prompt": q.prompt,
            f"questions-{i}-marks": q.marks,
            f"questions-{i}-skill": q.skill,
            f"questions-{i}-position": q.position,
        }
    data |= {
        "questions-2-kind": "short_answer",
        "questions-2-prompt": "A third question",
        "questions-2-marks": "1",
        "questions-2-skill": "knowledge",
        "questions-2-position": "0",
    }
    response = admin_client.post(
        reverse("admin:assessments_assessment_change", args=[assessment.pk]), data
    )
    assert response.status_code == 302
    assert [q.position for q in assessment.questions.all()] == [0, 1, 2]
    assert assessment.questions.last().prompt == "A third question"


# --- preview and duplicate ---------------------------------------------------------------------


def _preview(client, assessment):
    return client.get(reverse("admin:assessments_assessment_preview", args=[assessment.pk]))


@pytest.fixture
def every_kind(teacher):
    """An assessment with one question of each kind, sources, and a time limit."""
    assessment = AssessmentFactory(owner=teacher, title="Kronstadt 1921", time_limit_minutes=40)
    single = SingleChoiceQuestionFactory(assessment=assessment, position=0)
    multiple = MultipleChoiceQuestionFactory(assessment=assessment, position=1)
    short = ShortAnswerQuestionFactory(assessment=assessment, position=2)
    extended = ExtendedQuestionFactory(assessment=assessment, position=3, asks_for_evidence=True)
    grid = GridQuestionFactory(assessment=assessment, position=4)
    text_a = "The sailors demanded free soviets.\n\nThe Party refused."
    excerpt_a = ExcerptFactory(document=DocumentFactory(text=text_a), end=len(text_a))
    excerpt_b = ExcerptFactory()
    for question in (extended, grid):
        QuestionSourceFactory(question=question, excerpt=excerpt_a, label="A")
        QuestionSourceFactory(question=question, excerpt=excerpt_b, label="B")
    return {
        "assessment": assessment,
        "single": single,
        "multiple": multiple,
        "short": short,
        "extended": extended,
        "grid": grid,
        "excerpt_a": excerpt_a,
    }


def test_preview_renders_the_student_attempt_page(client_for, teacher, assessment):
    response = _preview(client_for(teacher), assessment)
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "assessments/student/attempt.html" in names
    assert "assessments/student/_question.html" in names
    assert "admin/assessments/preview.html" not in names
    content = response.content.decode()
    assert "Preview: this is what a student sees. Nothing you type is saved." in content
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    assert f'<a class="alert-link" href="{change}">Back to editing</a>' in content
    assert 'data-preview="true"' in content
    assert "Not ready to set" not in content


def test_preview_shows_every_kind_of_answer_control(client_for, teacher, every_kind):
    response = _preview(client_for(teacher), every_kind["assessment"])
    content = response.content.decode()
    single, multiple = every_kind["single"], every_kind["multiple"]
    short, extended, grid = every_kind["short"], every_kind["extended"], every_kind["grid"]
    choice = single.choices.get(text="Helsingfors")
    assert (
        f'type="radio" name="choices" id="choice-{single.pk}-{choice.pk}" value="{choice.pk}">'
        in content
    )
    choice = multiple.choices.get(text="Kiev")
    assert (
        f'type="checkbox" name="choices" id="choice-{multiple.pk}-{choice.pk}" value="{choice.pk}">'
        in content
    )
    assert f'<input class="form-control" type="text" id="answer-{short.pk}" name="text"' in content
    assert f'<textarea class="form-control answer-text" id="answer-{extended.pk}"' in content
    assert "Cite selected passage" in content
    claim = grid.claims.get(text="Claim 1")
    assert f'name="grid-{claim.pk}-1" id="grid-{grid.pk}-{claim.pk}-1-agree"' in content
    # The sources pane with the split view / tabs, each excerpt once.
    assert 'role="tab" id="tab-sources"' in content
    excerpt = every_kind["excerpt_a"]
    assert content.count(f'data-source-text data-excerpt="{excerpt.pk}"') == 1
    assert "The sailors demanded free soviets." in content
    # The time limit's countdown, from the full time.
    assert "Time left: <span" in content
    assert "40\xa0minutes" in content


def test_preview_saves_and_submits_nowhere(client_for, teacher, every_kind):
    content = _preview(client_for(teacher), every_kind["assessment"]).content.decode()
    assert "data-save-url" not in content
    assert "/autosave" not in content
    assert "data-auto-submit" not in content
    assert "data-review-link" not in content
    assert '<button class="btn btn-primary" type="button" disabled>Review and submit</button>' in (
        content
    )
    assert "All answers are saved" not in content
    assert "Preview: answers are not saved." in content


def test_preview_without_time_limit_has_no_countdown(client_for, teacher, assessment):
    content = _preview(client_for(teacher), assessment).content.decode()
    assert "data-countdown" not in content


def test_preview_creates_no_attempt_or_response(client_for, teacher, every_kind):
    response = _preview(client_for(teacher), every_kind["assessment"])
    assert response.status_code == 200
    assert Attempt.objects.count() == 0
    assert Response.objects.count() == 0


def test_preview_lists_problems(client_for, teacher):
    assessment = AssessmentFactory(owner=teacher)
    ExtendedQuestionFactory(assessment=assessment, levels=False)
    SingleChoiceQuestionFactory(assessment=assessment, correct=[])
    content = _preview(client_for(teacher), assessment).content.decode()
    assert "Not ready to set to a class:" in content
    assert "<li>Q1: It needs a mark scheme (levels).</li>" in content
    assert "<li>Q2: " in content


def test_preview_of_someone_elses_assessment_is_404(client_for, teacher, others_assessment):
    response = _preview(client_for(teacher), others_assessment)
    assert response.status_code == 404


def test_preview_sends_a_student_to_the_admin_login(client_for, student, assessment):
    url = reverse("admin:assessments_assessment_preview", args=[assessment.pk])
    response = client_for(student).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("count", [3, 12])
def test_preview_query_count_is_constant(client_for, teacher, count, django_assert_num_queries):
    assessment = AssessmentFactory(owner=teacher)
    kinds = [SingleChoiceQuestionFactory, ExtendedQuestionFactory, GridQuestionFactory]
    for i in range(count):
        question = kinds[i % 3](assessment=assessment, position=i)
        QuestionSourceFactory(question=question)
    client = client_for(teacher)
    with django_assert_num_queries(8):
        response = _preview(client, assessment)
    assert response.content.decode().count("data-question ") == count


def test_duplicate_action(client_for, teacher, assessment):
    response = client_for(teacher).post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "duplicate", "_selected_action": [assessment.pk]},
        follow=True,
    )
    assert "Created 1 copy: “Nationalities policy (copy)”." in response.content.decode()
    copy = Assessment.objects.get(title="Nationalities policy (copy)")
    assert copy.owner == teacher
    assert copy.questions.count() == 2


# --- question validation -------------------------------------------------------------------


def _question_post(assessment, **fields):
    data = {
        "assessment": assessment.pk,
        "position": "2",
        "kind": "single_choice",
        "prompt": "Where did Stalin speak?",
        "marks": "1",
        "skill": "close_reading",
        "accepted_answers": "",
    }
    for prefix in QUESTION_INLINES:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(fields)
    return data


def _rows(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


def test_single_choice_needs_exactly_one_correct_choice(admin_client, assessment):
    data = _question_post(
        assessment,
        **_rows(
            "choices",
            [
                {"position": 0, "text": "Petrograd"},
                {"position": 1, "text": "Helsingfors"},
            ],
        ),
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 200
    assert (
        "A single-choice question needs exactly one correct choice (it has 0)."
        in response.content.decode()
    )
    assert not Question.objects.filter(prompt="Where did Stalin speak?").exists()


def test_single_choice_with_one_correct_choice_saves(admin_client, assessment):
    data = _question_post(
        assessment,
        **_rows(
            "choices",
            [
                {"position": 0, "text": "Petrograd"},
                {"position": 1, "text": "Helsingfors", "is_correct": "on"},
            ],
        ),
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 302
    question = Question.objects.get(prompt="Where did Stalin speak?")
    assert [c.is_correct for c in question.choices.all()] == [False, True]


def test_short_answer_needs_an_accepted_answer(admin_client, assessment):
    data = _question_post(assessment, kind="short_answer")
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 200
    assert "A short-answer question needs at least one accepted answer." in (
        response.content.decode()
    )


def test_short_answer_accepted_answers_one_per_line(admin_client, assessment):
    data = _question_post(
        assessment, kind="short_answer", accepted_answers="Helsingfors\n\n  Helsinki \n"
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 302
    question = Question.objects.get(prompt="Where did Stalin speak?")
    assert question.accepted_answers == ["Helsingfors", "Helsinki"]


LEVELS = [
    {"number": 0, "low": 0, "high": 0, "descriptor": "Nothing worthy of credit."},
    {"number": 1, "low": 1, "high": 4, "descriptor": "Paraphrase."},
    {"number": 2, "low": 5, "high": 8, "descriptor": "Some evaluation."},
    {"number": 3, "low": 9, "high": 12, "descriptor": "Sustained judgement."},
]


def test_levels_must_cover_the_marks(admin_client, assessment):
    levels = [LEVELS[0], LEVELS[1], {**LEVELS[2], "high": 7}, {**LEVELS[3], "high": 10}]
    data = _question_post(assessment, kind="extended", marks="12", **_rows("levels", levels))
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "No level covers mark 8." in content
    assert "No level covers marks 11–12." in content
    assert not Question.objects.filter(prompt="Where did Stalin speak?").exists()


def test_levels_must_not_overlap(admin_client, assessment):
    levels = [LEVELS[0], LEVELS[1], {**LEVELS[2], "low": 4}, LEVELS[3]]
    data = _question_post(assessment, kind="extended", marks="12", **_rows("levels", levels))
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert escape("Level 1 (1–4) and level 2 (4–8) overlap.") in response.content.decode()


def test_valid_levels_save(admin_client, assessment):
    data = _question_post(assessment, kind="extended", marks="12", **_rows("levels", LEVELS))
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 302
    question = Question.objects.get(prompt="Where did Stalin speak?")
    assert [(lv.low, lv.high) for lv in question.levels.all()] == [
        (0, 0),
        (1, 4),
        (5, 8),
        (9, 12),
    ]


def test_levels_on_an_objective_question_are_refused(admin_client, assessment):
    data = _question_post(
        assessment,
        kind="short_answer",
        accepted_answers="x",
        **_rows("levels", LEVELS[:1]),
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert escape(
        "Only extended responses are marked with levels. Remove the levels or change the kind "
        "of question."
    ) in (response.content.decode())


def test_grid_claims_are_written_as_label_value_pairs(admin_client, assessment):
    data = _question_post(
        assessment,
        kind="grid",
        marks="2",
        **_rows(
            "claims", [{"position": 0, "text": "Trotsky led", "expected": "A: agree, B: Silent"}]
        ),
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 302
    assert GridClaim.objects.get().expected == {"A": "agree", "B": "silent"}


def test_grid_claims_with_a_bad_value(admin_client, assessment):
    data = _question_post(
        assessment,
        kind="grid",
        marks="2",
        **_rows("claims", [{"position": 0, "text": "Trotsky led", "expected": "A: maybe"}]),
    )
    response = admin_client.post(reverse("admin:assessments_question_add"), data)
    assert "maybe is not agree, disagree or silent." in response.content.decode()


def test_grid_claims_must_name_the_questions_sources(admin_client, assessment):
    question = GridQuestionFactory(assessment=assessment, claims=[])
    QuestionSourceFactory(question=question, label="A")
    data = _question_post(
        assessment,
        kind="grid",
        marks="2",
        prompt=question.prompt,
        **_rows("claims", [{"position": 0, "text": "Trotsky led", "expected": "C: agree"}]),
    )
    source = question.sources.get()
    data |= {
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-0-id": source.pk,
        "sources-0-question": question.pk,
        "sources-0-label": "A",
        "sources-0-excerpt": source.excerpt_id,
        "sources-0-position": "0",
    }
    response = admin_client.post(
        reverse("admin:assessments_question_change", args=[question.pk]), data
    )
    assert "Claim 1: no source labelled C." in response.content.decode()


# --- assignments and extensions through the services -----------------------------------------


def _split(moment):
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def _assignment_post(assessment, classroom, *, opens, due, closes):
    data = {
        "assessment": assessment.pk,
        "classroom": classroom.pk,
        "attempts_allowed": "1",
        "feedback_policy": "objective_at_once",
    }
    for name, moment in (("opens_at", opens), ("due_at", due), ("closes_at", closes)):
        data[f"{name}_0"], data[f"{name}_1"] = _split(moment)
    return data


def test_assignment_admin_add_goes_through_the_service(client_for, teacher, assessment, classroom):
    now = timezone.now().replace(microsecond=0)
    response = client_for(teacher).post(
        reverse("admin:assessments_assignment_add"),
        _assignment_post(
            assessment,
            classroom,
            opens=now,
            due=now + timedelta(days=7),
            closes=now + timedelta(days=8),
        ),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.set_by == teacher
    assert assignment.due_at == now + timedelta(days=7)


def test_assignment_admin_refuses_unordered_dates(admin_client, assessment, classroom):
    now = timezone.now()
    response = admin_client.post(
        reverse("admin:assessments_assignment_add"),
        _assignment_post(assessment, classroom, opens=now, due=now - timedelta(days=1), closes=now),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The due time must not be before the opening time." in content
    assert "Constraint" not in content
    assert not Assignment.objects.exists()


def test_assignment_admin_refuses_an_assessment_without_mark_scheme(
    admin_client, teacher, classroom
):
    assessment = AssessmentFactory(owner=teacher, title="Essay")
    ExtendedQuestionFactory(assessment=assessment, levels=False)
    now = timezone.now()
    response = admin_client.post(
        reverse("admin:assessments_assignment_add"),
        _assignment_post(
            assessment,
            classroom,
            opens=now,
            due=now + timedelta(days=1),
            closes=now + timedelta(days=2),
        ),
    )
    assert escape("“Essay” cannot be set yet. Q1: It needs a mark scheme (levels).") in (
        response.content.decode()
    )


def test_extension_admin_add_goes_through_the_service(client_for, teacher, assignment, student):
    response = client_for(teacher).post(
        reverse("admin:assessments_extension_add"),
        {
            "assignment": assignment.pk,
            "student": student.pk,
            "extra_minutes": "15",
            "reason": "Reader",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.student, extension.extra_minutes) == (student, 15)


def test_extension_admin_needs_a_date_or_minutes(admin_client, assignment, student):
    response = admin_client.post(
        reverse("admin:assessments_extension_add"),
        {"assignment": assignment.pk, "student": student.pk, "extra_minutes": "0"},
    )
    assert "Give a new due date, extra minutes, or both." in response.content.decode()
    assert not Extension.objects.exists()


def test_extension_admin_refuses_a_student_from_another_class(
    admin_client, assignment, other_student
):
    response = admin_client.post(
        reverse("admin:assessments_extension_add"),
        {"assignment": assignment.pk, "student": other_student.pk, "extra_minutes": "5"},
    )
    assert f"{other_student.display_name} is not in 12A History." in response.content.decode()


def test_extension_admin_delete_goes_through_the_service(admin_client, extension):
    response = admin_client.post(
        reverse("admin:assessments_extension_delete", args=[extension.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Extension.objects.exists()


def test_teacher_opens_own_question_but_not_someone_elses(
    client_for, teacher, assessment, others_assessment
):
    mine = assessment.questions.first()
    theirs = ShortAnswerQuestionFactory(assessment=others_assessment)
    client = client_for(teacher)
    response = client.get(reverse("admin:assessments_question_change", args=[mine.pk]))
    assert response.status_code == 200
    assert response.context["original"] == mine
    response = client.get(reverse("admin:assessments_question_change", args=[theirs.pk]))
    assert response.status_code == 404


def test_teacher_cannot_move_a_question_into_someone_elses_assessment(
    client_for, teacher, assessment, others_assessment
):
    data = _question_post(others_assessment, kind="short_answer", accepted_answers="x")
    response = client_for(teacher).post(reverse("admin:assessments_question_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["assessment"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not others_assessment.questions.exists()


def test_teacher_cannot_open_an_assignment_of_another_class(
    client_for, teacher, other_classroom, others_assessment
):
    theirs = AssignmentFactory(classroom=other_classroom, assessment=others_assessment)
    response = client_for(teacher).get(
        reverse("admin:assessments_assignment_change", args=[theirs.pk])
    )
    assert response.status_code == 404


def test_change_page_links_to_preview_and_set(admin_client, assessment):
    response = admin_client.get(
        reverse("admin:assessments_assessment_change", args=[assessment.pk])
    )
    content = response.content.decode()
    preview = reverse("admin:assessments_assessment_preview", args=[assessment.pk])
    assert f'<a href="{preview}">Preview as a student</a>' in content
    assert f"/work/teach/set/?assessment={assessment.pk}" in content
