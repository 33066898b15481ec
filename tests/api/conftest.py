"""HTTP clients for the demo people. ``api.as_("vanthu")`` logs in through the token endpoint
once per test and sends ``Authorization: Token …`` on every request; a person with an
authenticator (every demo signer and clerk) then gives a current one-time code, so that the
token may sign, register, dispatch and recall. ``fresh=False`` leaves that out."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from orgchart.demo import DEMO_PASSWORD
from tests.support import step_up


class Api:
    def __init__(self):
        self._clients: dict[str, APIClient] = {}

    def anonymous(self) -> APIClient:
        return APIClient()

    def as_(self, username: str, *, login: bool = True, fresh: bool = True) -> APIClient:
        """A client with ``username``'s token: obtained through the token endpoint, or, with
        ``login=False`` (many people in one test), created directly."""
        if username not in self._clients:
            client = self._sign_in(username, login=login)
            if fresh and TOTPDevice.objects.filter(user__username=username).exists():
                step_up(client, username)
            self._clients[username] = client
        return self._clients[username]

    def _sign_in(self, username: str, *, login: bool) -> APIClient:
        client = APIClient()
        if not login:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(username)}")
            return client
        response = client.post(
            "/api/v1/auth/token/",
            {"username": username, "password": DEMO_PASSWORD},
            format="json",
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client


def token_of(username: str) -> str:
    """A fresh API token of ``username``, made without signing in (knox keeps only its digest,
    so a token cannot be read back from the table)."""
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    return AuthToken.objects.create(user=get_user_model().objects.get(username=username))[1]


@pytest.fixture
def api(world) -> Api:
    return Api()
