"""What the load runs share: gunicorn on loopback, static files, session and CSRF cookies.

No Django import at module level: the locust side never imports this module, the runners
import it after django.setup().
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"  # loopback only, always
VENV_BIN = Path(sys.executable).parent
GUNICORN = str(VENV_BIN / "gunicorn")
STATIC_ROOT = ROOT / "bench" / "results" / "static"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def new_secret_key() -> str:
    return "bench-" + secrets.token_urlsafe(48)


def database_url(settings_dict) -> str:
    """A DATABASE_URL for the database the bench process is connected to (PostgreSQL)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or HOST
    if host not in (HOST, "localhost"):
        raise RuntimeError(f"load runs use a loopback database only, not {host!r}")
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{HOST}:{port}/{settings_dict['NAME']}"


def server_env(*, database_url: str, secret_key: str, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_bench",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        BENCH_STATIC_ROOT=str(STATIC_ROOT),
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def collectstatic(env: dict, *, force: bool = False) -> dict:
    """Collect (once) with the manifest storage; returns the manifest's paths."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if force or not manifest.exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return json.loads(manifest.read_text())["paths"]


@dataclass
class Gunicorn:
    """gunicorn (gthread) serving config.wsgi with config.settings_bench on 127.0.0.1."""

    env: dict
    workers: int = 2
    threads: int = 4
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def label(self) -> str:
        return f"{self.workers}w x {self.threads}t"

    def command(self) -> list[str]:
        return [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--backlog",
            "4096",
            "--worker-connections",
            "4000",
            "--keep-alive",
            "75",
            "--graceful-timeout",
            "20",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]

    def start(self, *, wait: float = 30) -> "Gunicorn":
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready(wait)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/bench/ping/", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.base_url} within {timeout} s")

    def reload(self) -> None:
        """SIGHUP: new workers start, old ones finish what they are serving."""
        os.kill(self.process.pid, signal.SIGHUP)

    def stop(self, *, timeout: float = 30) -> None:
        """SIGTERM (graceful: in-flight requests finish), SIGKILL to its group if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the master and its workers (the group this object started)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def pids(self) -> list[int]:
        """The master and its workers: the process group this object started."""
        if self.process is None:
            return []
        return [pid for pid in _all_pids() if _pgid(pid) == self.process.pid]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- CPU accounting ---------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def cpu_by_pid(pids) -> dict[int, float]:
    """User + system CPU seconds of each of these processes so far (those still alive)."""
    seconds = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
    return seconds


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (every process, ours or not)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / _TICKS


def cpu_seconds(pids) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two cpu_by_pid() samples: new processes count from their start;
    one that exited in between counts nothing of its last moments (a small undercount)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def backend_pids(database: str) -> list[int]:
    """PostgreSQL backends connected to `database` (the run's own, not the colleagues')."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return [row[0] for row in cursor.fetchall()]


# --- cookies ----------------------------------------------------------------------------------


def session_cookie(user, *, secret_key: str) -> str:
    """A signed-cookie session value logging `user` in, as the bench server will verify it.

    Built with the real SessionStore and the user's own session auth hash, signed with the
    server's SECRET_KEY; call after django.setup().
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test.utils import override_settings

    with override_settings(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=[]):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return store.session_key


def csrf_token() -> str:
    """A CSRF secret, sent both as the csrftoken cookie and as the X-CSRFToken header."""
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    return get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)


def cookie_header(session: str, csrf: str) -> str:
    return f"sessionid={session}; csrftoken={csrf}"
