"""New passwords meet the validators (similarity to the person, at least 10 characters, not
common, not all digits); the demo's public password is set by the loader and still signs in."""

from __future__ import annotations

import pytest
from django.contrib.auth.forms import PasswordChangeForm

from orgchart.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _change(user, new: str) -> PasswordChangeForm:
    return PasswordChangeForm(
        user,
        data={"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    "weak, code",
    [
        ("Hoa2024!", "password_too_short"),
        ("password123", "password_too_common"),
        ("20231234567", "password_entirely_numeric"),
        ("soanthao-2023", "password_too_similar"),
    ],
    ids=["short", "common", "numeric", "like-the-username"],
)
def test_a_weak_password_is_refused(world, weak, code):
    user = world.user("soanthao")
    form = _change(user, weak)
    assert not form.is_valid()
    assert code in {error.code for error in form.errors.as_data()["new_password2"]}
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_a_strong_password_is_accepted(world):
    user = world.user("soanthao")
    form = _change(user, "Mặt trận đoàn kết 1930")
    assert form.is_valid(), form.errors
    form.save()
    assert user.check_password("Mặt trận đoàn kết 1930")


def test_the_demo_password_still_signs_in(client):
    # Through the sign-in form: the lock-out backend needs the request (client.login has none).
    signed_in = client.post("/accounts/login/", {"username": "soanthao", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
