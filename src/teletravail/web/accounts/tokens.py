"""API tokens: generation (the key is shown once), SHA-256 digests, and the ninja bearer auth."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from teletravail.web.accounts.models import ApiToken

KEY_PREFIX = "tt_"


def hash_key(key: str) -> str:
    """The SHA-256 digest stored for a key (hex)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its clear key (never stored: shown to the user once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(KEY_PREFIX) + 6], key_hash=hash_key(key)
    )
    return token, key


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``: the token's active owner, or nothing (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        if not token or len(token) > 200:
            return None
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_key(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
        return found.user
