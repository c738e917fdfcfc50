"""The logged-in user for the exam-day hot path (autosave), without a query per request.

Django's `request.user` costs a SELECT of the user row and a session-hash check on every
request: on autosave that is a round trip and half a millisecond of CPU beside a write that
costs about as much (docs/performance.md). Here each process remembers, for CACHE_SECONDS,
the user it verified for a (user id, session auth hash, backend) triple.

The trade-off, for this path only: a password change, a deactivation or a change of role stops
an existing session's saves within CACHE_SECONDS instead of at once. Every other page uses
Django's own `request.user`.
"""

import threading
import time

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.utils.crypto import constant_time_compare

CACHE_SECONDS = 30
MAX_ENTRIES = 50_000  # a school's students many times over; then start afresh

_users: dict[tuple[str, str, str], tuple[float, object]] = {}
_lock = threading.Lock()


def session_user(request):
    """The request's user, from this process's cache when it verified the session lately.

    Misses (and sessions without a hash) fall back to `django.contrib.auth.get_user`, which
    also checks the hash; only authenticated users whose hash matched are remembered.
    """
    session = request.session
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    backend = session.get(BACKEND_SESSION_KEY)
    if user_id is None or not session_hash or not backend:
        return get_user(request)
    key = (str(user_id), session_hash, backend)
    now = time.monotonic()
    hit = _users.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    user = get_user(request)
    if user.is_authenticated and constant_time_compare(session_hash, user.get_session_auth_hash()):
        with _lock:
            if len(_users) >= MAX_ENTRIES:
                _users.clear()
            _users[key] = (now + CACHE_SECONDS, user)
    return user


def clear() -> None:
    """Forget every remembered user (tests; a deployment restarts processes instead)."""
    with _lock:
        _users.clear()
