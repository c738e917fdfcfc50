"""Production-like settings for load runs on loopback: `python -m bench autosave`, bench/loadtest.

DEBUG off, a fixed SECRET_KEY (the runners pass their own per run through the environment),
ALLOWED_HOSTS 127.0.0.1, plain HTTP (no SSL redirect, no Secure cookies: the load clients talk
http://127.0.0.1 and a Secure cookie would never be sent back), bench.urls as the URLconf (the
site plus the "floor" view). Everything else is the production settings: the same middleware,
signed-cookie sessions, persistent connections with health checks, whitenoise with the
manifest storage (run collectstatic into STATIC_ROOT first; the runners do).
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault(
    "SECRET_KEY", "bench-only-secret-key-for-loopback-load-runs-0123456789-abcdefghij"
)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, DATABASES, env_bool, env_int  # noqa: E402

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Collected once per run by the runners, outside the shared staticfiles/ directory.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BASE_DIR / "bench" / "results" / "static"))

# The variables the runners vary between measurements; the defaults are production's.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", default=True)

if env_bool("BENCH_FAST_PASSWORD_HASHER", default=False):
    # Argon2 costs ~150 ms of CPU per login on the bench machine; a compressed load run that
    # logs in thousands of students in a minute would measure nothing else. The runners
    # measure the login cost separately and say so. Never used outside load runs.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Request logging would cost more than an autosave; errors still reach stdout.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": "WARNING"},
}
