"""Team invitations: issue or renew one (a random token sent by e-mail), revoke it, accept it.

An invitation is bound to one team and one address, is used once, expires after
``INVITATION_DAYS`` days and can be revoked. Only the SHA-256 digest of its token is stored. Nothing
here looks at the accounts that exist when an invitation is issued: the inviter learns nothing about
them, and no account is created or changed before the invitee accepts.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from teletravail.web.accounts.models import Invitation, Membership, Territory

log = logging.getLogger(__name__)

INVITATION_DAYS = 7
TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
MAX_TOKEN_LENGTH = 100
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


class State(enum.Enum):
    """What an invitation link is worth now."""

    VALID = "valide"
    UNKNOWN = "inconnue"  # no such token (mistyped, or replaced by a re-send)
    ACCEPTED = "acceptée"
    REVOKED = "annulée"
    EXPIRED = "expirée"
    WITHDRAWN = "retirée"  # its sender no longer manages the team


class InvitationInvalid(Exception):
    """The invitation cannot be accepted (any ``State`` but ``VALID``)."""

    def __init__(self, state: State) -> None:
        super().__init__(state.value)
        self.state = state


def normalize_email(address: str) -> str:
    """The form in which addresses are stored and compared: trimmed, lower case."""
    return address.strip().lower()


def hash_token(token: str) -> str:
    """The SHA-256 digest stored for a token (hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def _expiry() -> datetime:
    return timezone.now() + timedelta(days=INVITATION_DAYS)


def is_member(territory: Territory, email: str) -> bool:
    """Whether someone of the team already has this address (shown on the team page anyway)."""
    return territory.memberships.filter(user__email__iexact=normalize_email(email)).exists()


def invite(
    territory: Territory, email: str, role: str, by: AbstractBaseUser
) -> tuple[Invitation, str]:
    """The pending invitation of ``email`` to the team, created or renewed, and its clear token.

    Renewing (same team and address, still pending, even expired) sets the new role and expiry and
    replaces the token: the previous link stops working.
    """
    address = normalize_email(email)
    for _ in range(2):  # a concurrent invitation of the same address: renew it instead
        try:
            with transaction.atomic():
                pending = (
                    Invitation.objects.select_for_update(of=("self",))
                    .filter(
                        territory=territory,
                        email=address,
                        accepted_at__isnull=True,
                        revoked_at__isnull=True,
                    )
                    .first()
                )
                if pending is not None:
                    pending.role = role
                    return pending, renew(pending, by)
                token, digest = _new_token()
                invitation = Invitation.objects.create(
                    territory=territory,
                    email=address,
                    role=role,
                    invited_by=by,
                    token_hash=digest,
                    expires=_expiry(),
                )
                return invitation, token
        except IntegrityError:
            continue
    raise RuntimeError("invitation could not be stored twice in a row")  # pragma: no cover


def renew(invitation: Invitation, by: AbstractBaseUser) -> str:
    """A new token and expiry for a pending invitation (the old link stops working)."""
    token, digest = _new_token()
    invitation.token_hash = digest
    invitation.expires = _expiry()
    invitation.invited_by = by
    invitation.save()
    return token


def revoke(invitation: Invitation) -> None:
    """Cancel a pending invitation: its link stops working."""
    invitation.revoked_at = timezone.now()
    invitation.save()


def link(request: HttpRequest, token: str) -> str:
    """The absolute address of the acceptance page of ``token``."""
    return request.build_absolute_uri(reverse("invitation", args=(token,)))


def send(request: HttpRequest, invitation: Invitation, token: str) -> bool:
    """E-mail the link to the invited address; False when the mail server refused or failed."""
    context = {
        "invitation": invitation,
        "territory": invitation.territory,
        "link": link(request, token),
        "expires": timezone.localtime(invitation.expires),
    }
    if settings.EMAIL_BACKEND == FILE_BACKEND:  # the links are secrets: a folder for its owner only
        Path(settings.EMAIL_FILE_PATH).mkdir(mode=0o700, parents=True, exist_ok=True)
    subject = render_to_string("accounts/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except (smtplib.SMTPException, OSError):
        log.exception("invitation e-mail to territory %s not sent", invitation.territory_id)
        return False
    return True


def find(token: str) -> Invitation | None:
    """The invitation of this token, if any."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        Invitation.objects.select_related("territory", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def state(invitation: Invitation) -> State:
    """Whether the invitation can still be accepted, and if not why."""
    if invitation.accepted_at is not None:
        return State.ACCEPTED
    if invitation.revoked_at is not None:
        return State.REVOKED
    if invitation.expires <= timezone.now():
        return State.EXPIRED
    sender = invitation.invited_by
    if sender is None or not sender.is_active:
        return State.WITHDRAWN
    if not sender.has_perm("accounts.add_member", invitation.territory):
        return State.WITHDRAWN
    return State.VALID


def account_exists(email: str) -> bool:
    """Whether an account has this address (the invitee must then sign in with it)."""
    return get_user_model().objects.filter(email__iexact=normalize_email(email)).exists()


def addressed_to(invitation: Invitation, user: AbstractBaseUser) -> bool:
    """Whether the signed-in ``user`` is the account of the invited address."""
    return normalize_email(getattr(user, "email", "") or "") == invitation.email


def accept(invitation: Invitation, user: AbstractBaseUser) -> bool:
    """Join the team with the invited role; False when ``user`` was already in it (role kept).

    Runs in the caller's transaction: the invitation row is locked and checked again, so that a
    link serves once even when opened twice at the same time. Raises ``InvitationInvalid``.
    """
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("territory", "invited_by")
        .get(pk=invitation.pk)
    )
    current = state(locked)
    if current is not State.VALID:
        raise InvitationInvalid(current)
    if not addressed_to(locked, user):
        raise PermissionError("invitation addressed to another account")
    _, joined = Membership.objects.get_or_create(
        user=user, territory=locked.territory, defaults={"role": locked.role}
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save()
    return joined
