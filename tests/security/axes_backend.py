"""Test-only: django-axes' backend, except that authenticate() without a request is let through.

Django's test `Client.login()` calls `authenticate(**credentials)` without a request, which
AxesStandaloneBackend refuses. Production keeps the strict backend (config/settings.py); every
login view there passes the request, so throttling still applies to all real logins.
"""

from axes.backends import AxesStandaloneBackend


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None  # the next backend (ModelBackend) checks the password
        return super().authenticate(request, username=username, password=password, **kwargs)
