"""Deadline arithmetic, without a database: plain objects stand in for the models."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from assessments import windows
from assessments.windows import Window

OPENS = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _assignment(time_limit=None, extensions=()):
    return SimpleNamespace(
        opens_at=OPENS,
        due_at=DUE,
        closes_at=CLOSES,
        assessment=SimpleNamespace(time_limit_minutes=time_limit),
        extensions=SimpleNamespace(all=lambda: list(extensions)),
    )


def _extension(due_at=None, extra_minutes=0, student_id=1):
    return SimpleNamespace(due_at=due_at, extra_minutes=extra_minutes, student_id=student_id)


STUDENT = SimpleNamespace(pk=1)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (OPENS - timedelta(seconds=1), Window.NOT_OPEN),
        (OPENS, Window.OPEN),
        (DUE + timedelta(hours=1), Window.OPEN),  # late but open
        (CLOSES, Window.OPEN),
        (CLOSES + timedelta(seconds=1), Window.CLOSED),
    ],
)
def test_window_state(now, state):
    assert windows.window_state(opens_at=OPENS, close_at=CLOSES, now=now) == state


def test_effective_due_and_close_without_extension():
    assignment = _assignment()
    assert windows.effective_due(assignment=assignment, student=STUDENT) == DUE
    assert windows.effective_close(assignment=assignment, student=STUDENT) == CLOSES


def test_late_after_the_due_time():
    assert windows.is_late(submitted_at=DUE + timedelta(seconds=1), due_at=DUE)
    assert not windows.is_late(submitted_at=DUE, due_at=DUE)


def test_extension_before_the_close_moves_due_not_close():
    extension = _extension(due_at=DUE + timedelta(hours=12))
    assignment = _assignment(extensions=[extension])
    assert windows.effective_due(assignment=assignment, student=STUDENT) == DUE + timedelta(
        hours=12
    )
    assert windows.effective_close(assignment=assignment, student=STUDENT) == CLOSES


def test_extension_beyond_the_close_time_extends_the_close_too():
    later = CLOSES + timedelta(days=3)
    assignment = _assignment(extensions=[_extension(due_at=later)])
    assert windows.effective_due(assignment=assignment, student=STUDENT) == later
    assert windows.effective_close(assignment=assignment, student=STUDENT) == later
    assert (
        windows.effective_deadline(assignment=assignment, student=STUDENT, started_at=later)
        == later
    )


def test_an_earlier_extension_date_never_shortens_the_due_time():
    extension = _extension(due_at=DUE - timedelta(days=1))
    assert windows.due_for(due_at=DUE, extension=extension) == DUE


def test_another_students_extension_does_not_apply():
    assignment = _assignment(
        extensions=[_extension(due_at=CLOSES + timedelta(days=3), student_id=2)]
    )
    assert windows.effective_close(assignment=assignment, student=STUDENT) == CLOSES


def test_explicit_extension_skips_the_lookup():
    assignment = _assignment(extensions=[_extension(due_at=CLOSES + timedelta(days=3))])
    assert windows.effective_close(assignment=assignment, student=STUDENT, extension=None) == CLOSES


def test_deadline_without_time_limit_is_the_close():
    started = OPENS + timedelta(hours=1)
    assignment = _assignment()
    assert (
        windows.effective_deadline(assignment=assignment, student=STUDENT, started_at=started)
        == CLOSES
    )


def test_deadline_with_time_limit():
    started = OPENS + timedelta(hours=1)
    assignment = _assignment(time_limit=45)
    assert windows.effective_deadline(
        assignment=assignment, student=STUDENT, started_at=started
    ) == started + timedelta(minutes=45)


def test_deadline_with_time_limit_and_extra_minutes():
    started = OPENS + timedelta(hours=1)
    assignment = _assignment(time_limit=45, extensions=[_extension(extra_minutes=15)])
    assert windows.effective_deadline(
        assignment=assignment, student=STUDENT, started_at=started
    ) == started + timedelta(minutes=60)


def test_time_limit_is_cut_by_the_close_time():
    started = CLOSES - timedelta(minutes=10)
    # Another student's extension does not lengthen this student's time.
    assignment = _assignment(time_limit=45, extensions=[_extension(extra_minutes=15, student_id=2)])
    assert (
        windows.effective_deadline(assignment=assignment, student=STUDENT, started_at=started)
        == CLOSES
    )


def test_extra_time_is_not_cut_by_the_close_time():
    started = CLOSES - timedelta(minutes=10)
    assignment = _assignment(time_limit=45, extensions=[_extension(extra_minutes=15)])
    assert windows.effective_deadline(
        assignment=assignment, student=STUDENT, started_at=started
    ) == started + timedelta(minutes=60)


def test_a_later_due_date_gives_the_full_time_when_starting_near_its_end():
    extended_due = CLOSES + timedelta(days=1)
    started = extended_due - timedelta(minutes=5)
    assignment = _assignment(time_limit=45, extensions=[_extension(due_at=extended_due)])
    assert windows.effective_deadline(
        assignment=assignment, student=STUDENT, started_at=started
    ) == started + timedelta(minutes=45)


def test_time_limit_started_late_under_an_extension_runs_in_full():
    started = CLOSES + timedelta(days=1)
    extension = _extension(due_at=CLOSES + timedelta(days=2), extra_minutes=10)
    assignment = _assignment(time_limit=45, extensions=[extension])
    assert windows.effective_deadline(
        assignment=assignment, student=STUDENT, started_at=started
    ) == started + timedelta(minutes=55)


def test_extra_minutes_without_a_time_limit_change_nothing():
    assignment = _assignment(extensions=[_extension(extra_minutes=30)])
    assert (
        windows.effective_deadline(assignment=assignment, student=STUDENT, started_at=OPENS)
        == CLOSES
    )


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(seconds=-1), True),
        (timedelta(0), True),
        (timedelta(seconds=30), True),
        (timedelta(seconds=31), False),
    ],
)
def test_grace_after_the_deadline(offset, accepted):
    assert windows.accepts_saves(deadline_at=CLOSES, now=CLOSES + offset) is accepted


def test_when_formats_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    assert windows.when(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)) == "09:00 on 24 November 2026"
    assert windows.when(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "09:05 on 1 July 2026"
