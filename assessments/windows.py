"""Deadline arithmetic: when a student may start, save and submit. No queries of its own.

The rules:
- A student may start between the assignment's `opens_at` and their effective close time.
- Effective due: the extension's due date when it is later than the class's, else the class's.
  Submitting after it is allowed until the close time, but the attempt is marked late.
- Effective close: the class close time, or the extension's due date when that is later. An
  extension is granted for a reason and the class close time never cancels it.
- With a time limit, an attempt's deadline is started_at + limit (+ the extension's extra
  minutes). Without an extension the class close time cuts it short: a student who starts ten
  minutes before the close has ten minutes. A student with an extension gets their full time
  (limit + extra minutes) however close to their effective close they start: the extension was
  granted for a reason and the class close time never cancels it. Extra minutes only lengthen a
  time limit; without one they change nothing.
- GRACE: a submission or save that arrives up to 30 seconds after the deadline is still
  accepted, so a click made in time is not refused for network latency. The time-limit
  auto-submission and late sweeps pass `auto=True` and ignore the deadline altogether.

Every function takes the values it needs. The `extension` argument is the student's Extension
(or anything with `due_at` and `extra_minutes`) or None. When it is omitted the student's
extension is looked up through `assignment.extensions.all()`: no query when the caller has
prefetched `extensions`, one query otherwise.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from django.utils import timezone

GRACE = timedelta(seconds=30)

_LOOKUP = object()


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def _extension(assignment, student, extension):
    if extension is not _LOOKUP:
        return extension
    return next((e for e in assignment.extensions.all() if e.student_id == student.pk), None)


def due_for(*, due_at: datetime, extension=None) -> datetime:
    if extension is not None and extension.due_at and extension.due_at > due_at:
        return extension.due_at
    return due_at


def close_for(*, closes_at: datetime, extension=None) -> datetime:
    if extension is not None and extension.due_at and extension.due_at > closes_at:
        return extension.due_at
    return closes_at


def deadline_for(
    *,
    closes_at: datetime,
    started_at: datetime,
    time_limit_minutes: int | None,
    extension=None,
) -> datetime:
    close = close_for(closes_at=closes_at, extension=extension)
    if not time_limit_minutes:
        return close
    if extension is None:
        return min(close, started_at + timedelta(minutes=time_limit_minutes))
    # Starting is refused after the effective close, so this stays bounded by it plus the time.
    return started_at + timedelta(minutes=time_limit_minutes + (extension.extra_minutes or 0))


def effective_due(*, assignment, student, extension=_LOOKUP) -> datetime:
    """When the student's work is due (submitting later marks it late)."""
    return due_for(due_at=assignment.due_at, extension=_extension(assignment, student, extension))


def effective_close(*, assignment, student, extension=_LOOKUP) -> datetime:
    """The last moment the student may start or save, before any time limit."""
    return close_for(
        closes_at=assignment.closes_at, extension=_extension(assignment, student, extension)
    )


def effective_deadline(*, assignment, student, started_at, extension=_LOOKUP) -> datetime:
    """The last moment an attempt started at `started_at` may save (before GRACE).

    Reads `assignment.assessment.time_limit_minutes`; select_related the assessment.
    """
    return deadline_for(
        closes_at=assignment.closes_at,
        started_at=started_at,
        time_limit_minutes=assignment.assessment.time_limit_minutes,
        extension=_extension(assignment, student, extension),
    )


def window_state(*, opens_at: datetime, close_at: datetime, now: datetime) -> Window:
    if now < opens_at:
        return Window.NOT_OPEN
    if now > close_at:
        return Window.CLOSED
    return Window.OPEN


def accepts_saves(*, deadline_at: datetime, now: datetime) -> bool:
    """Whether a save or submission at `now` is in time for an attempt's deadline."""
    return now <= deadline_at + GRACE


def is_late(*, submitted_at: datetime, due_at: datetime) -> bool:
    return submitted_at > due_at


def when(moment: datetime) -> str:
    """'09:00 on 24 November' in the site's time zone, for messages."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"
