"""Every answer carries the Content-Security-Policy and the browser-side protections; inline
<style> elements carry the response's nonce, inline scripts do not exist."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        name: value
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
    }


@pytest.mark.parametrize(
    "path, who",
    [("/accounts/login/", None), ("/workflow/inbox/", "soanthao"), ("/api/docs/", "soanthao")],
)
def test_the_policy_and_headers(client, world, path, who):
    if who:
        client.force_login(world.user(who))
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    # No inline script and no inline event handler on the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_inline_styles_carry_the_nonce(client, world):
    client.force_login(world.user("soanthao"))
    response = client.get("/api/docs/")
    nonce = re.search(r"'nonce-([^']+)'", _policy(response)["style-src"]).group(1)
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert "<style>" not in html


def test_the_swagger_start_script_is_a_file(client, world):
    client.force_login(world.user("soanthao"))
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()
