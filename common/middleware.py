"""Cross-cutting request handling: a friendly 503 when the database is down; the client's IP.

DatabaseUnavailableMiddleware turns `OperationalError` / `InterfaceError` raised anywhere
below it (a view, a context processor, a template, another middleware) into
the standalone errors/503.html page with a Retry-After header. That page touches neither the
database nor the request context, so it renders while the database is away; the exception
is logged with its traceback, and the visitor never sees one.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("provenance.database")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request):
    html = render_to_string("errors/503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _note_database_error(sender, request=None, **kwargs):
    # Django turns an exception in a middleware below ours into a 500 response before it
    # reaches us; this receiver (called while the exception is being handled) marks the request
    # so that the 500 can be told apart from a bug and answered with a 503.
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.database_unavailable = True


got_request_exception.connect(_note_database_error, dispatch_uid="common.database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        # Errors in views and their templates (TemplateResponses render before this runs).
        if isinstance(exception, DATABASE_ERRORS):
            logger.exception("Database unavailable while handling %s", request.path)
            return database_unavailable_response(request)
        return None


def client_ip(request) -> str | None:
    """The client's address for login throttling (AXES_CLIENT_IP_CALLABLE).

    With LOGIN_THROTTLE_PROXY_COUNT (env PROXY_COUNT) = n > 0, the n-th address from the right
    of X-Forwarded-For: each of our n proxies appends the address it received from, so that one
    is not the client's own claim. Without proxies, REMOTE_ADDR (a forged X-Forwarded-For is
    ignored).
    """
    count = getattr(settings, "LOGIN_THROTTLE_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
