"""Shared fixtures. The Sầm Sơn demo (the real 2023 org chart and the seed plan) is loaded
once per session and every test runs inside a rolled-back transaction on top of it; tests
that need real concurrency (``transactional_db``) load it again themselves."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from documents import demo
from documents.models import Document
from orgchart.models import Organization

SEED_TITLE_START = "Thông tin, tuyên truyền"


def pytest_collection_modifyitems(config, items):
    # In CI's services run a PostgreSQL test must run on PostgreSQL: fail, never skip.
    if not os.environ.get("REQUIRE_SERVICES"):
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.fixturenames.append("require_postgres")


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.fail(f"this test needs PostgreSQL, the database is {connection.vendor}")


@pytest.fixture(autouse=True)
def edxml_drop_root(settings, tmp_path):
    """Each test's own edXML drop directories: what one sends never reaches another."""
    settings.EDXML_DROP_ROOT = tmp_path / "edxml"
    return settings.EDXML_DROP_ROOT


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from documents.signing.pki import init_demo_pki

    with django_db_blocker.unblock():
        demo.load()
        # Every signer and clerk of the demo signs for real: their keys in the tests' key
        # store, kept across runs (only what is missing or stale is issued).
        init_demo_pki()


class World(SimpleNamespace):
    """Named access to the demo: ``world.user("vanthu")``, ``world.org("bacson")``."""

    def user(self, username: str):
        return get_user_model().objects.get(username=username)

    def org(self, code: str) -> Organization:
        return Organization.objects.get(code=code)

    def seed_plan(self) -> Document:
        return Document.objects.get(
            drafter__username="soanthao", title__startswith=SEED_TITLE_START
        )


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def live_world(transactional_db) -> World:
    """The demo inside a test that commits for real (threads, other processes)."""
    demo.load()
    return World()


@pytest.fixture(scope="session")
def demo_pki(django_db_setup, django_db_blocker):
    """The demo CA and keys in the tests' key store (config/test_settings.py), made once and
    kept across runs: init_demo_pki only issues what is missing or stale."""
    from documents.signing.pki import init_demo_pki

    with django_db_blocker.unblock():
        return init_demo_pki()
