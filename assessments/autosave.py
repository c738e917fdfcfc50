"""Autosave: the exam-day hot path. One conditional UPDATE per save, no template, no reads.

A save carries the version of the answer it was based on. The UPDATE matches only that version
of a response in the student's own attempt, still in progress and inside its deadline (plus
windows.GRACE), and only when every chosen choice, grid claim and citation belongs to the
response's question; it bumps the version. When nothing matched, one more query says why:
another tab or device saved first (409, with the server's copy so the page can offer both),
the attempt is closed (403), the response is not the student's (404) or the payload does not
fit the question (400).

Every condition is written against the response row itself (with EXISTS subqueries for the
attempt, choices, claims and sources), never through a join. Django turns a joined filter into
`WHERE id IN (SELECT …)`; on PostgreSQL a concurrent save then re-checks only `id IN (…)` after
waiting for the row lock, not the version, and the second save would overwrite the first.
"""

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.cached_user import session_user
from assessments import windows
from assessments.models import Attempt, Choice, GridClaim, Question, QuestionSource, Response

MAX_ANSWER_CHARS = 50_000
MAX_BODY_BYTES = 400_000  # 50,000 characters, JSON-escaped, with room for the rest
MAX_CHOICES = 50
MAX_CITATIONS = 30
MAX_GRID_CLAIMS = 50
MAX_GRID_LABELS = 12
GRID_VALUES = frozenset({"agree", "disagree", "silent"})
CITATION_KEYS = ("excerpt", "document", "start", "end")


class SaveError(Exception):
    """A save that did not happen; `status` and `payload()` make the JSON reply."""

    status = 400
    code = "invalid"

    def payload(self) -> dict:
        return {"error": self.code, "message": str(self)}


class AnswerInvalid(SaveError):
    pass


class AnswerTooLong(SaveError):
    status = 413
    code = "too_long"


class ResponseNotFound(SaveError):
    status = 404
    code = "not_found"


class AttemptClosed(SaveError):
    status = 403
    code = "closed"


class SaveConflict(SaveError):
    """Another tab or device saved a newer version; `current` is the server's copy."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, current: dict):
        super().__init__(message)
        self.current = current

    def payload(self) -> dict:
        return {**super().payload(), **self.current}


@dataclass(frozen=True)
class Saved:
    version: int
    saved_at: datetime


# --- payload --------------------------------------------------------------------------------


def _int(value, what: str) -> int:
    if isinstance(value, bool):
        raise AnswerInvalid(f"{what} must be a whole number.")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AnswerInvalid(f"{what} must be a whole number.") from None
    if number < 0:
        raise AnswerInvalid(f"{what} must not be negative.")
    return number


def clean_text(value) -> str:
    if not isinstance(value, str):
        raise AnswerInvalid("The answer must be text.")
    if len(value) > MAX_ANSWER_CHARS:
        raise AnswerTooLong(
            f"This answer is {len(value):,} characters long; the limit is "
            f"{MAX_ANSWER_CHARS:,}. Shorten it and it will be saved."
        )
    # PostgreSQL refuses NUL in text; it can only come from a paste of binary junk.
    return value.replace("\x00", "")


def clean_choices(value) -> list[int]:
    if not isinstance(value, list) or len(value) > MAX_CHOICES:
        raise AnswerInvalid("Choices must be a short list of choice ids.")
    return sorted({_int(v, "A choice id") for v in value})


def clean_grid(value) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict) or len(value) > MAX_GRID_CLAIMS:
        raise AnswerInvalid("The grid must map claims to answers per source.")
    grid = {}
    for claim, row in value.items():
        claim_id = str(_int(claim, "A claim id"))
        if not isinstance(row, dict) or len(row) > MAX_GRID_LABELS:
            raise AnswerInvalid("Each grid row must map source labels to answers.")
        cells = {}
        for label, answer in row.items():
            if not isinstance(label, str) or not 0 < len(label) <= 40:
                raise AnswerInvalid("A grid column must be a source label.")
            if answer not in GRID_VALUES:
                raise AnswerInvalid("Each grid cell must be agree, disagree or silent.")
            cells[label] = answer
        if cells:
            grid[claim_id] = cells
    return grid


def clean_citations(value) -> list[dict[str, int]]:
    if not isinstance(value, list) or len(value) > MAX_CITATIONS:
        raise AnswerInvalid(f"Cite at most {MAX_CITATIONS} passages in one answer.")
    citations = []
    for item in value:
        if not isinstance(item, dict):
            raise AnswerInvalid("A citation must give excerpt, document, start and end.")
        citation = {key: _int(item.get(key), f"A citation's {key}") for key in CITATION_KEYS}
        if citation["end"] <= citation["start"]:
            raise AnswerInvalid("A citation must cover at least one character.")
        if citation not in citations:
            citations.append(citation)
    return citations


def parse_answer(data) -> dict:
    """The keyword arguments of `response_save` from a decoded JSON object or a form.

    Only the parts present are saved: a text question sends `text`, a choice question
    `choices`, a grid `grid`, and a question that asks for evidence `citations` as well.
    """
    if not isinstance(data, dict):
        raise AnswerInvalid("Send a JSON object.")
    fields = {"version": _int(data.get("version"), "The version")}
    if "text" in data:
        fields["text"] = clean_text(data["text"])
    if "choices" in data:
        fields["choices"] = clean_choices(data["choices"])
    if "grid" in data:
        fields["grid"] = clean_grid(data["grid"])
    if "citations" in data:
        fields["citations"] = clean_citations(data["citations"])
    return fields


def _form_data(post) -> dict:
    """A form-encoded save: choices repeated, grid and citations as JSON strings."""
    data = {key: post[key] for key in ("version", "text") if key in post}
    if "choices" in post:
        data["choices"] = [v for v in post.getlist("choices") if v != ""]
    for key in ("grid", "citations"):
        if key in post:
            try:
                data[key] = json.loads(post[key] or ("{}" if key == "grid" else "[]"))
            except ValueError:
                raise AnswerInvalid(f"{key} must be JSON.") from None
    return data


# --- the service ----------------------------------------------------------------------------


def _fits_question(*, choices=None, grid=None, citations=None) -> list:
    """Conditions (on the response row) that the payload belongs to the response's question."""
    conditions = []
    if choices:
        matching = (
            Choice.objects.filter(question=OuterRef("question_id"), pk__in=choices)
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        conditions.append(Exact(Subquery(matching), len(choices)))
        if len(choices) > 1:
            conditions.append(
                Exists(
                    Question.objects.filter(
                        pk=OuterRef("question_id"), kind=Question.Kind.MULTIPLE_CHOICE
                    )
                )
            )
    if grid:
        claim_ids = [int(claim) for claim in grid]
        matching = (
            GridClaim.objects.filter(question=OuterRef("question_id"), pk__in=claim_ids)
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        conditions.append(Exact(Subquery(matching), len(claim_ids)))
    for citation in citations or ():
        # Within the excerpt as the page shows it: from its start for the length of its text
        # (the same as its end for an exact excerpt).
        conditions.append(
            Exists(
                QuestionSource.objects.alias(
                    shown_end=F("excerpt__start") + Length("excerpt__text")
                ).filter(
                    question=OuterRef("question_id"),
                    excerpt_id=citation["excerpt"],
                    excerpt__document_id=citation["document"],
                    excerpt__start__lte=citation["start"],
                    shown_end__gte=citation["end"],
                )
            )
        )
    return conditions


def response_save(
    *,
    student,
    attempt_id: int,
    response_id: int,
    version: int,
    text: str | None = None,
    choices: list[int] | None = None,
    grid: dict | None = None,
    citations: list[dict] | None = None,
    now: datetime | None = None,
) -> Saved:
    """Save the parts of an answer given (None: leave as is) if `version` is still current.

    One UPDATE when it succeeds; one more SELECT when it does not, to raise the right
    SaveError. A retry of a save that already went through (same content, the reply was lost)
    is answered as a success, not a conflict. Expects values cleaned by `parse_answer`.
    """
    now = now or timezone.now()
    changes = {
        name: value
        for name, value in (
            ("text", text),
            ("choices", choices),
            ("grid", grid),
            ("citations", citations),
        )
        if value is not None
    }
    if changes.keys() == {"text"}:
        updated = _save_text(
            student=student,
            attempt_id=attempt_id,
            response_id=response_id,
            version=version,
            text=text,
            now=now,
        )
    else:
        attempt_open = Exists(
            Attempt.objects.filter(
                pk=attempt_id,
                student=student,
                status=Attempt.Status.IN_PROGRESS,
                deadline_at__gte=now - windows.GRACE,
            )
        )
        updated = (
            Response.objects.filter(pk=response_id, attempt_id=attempt_id, version=version)
            .filter(attempt_open, *_fits_question(choices=choices, grid=grid, citations=citations))
            .update(**changes, version=F("version") + 1, saved_at=now)
        )
    if updated:
        return Saved(version=version + 1, saved_at=now)
    return _why_not_saved(
        student=student,
        attempt_id=attempt_id,
        response_id=response_id,
        version=version,
        changes=changes,
        now=now,
    )


@functools.cache
def _text_save_sql(vendor: str) -> str:
    """The ORM's conditional UPDATE for a text-only save, written out once per process (and
    database vendor, whose quoting it uses).

    Typing makes most saves; compiling this statement through the ORM costs ~1.2 ms of CPU,
    more than the write itself. Same conditions, same single statement, the attempt check an
    uncorrelated EXISTS: see the module docstring for why nothing may be a join.
    """
    q = connection.ops.quote_name

    def r(name):
        return q(Response._meta.get_field(name).column)

    def a(name):  # qualified: the subquery's "id" is the attempt's, and says so
        return f"{q(Attempt._meta.db_table)}.{q(Attempt._meta.get_field(name).column)}"

    # Only the models' own table and column names go into the text; every value is a parameter.
    return (
        f"UPDATE {q(Response._meta.db_table)}"  # noqa: S608
        f" SET {r('text')} = %s, {r('version')} = {r('version')} + 1, {r('saved_at')} = %s"
        f" WHERE {r('id')} = %s AND {r('attempt')} = %s AND {r('version')} = %s"
        f" AND EXISTS (SELECT 1 FROM {q(Attempt._meta.db_table)}"
        f" WHERE {a('id')} = %s AND {a('student')} = %s AND {a('status')} = %s"
        f" AND {a('deadline_at')} >= %s)"
    )


def _save_text(*, student, attempt_id, response_id, version, text, now) -> int:
    sql = _text_save_sql(connection.vendor)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                text,
                adapt(now),
                response_id,
                attempt_id,
                version,
                attempt_id,
                student.pk,
                Attempt.Status.IN_PROGRESS.value,
                adapt(now - windows.GRACE),
            ],
        )
        return cursor.rowcount


def _why_not_saved(*, student, attempt_id, response_id, version, changes, now) -> Saved:
    current = (
        Response.objects.filter(pk=response_id, attempt_id=attempt_id, attempt__student=student)
        .values(
            "version",
            "saved_at",
            "text",
            "choices",
            "grid",
            "citations",
            "attempt__status",
            "attempt__deadline_at",
        )
        .first()
    )
    if current is None:
        raise ResponseNotFound("This answer is not part of your attempt.")
    if current["attempt__status"] != Attempt.Status.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer be changed.")
    if not windows.accepts_saves(deadline_at=current["attempt__deadline_at"], now=now):
        raise AttemptClosed(
            f"Time ran out at {windows.when(current['attempt__deadline_at'])}; "
            "answers can no longer be saved."
        )
    if current["version"] != version:
        if current["version"] > version and all(current[k] == v for k, v in changes.items()):
            return Saved(version=current["version"], saved_at=current["saved_at"])
        raise SaveConflict(
            "This answer was changed in another tab or on another device.",
            current={
                "version": current["version"],
                "saved_at": current["saved_at"].isoformat() if current["saved_at"] else None,
                "text": current["text"],
                "choices": current["choices"],
                "grid": current["grid"],
                "citations": current["citations"],
            },
        )
    raise AnswerInvalid(
        "Part of this answer does not belong to the question (a choice, a grid row or a "
        "cited passage outside its sources). Reload the page."
    )


# --- the view ------------------------------------------------------------------------------


@require_POST
def autosave(request, pk, response_pk):
    """POST a JSON object (or a form) {version, text?, choices?, grid?, citations?}.

    Replies {version, saved_at}, or {error, message[, the server's copy]} with 400, 401, 403,
    404, 409 or 413. Costs the UPDATE alone while this process remembers the session's user
    (accounts.cached_user), plus the user lookup otherwise; signed-cookie sessions add none.
    """
    user = session_user(request)
    if not user.is_authenticated:
        return JsonResponse(
            {"error": "logged_out", "message": "You are logged out. Log in again to save."},
            status=401,
        )
    if not user.is_student:
        return JsonResponse(
            {"error": "forbidden", "message": "Only students save answers."}, status=403
        )
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            raise AnswerTooLong(
                f"This answer is too long to save; the limit is {MAX_ANSWER_CHARS:,} characters."
            )
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body)
            except ValueError:
                raise AnswerInvalid("The request body is not valid JSON.") from None
        else:
            data = _form_data(request.POST)
        saved = response_save(
            student=user, attempt_id=pk, response_id=response_pk, **parse_answer(data)
        )
    except SaveError as exc:
        return JsonResponse(exc.payload(), status=exc.status)
    return JsonResponse({"version": saved.version, "saved_at": saved.saved_at.isoformat()})
