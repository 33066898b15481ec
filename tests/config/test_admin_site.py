"""The admin is for superusers only, at ADMIN_PATH: a staff member who is not a superuser
gets the admin's sign-in page, as a visitor does, on every admin page."""

from __future__ import annotations

import importlib

import pytest
from django.contrib import admin
from django.urls import clear_url_caches, reverse

from config.admin import SuperuserAdminSite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/admin/", "/admin/documents/document/", "/admin/auth/user/"]


def test_the_admin_site_is_ours():
    assert isinstance(admin.site, SuperuserAdminSite)


@pytest.mark.parametrize("path", PAGES)
def test_a_superuser_gets_in(client, world, path):
    client.force_login(world.user("admin"))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_staff_without_superuser_is_kept_out(client, path):
    staff = UserFactory(username="nhanvien.kythuat", is_staff=True, is_superuser=False)
    # Even with every model permission, staff alone is not enough.
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_inactive_superuser_is_kept_out(client, world):
    superuser = world.user("admin")
    client.force_login(superuser)
    superuser.is_active = False
    superuser.save(update_fields=["is_active"])
    assert client.get("/admin/").status_code == 302


def test_a_visitor_gets_the_admin_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.fixture
def admin_elsewhere(settings):
    import config.urls

    settings.ADMIN_PATH = "quan-tri-he-thong/"
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.ADMIN_PATH = "admin/"
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_admin_moves_to_admin_path(client, world, admin_elsewhere):
    assert reverse("admin:index") == "/quan-tri-he-thong/"
    # A visitor gets the admin's own sign-in page there, not the UI's.
    response = client.get("/quan-tri-he-thong/")
    assert response["Location"].startswith("/quan-tri-he-thong/login/")
    client.force_login(world.user("admin"))
    assert client.get("/quan-tri-he-thong/").status_code == 200
    assert client.get("/admin/").status_code == 404
