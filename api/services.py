"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

PREFIX_LENGTH = 8
#: last_used_at is written at most this often per token (not one UPDATE per request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # shown once; never stored


def _digest(key: str) -> str:
    # A random 256-bit key needs no slow password hash: SHA-256 cannot be reversed and
    # the key space cannot be searched.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> NewToken:
    """A new token for `user`; the returned key is the only copy of it."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name for the token.")}, code="required")
    while True:
        key = secrets.token_urlsafe(32)
        prefix = key[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = ApiToken(user=user, name=name[:100], prefix=prefix, digest=_digest(key))
    token.full_clean()
    token.save()
    return NewToken(token=token, key=key)


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token this key belongs to (its user active too), or None."""
    if len(key) < PREFIX_LENGTH or "\x00" in key:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(prefix=key[:PREFIX_LENGTH]).first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(key)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token: it stops working at once and stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
