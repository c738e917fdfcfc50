"""Marking pages for each role, the htmx save-and-next flow, anonymous marking, release, second
marking, and query counts that do not grow with the class."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services_marking
from assessments.models import Attempt, Mark, MarkChange, Response, SecondMarking
from tests.assessments.test_marking_services import (
    P1,
    make_paper,
    response_to,
    submit,
)
from tests.factories import AttemptFactory, StudentFactory, TeacherFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def paper(teacher, classroom):
    return make_paper(teacher, classroom)


@pytest.fixture
def attempt(paper, student):
    return submit(paper, student)


@pytest.fixture
def co_teacher(classroom):
    carol = TeacherFactory(username="carol", first_name="Carol", last_name="Teacher")
    classroom.co_teachers.add(carol)
    return carol


@pytest.fixture
def second(teacher, co_teacher, paper, attempt):
    """Carol is asked to second-mark Sam's answer to Q1, which Alice marked 7 with a comment."""
    response = response_to(attempt, paper.extended)
    services_marking.response_mark(
        response=response, marker=teacher, score=7, level=2, comment="Alice's private view."
    )
    return services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=1,
    )


def _pages(paper, attempt, second=None):
    a = paper.assignment.pk
    response = response_to(attempt, paper.extended).pk
    pages = [
        reverse("assessments:marking", args=[a]),
        reverse("assessments:marking", args=[a]) + "?by=student",
        reverse("assessments:marking_start", args=[a]),
        reverse("assessments:mark_response", args=[a, response]),
        reverse("assessments:second_marking_new", args=[a]),
    ]
    if second is not None:
        pages += [
            reverse("assessments:second_marking", args=[a, second.pk]),
        ]
    return pages


TEACHER_PAGES = range(5)


@pytest.mark.parametrize("page", TEACHER_PAGES)
def test_anonymous_is_sent_to_login(client, paper, attempt, page):
    response = client.get(_pages(paper, attempt)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", TEACHER_PAGES)
def test_students_are_refused(client_for, paper, attempt, student, page):
    response = client_for(student).get(_pages(paper, attempt)[page])
    assert response.status_code == 403
    assert b"Not allowed" in response.content


@pytest.mark.parametrize("page", TEACHER_PAGES)
def test_other_teacher_gets_404(client_for, other_teacher, paper, attempt, page):
    response = client_for(other_teacher).get(_pages(paper, attempt)[page])
    assert response.status_code == 404


@pytest.mark.parametrize("page", [0, 1, 3, 4])
def test_co_teacher_sees_the_marking_pages(client_for, co_teacher, paper, attempt, page):
    response = client_for(co_teacher).get(_pages(paper, attempt)[page])
    assert response.status_code == 200
    assert "Tsaritsyn telegrams" in response.content.decode()


def test_marking_start_opens_the_first_answer_to_mark(client_for, teacher, paper, attempt):
    response = client_for(teacher).get(
        reverse("assessments:marking_start", args=[paper.assignment.pk])
    )
    first = response_to(attempt, paper.extended)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:mark_response", args=[paper.assignment.pk, first.pk]
    )


def test_other_teacher_cannot_post_a_mark(client_for, other_teacher, paper, attempt):
    url = _pages(paper, attempt)[3]
    response = client_for(other_teacher).post(url, {"level": "2", "score": "7"})
    assert response.status_code == 404
    assert not Mark.objects.exists()


def test_a_response_of_another_assignment_is_404(client_for, teacher, paper, attempt, classroom):
    elsewhere = make_paper(teacher, classroom)
    foreign = submit(elsewhere, StudentFactory())
    url = reverse(
        "assessments:mark_response",
        args=[paper.assignment.pk, response_to(foreign, elsewhere.extended).pk],
    )
    assert client_for(teacher).get(url).status_code == 404


def test_an_unsubmitted_response_is_404(client_for, teacher, paper):
    from tests.factories import AttemptFactory

    attempt = AttemptFactory(assignment=paper.assignment)
    url = reverse(
        "assessments:mark_response",
        args=[paper.assignment.pk, response_to(attempt, paper.extended).pk],
    )
    assert client_for(teacher).get(url).status_code == 404


# --- the queue ------------------------------------------------------------------------------


def test_queue_shows_progress_and_what_is_still_to_mark(
    client_for, teacher, paper, attempt, student
):
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=7, level=2
    )

    html = client_for(teacher).get(_pages(paper, attempt)[0]).content.decode()

    assert "<strong>2 of 3</strong> answers marked · 1 to mark" in html
    assert "1 of 1 marked" in html  # question 1 and question 2 (automatic)
    assert "0 of 1 marked · <strong>1 to mark</strong>" in html
    assert "7 / 12 · L2" in html
    assert f"{student.display_name}" in html


def test_queue_by_student_shows_totals_with_to_mark(client_for, teacher, paper, attempt):
    services_marking.response_mark(
        response=response_to(attempt, paper.extended), marker=teacher, score=7, level=2
    )

    html = client_for(teacher).get(_pages(paper, attempt)[1]).content.decode()

    assert "8 / 19 + 1 to mark" in html
    assert "?by=student" in html


def test_anonymous_marking_hides_names_on_every_marking_page(client_for, teacher, classroom):
    paper = make_paper(teacher, classroom, anonymous=True)
    sam = StudentFactory(first_name="Samwise", last_name="Gamgee")
    attempt = submit(paper, sam)
    client = client_for(teacher)
    urls = [*_pages(paper, attempt)[:2], _pages(paper, attempt)[3]]

    for url in urls:
        html = client.get(url).content.decode()
        assert "Student 1" in html, url
        assert "Samwise" not in html, url
        assert "Gamgee" not in html, url

    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)
    assert "Samwise Gamgee" in client.get(urls[0]).content.decode()


# --- the marking screen ---------------------------------------------------------------------


def test_marking_screen_shows_question_answer_sources_and_scheme(
    client_for, teacher, paper, attempt
):
    html = client_for(teacher).get(_pages(paper, attempt)[3]).content.decode()

    assert "How <strong>useful</strong> is Source A?" in html  # markdown prompt
    assert "Stalin says the situation is &lt;b&gt;grave&lt;/b&gt;.<br>He wants grain." in html
    assert '<mark class="excerpt excerpt-start excerpt-end" id="excerpt-r' in html
    assert "Start of cited passage 1: </span>grave<span" in html
    assert P1.split("grave")[0] in html
    assert 'Level 2 <span class="text-body-secondary">(5–8 marks)</span>' in html
    assert "Level 2 descriptor." in html
    assert "It is a report from the front." in html
    assert "An exemplar at the top level." in html
    assert "Keyboard shortcuts" in html
    assert "<kbd>Ctrl</kbd>+<kbd>Enter</kbd>" in html
    assert 'src="/static/js/marking.js"' in html
    assert "<script>" not in html
    assert "style=" not in html


def test_htmx_save_returns_the_next_answer_to_mark(client_for, teacher, paper, attempt, student):
    other = submit(paper, StudentFactory(first_name="Zed", last_name="Zulu"))
    first = response_to(attempt, paper.extended)
    url = reverse("assessments:mark_response", args=[paper.assignment.pk, first.pk])

    response = client_for(teacher).post(
        url,
        {
            "level": "2",
            "score": "7",
            "comment": "Well used.",
            "save_to_bank": "on",
            "based_on": "0",
        },
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert html.strip().startswith('<div id="marking-screen"')
    following = response_to(other, paper.extended)
    assert response["HX-Push-Url"] == reverse(
        "assessments:mark_response", args=[paper.assignment.pk, following.pk]
    )
    assert "Question 1 · Zed Zulu" in html
    assert f"Saved 7 (level 2) for {student.display_name}, question 1." in html
    mark = Mark.objects.get(response=first)
    assert (mark.score, mark.level.number, mark.comment) == (7, 2, "Well used.")
    assert MarkChange.objects.count() == 1
    assert teacher.comment_bank.get().text == "Well used."
    assert "Well used." in html  # offered from the bank on the next answer


def test_htmx_save_out_of_band_shows_the_error_and_saves_nothing(
    client_for, teacher, paper, attempt
):
    url = _pages(paper, attempt)[3]

    response = client_for(teacher).post(url, {"level": "1", "score": "7"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "A level 1 answer earns marks 1–4, not 7." in html
    assert 'id="marking-screen"' in html
    assert "HX-Push-Url" not in response
    assert not Mark.objects.exists()


def test_save_without_htmx_redirects_to_the_next_answer(client_for, teacher, paper, attempt):
    url = _pages(paper, attempt)[3]

    response = client_for(teacher).post(url, {"level": "2", "score": "6"})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:mark_response",
        args=[paper.assignment.pk, response_to(attempt, paper.context).pk],
    )


def test_saving_the_last_answer_shows_all_marked(client_for, teacher, paper, attempt):
    services_marking.response_mark(
        response=response_to(attempt, paper.context), marker=teacher, score=3, level=2
    )
    url = _pages(paper, attempt)[3]

    response = client_for(teacher).post(url, {"level": "2", "score": "6"}, **HTMX)

    assert "All marked" in response.content.decode()


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(
    client_for, teacher, co_teacher, paper, attempt
):
    response = response_to(attempt, paper.extended)
    services_marking.response_mark(response=response, marker=co_teacher, score=9, level=3)
    url = _pages(paper, attempt)[3]

    reply = client_for(teacher).post(
        url, {"level": "2", "score": "6", "comment": "Mine.", "based_on": "0"}, **HTMX
    )

    html = reply.content.decode()
    assert "Carol Teacher changed this mark to 9 (level 3)" in html
    assert ">Mine.</textarea>" in html
    assert f'name="based_on" value="{MarkChange.objects.get().pk}"' in html
    assert Mark.objects.get().score == 9


def test_history_lists_every_change(client_for, teacher, paper, attempt):
    response = response_to(attempt, paper.extended)
    services_marking.response_mark(response=response, marker=teacher, score=7, level=2)
    services_marking.response_mark(
        response=response, marker=teacher, score=9, level=3, reason="Second look."
    )

    html = client_for(teacher).get(_pages(paper, attempt)[3]).content.decode()

    assert "<summary>History (2)</summary>" in html
    assert "Alice Teacher · Marked: 7 (level 2)" in html
    assert "Alice Teacher · Marked: 7 → 9 (level 2 → 3) — “Second look.”" in html


def test_objective_override_needs_a_reason_on_the_page(client_for, teacher, paper, attempt):
    url = reverse(
        "assessments:mark_response",
        args=[paper.assignment.pk, response_to(attempt, paper.single).pk],
    )
    client = client_for(teacher)
    page = client.get(url).content.decode()
    assert "Automatic mark: <strong>1 / 1</strong>" in page

    refused = client.post(url, {"score": "0", "reason": ""}, **HTMX).content.decode()
    assert "Give a reason for changing the automatic mark." in refused
    assert not Mark.objects.exists()

    client.post(url, {"score": "0", "reason": "Guessed."}, **HTMX)
    assert Mark.objects.get().override_reason == "Guessed."


def test_htmx_history_restore_gets_the_whole_page(client_for, teacher, paper, attempt):
    response = client_for(teacher).get(
        _pages(paper, attempt)[3], HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.content.decode()


def test_htmx_navigation_gets_the_partial(client_for, teacher, paper, attempt):
    response = client_for(teacher).get(_pages(paper, attempt)[3], **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="marking-screen"' in html


# --- release --------------------------------------------------------------------------------


def test_release_refused_while_to_mark_then_released_anyway(client_for, teacher, paper, attempt):
    url = reverse("assessments:feedback_release", args=[paper.assignment.pk])
    client = client_for(teacher)

    refused = client.post(url, {"scope": "all"}, follow=True).content.decode()
    assert "2 answers are still to mark" in refused
    paper.assignment.refresh_from_db()
    assert paper.assignment.released_at is None

    released = client.post(url, {"scope": "all", "anyway": "1"}, follow=True).content.decode()
    assert "Feedback is released to the whole class." in released
    paper.assignment.refresh_from_db()
    assert paper.assignment.released_at is not None


def test_release_to_ticked_students(client_for, teacher, paper, attempt, student):
    url = reverse("assessments:feedback_release", args=[paper.assignment.pk])

    page = client_for(teacher).post(
        url, {"scope": "selected", "students": [str(student.pk)], "anyway": "1"}, follow=True
    )

    assert "Feedback is released to 1 student." in page.content.decode()
    attempt.refresh_from_db()
    assert attempt.feedback_released_at is not None


def test_release_needs_post_and_a_teacher_of_the_class(client_for, other_teacher, paper, attempt):
    url = reverse("assessments:feedback_release", args=[paper.assignment.pk])
    assert client_for(other_teacher).get(url).status_code == 405
    assert client_for(other_teacher).post(url, {"scope": "all", "anyway": "1"}).status_code == 404


def test_overview_shows_who_has_opened_their_feedback(client_for, teacher, paper, attempt):
    services_marking.feedback_release(assignment=paper.assignment, released_by=teacher, anyway=True)
    services_marking.feedback_mark_viewed(attempt=attempt)

    html = client_for(teacher).get(_pages(paper, attempt)[0]).content.decode()

    assert "1 of 1 students have opened their feedback." in html
    assert ">Opened " in html


# --- second marking -------------------------------------------------------------------------


def test_second_marking_form_offers_teacher_marked_questions_and_colleagues(
    client_for, teacher, co_teacher, paper, attempt
):
    url = reverse("assessments:second_marking_new", args=[paper.assignment.pk])

    html = client_for(teacher).get(url).content.decode()

    assert f'<option value="{paper.extended.pk}">Question 1: How **useful** is Source A?' in html
    assert f'<option value="{paper.context.pk}">Question 3: Explain the context.' in html
    assert "Question 2" not in html
    assert f'<option value="{co_teacher.pk}">Carol Teacher</option>' in html
    assert "Alice Teacher</option>" not in html


def test_asking_for_second_marking(client_for, teacher, co_teacher, paper, attempt):
    url = reverse("assessments:second_marking_new", args=[paper.assignment.pk])

    response = client_for(teacher).post(
        url,
        {
            "question": paper.extended.pk,
            "second_marker": co_teacher.pk,
            "size": "100",
            "unit": "percent",
        },
    )

    request = SecondMarking.objects.get()
    assert response.status_code == 302
    assert (request.requested_by, request.second_marker, request.responses.count()) == (
        teacher,
        co_teacher,
        1,
    )


def test_second_marker_sees_a_blind_queue_and_screen(client_for, co_teacher, paper, second):
    client = client_for(co_teacher)
    queue = client.get(reverse("assessments:second_marking", args=[paper.assignment.pk, second.pk]))
    response = second.responses.get()
    screen = client.get(
        reverse("assessments:second_mark", args=[paper.assignment.pk, second.pk, response.pk])
    )

    for page in (queue, screen):
        html = page.content.decode()
        assert page.status_code == 200
        assert "Alice's private view." not in html
        assert "7 / 12" not in html
        assert "(level 2) by" not in html
    assert "Your blind mark" in screen.content.decode()
    assert "History (" not in screen.content.decode()


def test_second_mark_save_then_the_asker_sees_agreement(
    client_for, teacher, co_teacher, paper, second
):
    response = second.responses.get()
    url = reverse("assessments:second_mark", args=[paper.assignment.pk, second.pk, response.pk])
    saved = client_for(co_teacher).post(url, {"level": "3", "score": "9"}, **HTMX)
    assert "All marked" in saved.content.decode()

    html = (
        client_for(teacher)
        .get(reverse("assessments:second_marking", args=[paper.assignment.pk, second.pk]))
        .content.decode()
    )
    assert "0 of 1 (0%)" in html
    assert "2.00 marks apart on average" in html
    assert "Take 9" in html


def test_settle_from_the_comparison(client_for, teacher, co_teacher, paper, second):
    response = second.responses.get()
    services_marking.second_mark_save(
        second_marking=second, response=response, marker=co_teacher, level=3, score=9
    )
    url = reverse(
        "assessments:second_marking_settle", args=[paper.assignment.pk, second.pk, response.pk]
    )

    client_for(teacher).post(url, {"decision": "second"})

    assert Mark.objects.get(response=response).score == 9
    assert MarkChange.objects.filter(kind="settle").count() == 1


def test_while_second_marking_the_first_mark_stays_hidden(
    client_for, co_teacher, paper, attempt, second
):
    response = second.responses.get()
    client = client_for(co_teacher)

    opened = client.get(
        reverse("assessments:mark_response", args=[paper.assignment.pk, response.pk])
    )
    blind_url = reverse(
        "assessments:second_mark", args=[paper.assignment.pk, second.pk, response.pk]
    )
    assert opened.status_code == 302
    assert opened["Location"] == blind_url
    for by in ("question", "student"):
        html = client.get(
            reverse("assessments:marking", args=[paper.assignment.pk]) + f"?by={by}"
        ).content.decode()
        assert "7 / 12" not in html
        assert "hidden while you second-mark" in html or "in your blind sample" in html

    services_marking.second_mark_save(
        second_marking=second, response=response, marker=co_teacher, level=2, score=6
    )
    reopened = client.get(
        reverse("assessments:mark_response", args=[paper.assignment.pk, response.pk])
    )
    assert reopened.status_code == 200


def test_the_blind_screen_is_only_for_the_second_marker(client_for, teacher, paper, second):
    response = second.responses.get()
    url = reverse("assessments:second_mark", args=[paper.assignment.pk, second.pk, response.pk])
    assert client_for(teacher).get(url).status_code == 404


def test_other_teacher_cannot_see_second_marking(client_for, other_teacher, paper, second):
    url = reverse("assessments:second_marking", args=[paper.assignment.pk, second.pk])
    assert client_for(other_teacher).get(url).status_code == 404


def test_second_marking_list(client_for, co_teacher, second):
    html = client_for(co_teacher).get(reverse("assessments:second_marking_list")).content.decode()
    assert "Mark (blind)" in html


# --- query counts ---------------------------------------------------------------------------


def _class_of(paper, size, teacher):
    attempts = [
        submit(paper, StudentFactory(first_name=f"S{n}", last_name=f"L{n:02d}"))
        for n in range(size)
    ]
    services_marking.response_mark(
        response=response_to(attempts[0], paper.extended), marker=teacher, score=7, level=2
    )
    return attempts


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("by", ["question", "student"])
def test_queue_query_count_is_constant(
    client_for, teacher, co_teacher, paper, size, by, django_assert_num_queries
):
    attempts = _class_of(paper, size, teacher)
    services_marking.second_marking_request(
        assignment=paper.assignment,
        question=paper.extended,
        requested_by=teacher,
        second_marker=co_teacher,
        count=2,
    )
    client = client_for(teacher)
    url = reverse("assessments:marking", args=[paper.assignment.pk]) + f"?by={by}"

    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.content.decode().count('data-testid="feedback-row"') == len(attempts)


@pytest.mark.parametrize("size", [3, 30])
def test_anonymous_queue_query_count_is_constant(
    client_for, teacher, classroom, size, django_assert_num_queries
):
    paper = make_paper(teacher, classroom, anonymous=True)
    _class_of(paper, size, teacher)
    client = client_for(teacher)
    url = reverse("assessments:marking", args=[paper.assignment.pk])

    with django_assert_num_queries(7):
        client.get(url)


@pytest.mark.parametrize("size", [3, 30])
def test_marking_screen_query_count_is_constant(
    client_for, teacher, paper, size, django_assert_num_queries
):
    attempts = _class_of(paper, size, teacher)
    services_marking.comment_bank_add(owner=teacher, text="Bank.", question=paper.extended)
    url = reverse(
        "assessments:mark_response",
        args=[paper.assignment.pk, response_to(attempts[0], paper.extended).pk],
    )
    client = client_for(teacher)

    with django_assert_num_queries(15):
        response = client.get(url)

    assert f"Answer 1 of {size * 3}" in response.content.decode()


def test_queue_lists_an_attempt_whose_time_ran_out_with_its_tab_closed(
    client_for, teacher, paper, student
):
    """Nobody came back to submit it: opening the queue submits it with its saved answers."""
    started = timezone.now() - timedelta(hours=2)
    attempt = AttemptFactory(
        assignment=paper.assignment,
        student=student,
        started_at=started,
        deadline_at=started + timedelta(minutes=40),
    )
    Response.objects.filter(attempt=attempt, question=paper.extended).update(text="Saved draft.")

    page = client_for(teacher).get(reverse("assessments:marking", args=[paper.assignment.pk]))

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == attempt.deadline_at
    assert page.content.decode().count('data-testid="feedback-row"') == 1
