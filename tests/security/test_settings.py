"""Deployment settings: check --deploy is clean, the admin can move, the headers are strict."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config import settings as project_settings

ROOT = Path(__file__).resolve().parents[2]


def run_in_subprocess(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = run_in_subprocess(
        "import django, sys; django.setup(); from django.core.management import call_command;"
        " call_command('check', '--deploy', '--fail-level', 'WARNING')",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "Zq8#pL2vX!m9Rt4&wY7^bN1@cF6$hJ3*dS0%gU5(",
        ALLOWED_HOSTS="example.org",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output


def test_admin_path_moves_the_admin():
    result = run_in_subprocess(
        "import django; django.setup(); from django.urls import reverse;"
        " print(reverse('admin:index'))",
        ADMIN_PATH="backstage-7f3a",
    )

    assert result.stdout.strip().splitlines()[-1] == "/backstage-7f3a/", result.stderr


def test_csp_header_is_strict(client_for, student):
    response = client_for(student).get(reverse("home"))

    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- the settings helpers: bad values fail loudly, with a message that says what to do -------


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert project_settings.env_bool("SOME_FLAG", default=not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be one of"):
        project_settings.env_bool("SOME_FLAG", default=True)


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer; got 'ten'"):
        project_settings.env_int("SOME_NUMBER", 3)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", " example.org, ,www.example.org ")

    assert project_settings.env_list("SOME_HOSTS", []) == ["example.org", "www.example.org"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("foo://", "not a usable database URL: Scheme 'foo://' is unknown"),
        ("nonsense", "not a usable database URL"),
        ("postgres://u:secret@db:notaport/x", "not a usable database URL"),
        ("postgres://db.example:5432", "must name the database"),
    ],
)
def test_bad_database_url_is_improperly_configured(monkeypatch, url, message):
    monkeypatch.setenv("SOME_DATABASE_URL", url)

    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        project_settings.env_database("SOME_DATABASE_URL", "sqlite://", conn_max_age=0)

    assert "secret" not in str(caught.value)  # a password in the URL is never echoed


def test_database_url_reads_postgres_and_defaults_to_sqlite(monkeypatch):
    monkeypatch.setenv("SOME_DATABASE_URL", "postgres://app:pw@db.example:5433/provenance")
    postgres = project_settings.env_database("SOME_DATABASE_URL", "sqlite://", conn_max_age=60)
    monkeypatch.delenv("SOME_DATABASE_URL")
    sqlite = project_settings.env_database("SOME_DATABASE_URL", "sqlite:///x.db", conn_max_age=0)

    assert (postgres["ENGINE"], postgres["NAME"], postgres["PORT"]) == (
        "django.db.backends.postgresql",
        "provenance",
        5433,
    )
    assert (postgres["CONN_MAX_AGE"], postgres["CONN_HEALTH_CHECKS"]) == (60, True)
    assert (sqlite["ENGINE"], sqlite["NAME"]) == ("django.db.backends.sqlite3", "x.db")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("backstage", "backstage/"),
        ("backstage-7f3a/", "backstage-7f3a/"),
        ("a/b.c~d_e/", "a/b.c~d_e/"),
    ],
)
def test_admin_path_accepts_relative_paths(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_ADMIN_PATH", raw)

    assert project_settings.env_admin_path("SOME_ADMIN_PATH", "admin/") == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "must not be empty"),
        ("/", "must not be empty"),
        ("/admin/", "without a leading slash"),
        ("https://evil.example/admin/", "without a leading slash"),
        ("../admin/", "no '..'"),
        ("ad min/", "only letters, digits"),
        ("admin//x/", "only letters, digits"),
        ("admin/<script>/", "only letters, digits"),
        ("admin?x=1/", "only letters, digits"),
    ],
)
def test_admin_path_refuses_unsafe_values(monkeypatch, raw, message):
    monkeypatch.setenv("SOME_ADMIN_PATH", raw)

    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        project_settings.env_admin_path("SOME_ADMIN_PATH", "admin/")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "foo://"}, "DATABASE_URL is not a usable database URL"),
        ({"ADMIN_PATH": "/admin"}, "ADMIN_PATH must be a relative path"),
        ({"DEBUG": "perhaps"}, "DEBUG must be one of"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY must be set"),
        ({"REQUEST_BODY_MAX_MB": "2"}, "REQUEST_BODY_MAX_MB must be at least 5"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must be an IANA time zone"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of CRITICAL, DEBUG, ERROR, INFO, WARNING"),
    ],
)
def test_loading_settings_with_a_bad_value_fails_with_improperly_configured(env, message):
    result = run_in_subprocess("import config.settings", **env)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_logging_goes_to_stdout():
    result = run_in_subprocess(
        "import django, logging; django.setup();"
        " logging.getLogger('provenance.check').warning('to stdout')",
    )

    assert "WARNING provenance.check to stdout" in result.stdout, result.stderr
    assert "to stdout" not in result.stderr
