"""Test settings: the production settings with the slow parts swapped for fast ones."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    # No collectstatic before tests; whitenoise still serves from the finders.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# django-axes: counts in the cache, so a login (force_login too) costs no queries and the
# query-count tests stay exact; authenticate() without a request (Client.login) is allowed.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AUTHENTICATION_BACKENDS = [
    "tests.security.axes_backend.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
