"""Reference views for load runs, served only by bench.urls (config.settings_bench).

`ping` and `floor` calibrate the machine in the same run as the real endpoint: the ratio
autosave ÷ floor says what a save costs beyond its one write. The `proposal_*` views are
measurement prototypes of changes proposed in docs/performance.md; they wrap the real autosave
view and are not meant to be deployed as they are.
"""

import json
import threading
import time

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST

from assessments import autosave, windows
from assessments.models import Response


def ping(request):
    """The bare cost of a request through the middleware: no session, no query."""
    return JsonResponse({"ok": True})


@require_POST
def floor(request, pk, response_pk):
    """ONE UPDATE of a response row, through the same middleware and CSRF check as autosave.

    The same JSON body as a save; it writes the text and saved_at and leaves the version alone,
    so it never disturbs the versions autosave runs count on. No session, no user, no checks:
    the least a save could cost.
    """
    data = json.loads(request.body)
    now = timezone.now()
    updated = Response.objects.filter(pk=response_pk).update(text=data["text"], saved_at=now)
    return JsonResponse({"updated": updated, "saved_at": now.isoformat()})


# --- proposal prototypes ----------------------------------------------------------------------

USER_CACHE_SECONDS = 30
_users: dict[tuple[str, str], tuple[float, object]] = {}
_users_lock = threading.Lock()


def cached_user(request):
    """request.user without a query when this process verified the same session recently.

    Keyed by (user id, session auth hash): a password change makes a new hash, so the old
    session stops working here too once the entry expires (USER_CACHE_SECONDS); deactivation
    takes effect within the same delay. Misses fall back to Django's own get_user().
    """
    session = request.session
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if user_id is None or not session_hash or BACKEND_SESSION_KEY not in session:
        return get_user(request)
    key = (str(user_id), session_hash)
    now = time.monotonic()
    hit = _users.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    user = get_user(request)
    if user.is_authenticated and constant_time_compare(session_hash, user.get_session_auth_hash()):
        with _users_lock:
            if len(_users) > 50_000:
                _users.clear()
            _users[key] = (now + USER_CACHE_SECONDS, user)
    return user


def proposal_cached_user(request, pk, response_pk):
    """Proposal A: the real autosave view, with the user from a per-process cache."""
    request.user = cached_user(request)
    return autosave.autosave(request, pk, response_pk)


# The UPDATE response_save issues for a text-only save, written once instead of compiled by
# the ORM on every request (the same conditions, the same single statement).
TEXT_SAVE_SQL = """
UPDATE assessments_response SET text = %s, version = version + 1, saved_at = %s
WHERE id = %s AND attempt_id = %s AND version = %s
  AND EXISTS (
    SELECT 1 FROM assessments_attempt
    WHERE id = %s AND student_id = %s AND status = 'in_progress' AND deadline_at >= %s
  )
"""


def proposal_precompiled(request, pk, response_pk):
    """Proposal B: a precompiled UPDATE for text-only saves; the user as today."""
    return _precompiled_text_save(request, pk, response_pk)


def proposal_fast_text(request, pk, response_pk):
    """Proposal A + B: the user from the per-process cache, and the precompiled UPDATE."""
    request.user = cached_user(request)
    return _precompiled_text_save(request, pk, response_pk)


def _precompiled_text_save(request, pk, response_pk):
    """Text-only JSON saves run TEXT_SAVE_SQL; anything else (choices, grid, citations, a form
    post) and every refusal go through the real view, so the replies are the real ones."""
    user = request.user
    if (
        not user.is_authenticated
        or not user.is_student
        or request.content_type != "application/json"
        or int(request.META.get("CONTENT_LENGTH") or 0) > autosave.MAX_BODY_BYTES
    ):
        return autosave.autosave(request, pk, response_pk)
    try:
        data = json.loads(request.body)
        fields = autosave.parse_answer(data)
    except (ValueError, autosave.SaveError):
        return autosave.autosave(request, pk, response_pk)
    if set(fields) != {"version", "text"}:
        return autosave.autosave(request, pk, response_pk)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            TEXT_SAVE_SQL,
            [
                fields["text"],
                connection.ops.adapt_datetimefield_value(now),
                response_pk,
                pk,
                fields["version"],
                pk,
                user.pk,
                connection.ops.adapt_datetimefield_value(now - windows.GRACE),
            ],
        )
        updated = cursor.rowcount
    if not updated:
        return autosave.autosave(request, pk, response_pk)
    return JsonResponse({"version": fields["version"] + 1, "saved_at": now.isoformat()})
