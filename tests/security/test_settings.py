"""Deployment settings: check --deploy is clean, the admin can move, the headers are strict."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

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

    assert result.stdout.strip() == "/backstage-7f3a/", result.stderr


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
