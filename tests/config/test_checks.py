"""Our deploy checks fire on each thing the embedded demo runs on, and are silent on a
production's settings; they are registered for `check --deploy` only."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

from config.checks import check_production_services

# The check only reads DATABASES; the open connections keep theirs.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

POSTGRES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "vanban"}}
SQLITE = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x.sqlite3"}}

SAFE = {
    "DEBUG": False,
    "DATABASES": POSTGRES,
    "CELERY_TASK_ALWAYS_EAGER": False,
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ADMIN_PATH": "quan-tri-he-thong/",
}


def _ids(settings, **changes) -> set[str]:
    for name, value in {**SAFE, **changes}.items():
        setattr(settings, name, value)
    return {message.id for message in check_production_services()}


def test_silent_on_production_settings(settings):
    assert _ids(settings) == set()


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"DEBUG": True}, "vanban.E001"),
        ({"DATABASES": SQLITE}, "vanban.E002"),
        ({"CELERY_TASK_ALWAYS_EAGER": True, "CELERY_BROKER_URL": "memory://"}, "vanban.E003"),
        ({"CELERY_BROKER_URL": "memory://"}, "vanban.E003"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "vanban.E004"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "vanban.E004"),
        ({"ADMIN_PATH": "admin/"}, "vanban.W001"),
    ],
    ids=["debug", "sqlite", "eager-celery", "memory-broker", "console", "locmem", "admin"],
)
def test_each_unsafe_setting_is_named(settings, changes, expected):
    assert _ids(settings, **changes) == {expected}


UNSAFE = {
    "DEBUG": True,
    "DATABASES": SQLITE,
    "CELERY_TASK_ALWAYS_EAGER": True,
    "CELERY_BROKER_URL": "memory://",
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "ADMIN_PATH": "admin/",
}


@pytest.fixture
def demo_settings(settings):
    """What `make run` runs on, whichever database and broker this test run has."""
    for name, value in UNSAFE.items():
        setattr(settings, name, value)
    return settings


def test_errors_fail_the_check_and_the_admin_path_warns(demo_settings):
    messages = {m.id: m for m in check_production_services()}
    assert {"vanban.E001", "vanban.E002", "vanban.E003", "vanban.E004"} <= set(messages)
    assert all(m.is_serious() for i, m in messages.items() if i.startswith("vanban.E"))
    assert not messages["vanban.W001"].is_serious()


def test_registered_for_the_deploy_run_only(demo_settings):
    """On the demo's settings `check --deploy` names them all, a plain check none."""
    deploy = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"vanban.E001", "vanban.E002", "vanban.E003", "vanban.E004", "vanban.W001"} <= deploy
    assert not {m.id for m in run_checks()} & deploy
