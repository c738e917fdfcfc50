"""Smoke tests of the load-run tooling: the reference views, the wrk plan, the saves checker.

No gunicorn, wrk or locust here: those run in `python -m bench autosave` and bench/loadtest.
"""

import json

import pytest

from bench.autosave_ratio import planned, thread_slices, wrk_script
from bench.loadtest.check import check_saves
from bench.loadtest.protocol import payload_hash
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    ExtendedQuestionFactory,
)


@pytest.fixture
def attempt(teacher, classroom, student):
    assessment = AssessmentFactory(owner=teacher)
    ExtendedQuestionFactory(assessment=assessment, position=0)
    ExtendedQuestionFactory(assessment=assessment, position=1)
    assignment = AssignmentFactory(assessment=assessment, classroom=classroom)
    return AttemptFactory(assignment=assignment, student=student)


def _post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.mark.urls("bench.urls")
def test_floor_updates_exactly_one_row_and_keeps_its_version(client, attempt):
    first, second = attempt.responses.order_by("question__position")

    reply = _post(
        client, f"/bench/floor/attempts/{attempt.pk}/responses/{first.pk}/", {"text": "Floor."}
    )

    assert reply.status_code == 200
    assert reply.json()["updated"] == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.text, first.version) == ("Floor.", 0)
    assert first.saved_at is not None
    assert (second.text, second.version, second.saved_at) == ("", 0, None)


@pytest.mark.urls("bench.urls")
def test_autosave_through_the_bench_urls_saves_once_then_refuses_the_stale_version(
    client_for, attempt, student
):
    client = client_for(student)
    response = attempt.responses.order_by("question__position").first()
    url = f"/work/attempts/{attempt.pk}/responses/{response.pk}/"

    saved = _post(client, url, {"version": 0, "text": "First draft."})
    stale = _post(client, url, {"version": 0, "text": "Other tab."})

    assert saved.status_code == 200
    assert saved.json()["version"] == 1
    assert stale.status_code == 409
    assert stale.json()["text"] == "First draft."
    response.refresh_from_db()
    assert (response.text, response.version) == ("First draft.", 1)


def test_wrk_plan_kth_request_uses_version_k_div_n():
    n = 7

    plan = [planned(k, n) for k in range(3 * n)]

    assert plan[:n] == [(i, 0) for i in range(n)]
    assert plan[n : 2 * n] == [(i, 1) for i in range(n)]
    assert plan[-1] == (n - 1, 2)


def test_wrk_threads_own_disjoint_responses_covering_all():
    slices = thread_slices(10, 3)

    assert slices == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]


def test_wrk_script_embeds_targets_in_order_and_the_version_formula():
    script = wrk_script(
        targets=[(11, 101, 0), (11, 102, 0), (12, 201, 1)],
        cookies=["sessionid=a; csrftoken=t", "sessionid=b; csrftoken=t"],
        csrf="t",
        path="/work/attempts/%d/responses/%d/",
        threads=2,
    )

    assert "local attempts = {11, 11, 12}" in script
    assert "local responses = {101, 102, 201}" in script
    assert "local owners = {1, 1, 2}" in script
    assert "local i = slice[(counter % n) + 1]" in script
    assert "local version = math.floor(counter / n)" in script
    assert "for i = thread_id, #responses - 1, thread_count do" in script
    assert 'return wrk.format("GET", "/bench/ping/")' in script  # wrk's probe call


def test_wrk_script_refuses_text_that_would_need_escaping():
    with pytest.raises(ValueError, match="escaping"):
        wrk_script(targets=[(1, 2, 0)], cookies=["c"], csrf="t", path="/%d/%d/", threads=1,
                   text='He said "no"')  # fmt: skip


def _ack(rid, version, text):
    return {"e": "ack", "r": rid, "v": version, "h": payload_hash("text", text), "f": "text"}


def _send(rid, base, text):
    return {"e": "send", "r": rid, "b": base, "h": payload_hash("text", text)}


def _row(version, text):
    return {"version": version, "text": text, "choices": [], "grid": {}}


def test_checker_passes_when_every_acknowledged_save_is_stored():
    events = [_send(1, 0, "a"), _ack(1, 1, "a"), _send(1, 1, "ab"), _ack(1, 2, "ab")]

    report = check_saves(events, {1: _row(2, "ab")})

    assert report.ok
    assert (report.acknowledged_saves, report.responses_checked) == (2, 1)


def test_checker_detects_a_lost_save():
    events = [_send(1, 0, "a"), _ack(1, 1, "a"), _send(1, 1, "ab"), _ack(1, 2, "ab")]

    report = check_saves(events, {1: _row(1, "a")})

    assert report.problems == ["response 1: LOST, version 2 was acknowledged, the database has 1"]


def test_checker_detects_an_overwritten_save():
    report = check_saves([_send(1, 0, "a"), _ack(1, 1, "a")], {1: _row(1, "someone else")})

    assert report.problems == [
        "response 1: OVERWRITTEN, version 1 holds other content than was acknowledged"
    ]


def test_checker_accepts_a_save_whose_reply_was_lost():
    events = [_send(1, 0, "a"), _ack(1, 1, "a"), _send(1, 1, "ab")]  # no reply: app restarted

    report = check_saves(events, {1: _row(2, "ab")})

    assert report.ok
    assert report.replies_lost_but_saved == 1


def test_checker_flags_content_nobody_sent():
    report = check_saves([_send(1, 0, "a"), _ack(1, 1, "a")], {1: _row(2, "zzz")})

    assert report.problems == [
        "response 1: UNKNOWN, version 2 after acknowledged 1 holds content the client never sent"
    ]


def test_checker_compares_choices_by_their_stored_value():
    ack = {"e": "ack", "r": 5, "v": 1, "h": payload_hash("choices", [3, 9]), "f": "choices"}

    good = check_saves([ack], {5: {"version": 1, "text": "", "choices": [3, 9], "grid": {}}})
    bad = check_saves([ack], {5: {"version": 1, "text": "", "choices": [3], "grid": {}}})

    assert good.ok
    assert not bad.ok
