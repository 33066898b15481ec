"""HTTP clients for the demo people. ``api.as_("vanthu")`` logs in through the token endpoint
once per test and sends ``Authorization: Token …`` on every request."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from orgchart.demo import DEMO_PASSWORD


class Api:
    def __init__(self):
        self._clients: dict[str, APIClient] = {}

    def anonymous(self) -> APIClient:
        return APIClient()

    def as_(self, username: str, *, login: bool = True) -> APIClient:
        """A client with ``username``'s token: obtained through the token endpoint, or, with
        ``login=False`` (many people in one test), created directly."""
        if username not in self._clients and not login:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(username)}")
            self._clients[username] = client
        if username not in self._clients:
            client = APIClient()
            response = client.post(
                "/api/v1/auth/token/",
                {"username": username, "password": DEMO_PASSWORD},
                format="json",
            )
            assert response.status_code == 200, response.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
            self._clients[username] = client
        return self._clients[username]


def token_of(username: str) -> str:
    """A fresh API token of ``username``, made without signing in (knox keeps only its digest,
    so a token cannot be read back from the table)."""
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    return AuthToken.objects.create(user=get_user_model().objects.get(username=username))[1]


@pytest.fixture
def api(world) -> Api:
    return Api()
