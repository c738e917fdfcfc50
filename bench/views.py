"""Reference views for load runs, served only by bench.urls (config.settings_bench).

`ping` and `floor` calibrate the machine in the same run as the real endpoint: the ratio
autosave ÷ floor says what a save costs beyond its one write.
"""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

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
