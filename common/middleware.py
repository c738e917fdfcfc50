"""Cross-cutting request handling: a 413 for oversized bodies, a friendly 503 when the database
is down; the client's IP.

RequestBodyLimitMiddleware refuses a request whose Content-Length is over the limit with the
standalone errors/413.html page, before any byte of the body is read, parsed or spooled to disk
(a WSGI server hands Django no more than Content-Length bytes, so the header is binding).

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
upload_logger = logging.getLogger("provenance.requests")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request):
    html = render_to_string("errors/503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def request_too_large_response(*, limit: int, multipart: bool) -> HttpResponse:
    html = render_to_string(
        "errors/413.html",
        {"limit_mb": _megabytes(limit), "multipart": multipart},
    )
    response = HttpResponse(html, status=413)
    # The rest of the body is never read; the connection must not be reused for another request.
    response["Connection"] = "close"
    add_never_cache_headers(response)
    return response


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class RequestBodyLimitMiddleware:
    """413 for a body over REQUEST_BODY_MAX_SIZE (uploads) or DATA_UPLOAD_MAX_MEMORY_SIZE (other).

    Django would read a non-file body up to DATA_UPLOAD_MAX_MEMORY_SIZE and then answer a bare
    400; an upload it would spool to a temporary file whatever its size. Neither is read here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a malformed length either
        if length:
            multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
            if multipart:
                limit = settings.REQUEST_BODY_MAX_SIZE
            else:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.REQUEST_BODY_MAX_SIZE
                limit = min(limit, settings.REQUEST_BODY_MAX_SIZE)
            if length > limit:
                upload_logger.warning(
                    "Refused a %s-byte request body to %s (limit %s)", length, request.path, limit
                )
                return request_too_large_response(limit=limit, multipart=multipart)
        return self.get_response(request)


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
