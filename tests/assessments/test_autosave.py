"""Autosave: the response_save service (one conditional UPDATE) and its JSON endpoint."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import cached_user
from assessments import windows
from assessments.autosave import (
    MAX_ANSWER_CHARS,
    AnswerInvalid,
    AnswerTooLong,
    AttemptClosed,
    ResponseNotFound,
    SaveConflict,
    parse_answer,
    response_save,
)
from assessments.models import Attempt, Response
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    DocumentFactory,
    ExcerptFactory,
    ExtendedQuestionFactory,
    GridQuestionFactory,
    MultipleChoiceQuestionFactory,
    QuestionSourceFactory,
    SingleChoiceQuestionFactory,
)

# DocumentFactory's text: three paragraphs; the excerpts below are the first two.
P1 = "The situation in the south is grave."
P2 = "Grain is being sent north by every train we can find."


@pytest.fixture
def paper(teacher, classroom):
    """An assessment set to `classroom`: an extended question citing Source A (paragraph 1 of
    a document), a single and a multiple choice question, and a grid over A and B."""
    assessment = AssessmentFactory(owner=teacher)
    document = DocumentFactory()
    source_a = ExcerptFactory(document=document, label="Source A")
    start_b = document.text.index(P2)
    source_b = ExcerptFactory(
        document=document, start=start_b, end=start_b + len(P2), label="Source B"
    )
    extended = ExtendedQuestionFactory(assessment=assessment, position=0, asks_for_evidence=True)
    QuestionSourceFactory(question=extended, excerpt=source_a, label="A", position=0)
    single = SingleChoiceQuestionFactory(assessment=assessment, position=1)
    multiple = MultipleChoiceQuestionFactory(assessment=assessment, position=2)
    grid = GridQuestionFactory(assessment=assessment, position=3)
    QuestionSourceFactory(question=grid, excerpt=source_a, label="A", position=0)
    QuestionSourceFactory(question=grid, excerpt=source_b, label="B", position=1)
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    return {
        "assessment": assessment,
        "assignment": assignment,
        "document": document,
        "source_a": source_a,
        "source_b": source_b,
        "extended": extended,
        "single": single,
        "multiple": multiple,
        "grid": grid,
    }


@pytest.fixture
def attempt(paper, student):
    return AttemptFactory(assignment=paper["assignment"], student=student)


def _response(attempt, question) -> Response:
    return attempt.responses.get(question=question)


def _save(student, attempt, response, **fields):
    return response_save(student=student, attempt_id=attempt.pk, response_id=response.pk, **fields)


# --- the service ---------------------------------------------------------------------------


def test_response_save_updates_text_and_bumps_the_version(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    now = timezone.now()

    saved = _save(student, attempt, response, version=0, text="Stalin is worried.", now=now)

    response.refresh_from_db()
    assert (saved.version, saved.saved_at) == (1, now)
    assert (response.text, response.version, response.saved_at) == ("Stalin is worried.", 1, now)


def test_response_save_with_a_stale_version_is_a_conflict_with_the_server_copy(
    student, attempt, paper
):
    response = _response(attempt, paper["extended"])
    _save(student, attempt, response, version=0, text="From tab B, newer.")

    with pytest.raises(SaveConflict) as caught:
        _save(student, attempt, response, version=0, text="From tab A, older.")

    response.refresh_from_db()
    assert response.text == "From tab B, newer."
    assert response.version == 1
    payload = caught.value.payload()
    assert payload["error"] == "conflict"
    assert (payload["version"], payload["text"]) == (1, "From tab B, newer.")
    assert caught.value.status == 409


def test_response_save_retry_of_a_save_that_went_through_is_not_a_conflict(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    first = _save(student, attempt, response, version=0, text="Same words.")

    again = _save(student, attempt, response, version=0, text="Same words.")

    assert again.version == first.version == 1
    response.refresh_from_db()
    assert response.version == 1


def test_response_save_refuses_a_submitted_attempt(student, attempt, paper):
    Attempt.objects.filter(pk=attempt.pk).update(
        status=Attempt.Status.SUBMITTED, submitted_at=timezone.now()
    )
    response = _response(attempt, paper["extended"])

    with pytest.raises(AttemptClosed, match="submitted"):
        _save(student, attempt, response, version=0, text="Too late.")

    response.refresh_from_db()
    assert (response.text, response.version) == ("", 0)


def test_response_save_refuses_after_the_deadline_and_grace(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    after = attempt.deadline_at + windows.GRACE + timedelta(seconds=1)

    with pytest.raises(AttemptClosed, match="Time ran out"):
        _save(student, attempt, response, version=0, text="Too late.", now=after)

    response.refresh_from_db()
    assert response.text == ""


def test_response_save_accepts_a_save_within_the_grace_period(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    just_after = attempt.deadline_at + windows.GRACE - timedelta(seconds=1)

    saved = _save(student, attempt, response, version=0, text="Just in time.", now=just_after)

    assert saved.version == 1


def test_response_save_of_another_students_response_is_not_found(
    student, other_student, attempt, paper
):
    response = _response(attempt, paper["extended"])

    with pytest.raises(ResponseNotFound):
        _save(other_student, attempt, response, version=0, text="Not mine.")

    response.refresh_from_db()
    assert response.text == ""


def test_response_save_with_a_response_of_another_attempt_is_not_found(student, attempt, paper):
    second = AssignmentFactory(
        assessment=paper["assessment"], classroom=attempt.assignment.classroom
    )
    other_attempt = AttemptFactory(assignment=second, student=student)
    response = _response(other_attempt, paper["extended"])

    with pytest.raises(ResponseNotFound):
        _save(student, attempt, response, version=0, text="Wrong pairing.")

    response.refresh_from_db()
    assert response.text == ""


def test_response_save_stores_choices_of_the_question(student, attempt, paper):
    response = _response(attempt, paper["multiple"])
    ids = sorted(paper["multiple"].choices.values_list("pk", flat=True))[:2]

    _save(student, attempt, response, version=0, choices=ids)

    response.refresh_from_db()
    assert response.choices == ids


def test_response_save_refuses_a_choice_of_another_question(student, attempt, paper):
    response = _response(attempt, paper["single"])
    foreign = paper["multiple"].choices.first().pk

    with pytest.raises(AnswerInvalid, match="does not belong"):
        _save(student, attempt, response, version=0, choices=[foreign])

    response.refresh_from_db()
    assert (response.choices, response.version) == ([], 0)


def test_response_save_refuses_two_choices_for_a_single_choice_question(student, attempt, paper):
    response = _response(attempt, paper["single"])
    ids = list(paper["single"].choices.values_list("pk", flat=True))[:2]

    with pytest.raises(AnswerInvalid):
        _save(student, attempt, response, version=0, choices=ids)


def test_response_save_stores_a_grid_of_the_questions_claims(student, attempt, paper):
    response = _response(attempt, paper["grid"])
    claim = paper["grid"].claims.first()
    grid = {str(claim.pk): {"A": "agree", "B": "silent"}}

    _save(student, attempt, response, version=0, grid=grid)

    response.refresh_from_db()
    assert response.grid == grid


def test_response_save_refuses_a_grid_claim_of_another_question(student, attempt, paper):
    other = GridQuestionFactory(assessment=AssessmentFactory())
    response = _response(attempt, paper["grid"])

    with pytest.raises(AnswerInvalid):
        _save(
            student,
            attempt,
            response,
            version=0,
            grid={str(other.claims.first().pk): {"A": "agree"}},
        )


def test_response_save_stores_a_citation_inside_the_questions_source(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    source = paper["source_a"]
    start = source.start + P1.index("south")
    citation = {
        "excerpt": source.pk,
        "document": source.document_id,
        "start": start,
        "end": start + len("south"),
    }

    _save(student, attempt, response, version=0, citations=[citation], text="It is grave.")

    response.refresh_from_db()
    assert response.citations == [citation]
    assert paper["document"].text[citation["start"] : citation["end"]] == "south"


@pytest.mark.parametrize(
    "change",
    [
        {"end": 10_000},  # runs past the excerpt
        {"start": 0, "end": 0},  # empty (caught by parse_answer)
        {"document": 0},  # another document
        {"source": "source_b"},  # an excerpt this question does not use
    ],
)
def test_response_save_refuses_a_citation_outside_the_questions_sources(
    student, attempt, paper, change
):
    response = _response(attempt, paper["extended"])
    source = paper[change.pop("source", "source_a")]
    citation = {"excerpt": source.pk, "document": source.document_id, "start": 4, "end": 13}
    citation.update(change)

    with pytest.raises(AnswerInvalid):
        _save(student, attempt, response, **parse_answer({"version": 0, "citations": [citation]}))

    response.refresh_from_db()
    assert (response.citations, response.version) == ([], 0)


def test_response_save_leaves_parts_not_sent_as_they_were(student, attempt, paper):
    response = _response(attempt, paper["extended"])
    _save(student, attempt, response, version=0, text="My essay.")
    source = paper["source_a"]

    _save(
        student,
        attempt,
        response,
        version=1,
        citations=[{"excerpt": source.pk, "document": source.document_id, "start": 0, "end": 3}],
    )

    response.refresh_from_db()
    assert (response.text, response.version, len(response.citations)) == ("My essay.", 2, 1)


def test_parse_answer_limits_the_answer_to_50000_characters():
    assert parse_answer({"version": 0, "text": "a" * MAX_ANSWER_CHARS})["text"] == (
        "a" * MAX_ANSWER_CHARS
    )
    with pytest.raises(AnswerTooLong, match="50,000"):
        parse_answer({"version": 0, "text": "a" * (MAX_ANSWER_CHARS + 1)})


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": -1},
        {"version": "one"},
        {"version": 0, "text": 5},
        {"version": 0, "choices": "1"},
        {"version": 0, "grid": {"1": {"A": "maybe"}}},
        {"version": 0, "grid": {"x": {"A": "agree"}}},
        {"version": 0, "citations": [{"excerpt": 1}]},
    ],
)
def test_parse_answer_refuses_malformed_payloads(data):
    with pytest.raises(AnswerInvalid):
        parse_answer(data)


def test_parse_answer_drops_nul_characters():
    assert parse_answer({"version": 0, "text": "a\x00b"})["text"] == "ab"


def test_response_save_is_one_update_on_the_response_row_itself(student, attempt, paper):
    """No join in the UPDATE: on PostgreSQL `WHERE id IN (SELECT …)` would not re-check the
    version after waiting for a concurrent save's row lock, and both saves would win."""
    response = _response(attempt, paper["multiple"])
    ids = list(paper["multiple"].choices.values_list("pk", flat=True))[:2]

    with CaptureQueriesContext(connection) as queries:
        _save(student, attempt, response, version=0, choices=ids)

    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert sql.startswith("UPDATE")
    assert "IN (SELECT" not in sql
    assert '"version" = 0' in sql.replace("'", "")


# --- the endpoint --------------------------------------------------------------------------


def _url(attempt, response):
    return reverse("assessments:autosave", args=[attempt.pk, response.pk])


def _post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_autosave_saves_json_and_replies_with_version_and_time(client_for, student, attempt, paper):
    response = _response(attempt, paper["extended"])

    reply = _post_json(client_for(student), _url(attempt, response), {"version": 0, "text": "Hi"})

    assert reply.status_code == 200
    body = reply.json()
    response.refresh_from_db()
    assert body == {"version": 1, "saved_at": response.saved_at.isoformat()}
    assert response.text == "Hi"


def test_autosave_accepts_a_form_body(client_for, student, attempt, paper):
    response = _response(attempt, paper["multiple"])
    ids = sorted(paper["multiple"].choices.values_list("pk", flat=True))[:2]

    reply = client_for(student).post(_url(attempt, response), {"version": "0", "choices": ids})

    assert reply.status_code == 200
    response.refresh_from_db()
    assert (response.choices, response.version) == (ids, 1)


def test_autosave_conflict_is_409_with_the_server_copy(client_for, student, attempt, paper):
    response = _response(attempt, paper["extended"])
    client = client_for(student)
    _post_json(client, _url(attempt, response), {"version": 0, "text": "Newer, from tab B."})

    reply = _post_json(client, _url(attempt, response), {"version": 0, "text": "Older, tab A."})

    assert reply.status_code == 409
    body = reply.json()
    assert (body["error"], body["version"], body["text"]) == ("conflict", 1, "Newer, from tab B.")
    assert body["saved_at"]
    response.refresh_from_db()
    assert response.text == "Newer, from tab B."


def test_autosave_on_a_closed_attempt_is_403_with_a_message(client_for, student, paper):
    attempt = AttemptFactory(assignment=paper["assignment"], student=student, submitted=True)
    response = _response(attempt, paper["extended"])

    reply = _post_json(client_for(student), _url(attempt, response), {"version": 0, "text": "x"})

    assert reply.status_code == 403
    assert reply.json()["error"] == "closed"
    assert "submitted" in reply.json()["message"]


def test_autosave_of_another_students_attempt_is_404(client_for, other_student, attempt, paper):
    response = _response(attempt, paper["extended"])

    reply = _post_json(
        client_for(other_student), _url(attempt, response), {"version": 0, "text": "x"}
    )

    assert reply.status_code == 404
    assert reply.json()["error"] == "not_found"
    response.refresh_from_db()
    assert response.text == ""


def test_autosave_refuses_anonymous_with_401(client, attempt, paper):
    response = _response(attempt, paper["extended"])

    reply = _post_json(client, _url(attempt, response), {"version": 0, "text": "x"})

    assert reply.status_code == 401
    assert reply.json()["error"] == "logged_out"


def test_autosave_refuses_teachers_with_403(client_for, teacher, attempt, paper):
    response = _response(attempt, paper["extended"])

    reply = _post_json(client_for(teacher), _url(attempt, response), {"version": 0, "text": "x"})

    assert reply.status_code == 403
    assert reply.json()["error"] == "forbidden"


def test_autosave_refuses_get(client_for, student, attempt, paper):
    response = _response(attempt, paper["extended"])

    assert client_for(student).get(_url(attempt, response)).status_code == 405


def test_autosave_too_long_is_413_with_a_message(client_for, student, attempt, paper):
    response = _response(attempt, paper["extended"])
    data = {"version": 0, "text": "a" * (MAX_ANSWER_CHARS + 1)}

    reply = _post_json(client_for(student), _url(attempt, response), data)

    assert reply.status_code == 413
    assert "50,000" in reply.json()["message"]


def test_autosave_bad_json_is_400(client_for, student, attempt, paper):
    response = _response(attempt, paper["extended"])

    reply = client_for(student).post(
        _url(attempt, response), "{not json", content_type="application/json"
    )

    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid"


def test_autosave_enforces_csrf(student, attempt, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = _response(attempt, paper["extended"])
    url = _url(attempt, response)

    refused = client.post(url, json.dumps({"version": 0, "text": "x"}), "application/json")
    client.get(attempt.get_absolute_url())  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        url,
        json.dumps({"version": 0, "text": "x"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    response.refresh_from_db()
    assert (response.text, response.version) == ("x", 1)


@pytest.mark.parametrize("kind", ["text", "citations"])
def test_autosave_costs_the_user_lookup_and_the_update(
    client_for, student, attempt, paper, django_assert_num_queries, kind
):
    response = _response(attempt, paper["extended"])
    source = paper["source_a"]
    data = {"version": 0, "text": "An answer."}
    if kind == "citations":
        data["citations"] = [
            {"excerpt": source.pk, "document": source.document_id, "start": 0, "end": 3}
        ]
    client = client_for(student)

    # Signed-cookie sessions: no session query; one for the user, one UPDATE.
    with django_assert_num_queries(2):
        first = _post_json(client, _url(attempt, response), data)
    # The process now remembers the session's user: the next save is its UPDATE alone.
    with django_assert_num_queries(1):
        second = _post_json(client, _url(attempt, response), {**data, "version": 1})

    assert (first.status_code, second.status_code) == (200, 200)
    response.refresh_from_db()
    assert response.version == 2


def test_response_save_of_text_is_one_update_on_the_response_row_itself(student, attempt, paper):
    response = _response(attempt, paper["extended"])

    with CaptureQueriesContext(connection) as queries:
        saved = _save(student, attempt, response, version=0, text="Typed.")

    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert sql.startswith("UPDATE")
    assert "IN (SELECT" not in sql
    assert saved.version == 1
    response.refresh_from_db()
    assert (response.text, response.version, response.saved_at) == ("Typed.", 1, saved.saved_at)


def _login_session(client, user):
    client.force_login(user)
    return client


def test_autosave_stops_an_old_session_within_the_cache_time_after_a_password_change(
    student, attempt, paper, monkeypatch
):
    """The documented trade-off of accounts.cached_user, and its bound."""
    response = _response(attempt, paper["extended"])
    client = _login_session(Client(), student)
    url = _url(attempt, response)
    assert _post_json(client, url, {"version": 0, "text": "One."}).status_code == 200

    student.set_password("a-new-password-entirely")
    student.save()
    clock = time.monotonic()
    monkeypatch.setattr(cached_user.time, "monotonic", lambda: clock + 1)
    assert _post_json(client, url, {"version": 1, "text": "Two."}).status_code == 200
    monkeypatch.setattr(
        cached_user.time, "monotonic", lambda: clock + cached_user.CACHE_SECONDS + 1
    )
    late = _post_json(client, url, {"version": 2, "text": "Three."})

    assert late.status_code == 401
    response.refresh_from_db()
    assert (response.text, response.version) == ("Two.", 2)


def test_autosave_cache_does_not_let_one_student_save_as_another(
    student, other_student, attempt, paper
):
    response = _response(attempt, paper["extended"])
    url = _url(attempt, response)
    mine = _login_session(Client(), student)
    theirs = _login_session(Client(), other_student)

    assert _post_json(mine, url, {"version": 0, "text": "Mine."}).status_code == 200
    assert _post_json(theirs, url, {"version": 1, "text": "Theirs."}).status_code == 404
    response.refresh_from_db()
    assert (response.text, response.version) == ("Mine.", 1)


def test_concurrent_saves_of_one_version_on_postgresql_let_one_win(
    transactional_db, student, attempt, paper
):
    """Tab A's save holds the row lock; tab B's save of the same version waits, then must
    find the version changed (a conflict) instead of overwriting A."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and READ COMMITTED re-checks are PostgreSQL's.")
    response = _response(attempt, paper["extended"])
    outcome = {}

    def tab_b():
        try:
            _save(student, attempt, response, version=0, text="From tab B.")
            outcome["b"] = "saved"
        except SaveConflict:
            outcome["b"] = "conflict"
        finally:
            connections.close_all()

    with transaction.atomic():
        _save(student, attempt, response, version=0, text="From tab A.")
        waiting = threading.Thread(target=tab_b)
        waiting.start()
        time.sleep(0.5)  # tab B is now blocked on the row lock
        assert waiting.is_alive()
    waiting.join(timeout=10)

    response.refresh_from_db()
    assert outcome == {"b": "conflict"}
    assert (response.text, response.version) == ("From tab A.", 1)
