"""Fail closed: without DEBUG the settings are production's and refuse to start on a key
anyone can know or guess, or without ALLOWED_HOSTS; `manage.py check --deploy` flags what the
embedded demo runs on (config/checks.py) and is silent on a production-like environment; and
.env.example names every variable the settings read. Each start is a fresh interpreter with
only the environment given (no .env is read: the checkout's is ignored by git and absent)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_engine

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = secrets.token_urlsafe(64)

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "vanban.example.org",
    "DATABASE_URL": "postgres://vanban@127.0.0.1:5432/vanban",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ADMIN_PATH": "quan-tri-he-thong/",
}

#: Print a few settings as the production process sees them.
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # Only what a bare machine has: none of the test run's own variables leak in.
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _start(**env: str) -> subprocess.CompletedProcess:
    return _run(["-c", SHOW], **env)


def test_git_ignores_the_env_file():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False, timeout=30
    )
    assert ignored.returncode == 0, ".env is not ignored by git"


def test_production_starts_with_its_own_key_and_hosts():
    result = _start(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    # DEBUG off; secure cookies, HTTPS redirect, a year of HSTS; no proxy header trusted.
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "True", "None"]


def test_the_proxy_header_is_trusted_only_when_said():
    result = _start(**PRODUCTION, SECURE_PROXY_SSL="True")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"DEBUG": None, "SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        (
            {"SECRET_KEY": "insecure-development-key-only-for-the-embedded-demo-0123456789abcdef"},
            "public development key",
        ),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "public development key"),
        ({"SECRET_KEY": "short-but-random-Zq8"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY is weak"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is empty"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
    ],
    ids=[
        "no-key",
        "debug-unset-no-key",
        "empty-key",
        "development-key",
        "django-placeholder",
        "short-key",
        "one-letter-key",
        "no-hosts",
        "empty-hosts",
    ],
)
def test_production_refuses_to_start(change, reason):
    env = {**PRODUCTION, **change}
    env = {key: value for key, value in env.items() if value is not None}
    result = _start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr


def test_development_mode_starts_with_the_public_key():
    result = _start(DEBUG="True")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == ["True", "False", "False", "False"]


def test_check_deploy_is_clean_on_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_the_demo_runs_on():
    """A strong key and hosts, but the demo's services: every one is named, and it fails."""
    env = {"DEBUG": "False", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "vanban.example.org"}
    result = _run(["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0
    found = set(re.findall(r"\((vanban\.[EW]\d{3})\)", result.stderr))
    assert found == {"vanban.E002", "vanban.E003", "vanban.E004", "vanban.W001"}


def test_env_example_names_every_variable_the_settings_read():
    settings = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', settings))
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SESSION_IDLE_MINUTES"} <= read
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert read - documented == set()
    # Examples only: no key is given a value.
    assert re.search(r"^SECRET_KEY=$", example, flags=re.MULTILINE)


def test_production_keeps_its_database_connections():
    # Opening a PostgreSQL connection for every request was a measured cost on every page.
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    kept = _run(["-c", show], **PRODUCTION)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == ["60", "True"]
    closed = _run(["-c", show], **PRODUCTION, CONN_MAX_AGE="0")
    assert closed.stdout.split() == ["0", "True"]


def test_postgresql_never_compiles_queries_to_machine_code():
    # JIT compiling cost 1.6 s of a 1.9 s search at 50,000 documents; a URL's own options stay.
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['OPTIONS'].get('options', '-'))"
    )
    base = PRODUCTION["DATABASE_URL"]

    def options(url: str = base, **extra) -> str:
        shown = _run(["-c", show], **{**PRODUCTION, "DATABASE_URL": url, **extra})
        assert shown.returncode == 0, shown.stderr
        return shown.stdout.strip()

    assert options() == "-c jit=off"
    timeout = base + "?options=-c%20statement_timeout%3D5000"
    assert options(timeout) == "-c statement_timeout=5000 -c jit=off"
    assert options(base + "?options=-c%20JIT%3Don") == "-c JIT=on"
    assert options(base + "?options=-c%20jit_above_cost%3D10") == "-c jit_above_cost=10 -c jit=off"
    assert options(DATABASE_JIT_OFF="False") == "-"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_connection_has_jit_off():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
