"""``Authorization: Token <token>`` for the API: knox's tokens, stored as SHA-512 digests and
expiring ``TOKEN_TTL_HOURS`` after sign-in. ``request.auth`` is the token's row
(``knox.models.AuthToken``); its primary key, the digest, is stable for the token's life."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

INVALID = _("Mã truy cập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại.")


def public_id(token: AuthToken) -> str:
    """A token's name in lists and URLs: the start of its digest, which says nothing of the
    token itself."""
    return token.digest[:16]


class TokenAuthentication(auth.TokenAuthentication):
    """knox's, reading only the presented token (one query), not every token of its person
    on each request; expired tokens of a person are removed when they sign in again."""

    def authenticate_credentials(self, token: bytes):
        text = token.decode("utf-8", errors="replace")
        try:
            digest = hash_token(text)
        except (TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID) from None
        for row in AuthToken.objects.filter(
            token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user"):
            if compare_digest(digest, row.digest):
                if row.expiry is not None and row.expiry <= timezone.now():
                    row.delete()
                    break
                if not row.user.is_active:
                    break
                return row.user, row
        raise exceptions.AuthenticationFailed(INVALID)
