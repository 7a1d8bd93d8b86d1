"""Invitation pages: accepting one (the invitee), re-sending or revoking one (the team's managers).

The acceptance page (``/invitations/<token>/``) shows the invitation on GET and accepts it on POST:
- an account has the invited address: the invitee signs in with it, then accepts;
- signed in with another account: refused (403), without saying who owns the address;
- no account has the address: the invitee creates one (identifier, password), bound to the address.
An unknown, used, revoked or expired link gives a page saying so, and what to do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.web.accounts import invitations
from teletravail.web.accounts.forms import SignupForm
from teletravail.web.accounts.invitations import InvitationInvalid, State
from teletravail.web.accounts.models import Invitation
from teletravail.web.accounts.views import _require

BACKEND = "django.contrib.auth.backends.ModelBackend"

# Status of the page for a link that cannot be used (``State`` but ``VALID``).
_INVALID_STATUS = {
    State.UNKNOWN: 404,
    State.ACCEPTED: 410,
    State.REVOKED: 410,
    State.EXPIRED: 410,
    State.WITHDRAWN: 410,
}


class _AccountExists(Exception):
    """An account got the invited address while the invitee was filling in the form."""


def _invitation_of(request: HttpRequest, kind: str, code: str, pk: int) -> Invitation:
    """An invitation of that territory, once ``accounts.manage_invitation`` is checked (403 first)."""
    found = (
        Invitation.objects.select_related("territory")
        .filter(pk=pk, territory__kind=kind, territory__code=code)
        .first()
    )
    _require(request, "accounts.manage_invitation", found)
    if found is None:
        raise Http404("Aucune invitation de ce territoire n'a cet identifiant.")
    return found


def _pending(invitation: Invitation) -> Invitation | None:
    """The invitation read again, locked, if it is still pending (not accepted nor revoked)."""
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("territory")
        .filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )


@login_required
@require_POST
def resend(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Send a pending invitation again with a new link and expiry (the old link stops working)."""
    found = _invitation_of(request, kind, code, pk)
    with transaction.atomic():
        invitation = _pending(found)
        token = invitations.renew(invitation, request.user) if invitation is not None else None
    if invitation is None or token is None:
        messages.error(request, "Cette invitation a déjà été acceptée ou annulée.")
    elif invitations.send(request, invitation, token):
        messages.success(request, f"Invitation envoyée de nouveau à {invitation.email}.")
    else:
        messages.error(
            request,
            f"Le courriel à {invitation.email} n'a pas pu partir : vérifiez la configuration de "
            "l'envoi des courriels, puis réessayez.",
        )
    return redirect("team", kind, code)


@login_required
@require_POST
def revoke(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Cancel a pending invitation: its link stops working."""
    found = _invitation_of(request, kind, code, pk)
    with transaction.atomic():
        invitation = _pending(found)
        if invitation is not None:
            invitations.revoke(invitation)
    if invitation is None:
        messages.error(request, "Cette invitation a déjà été acceptée ou annulée.")
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return redirect("team", kind, code)


def _page(
    request: HttpRequest,
    step: str,
    invitation: Invitation | None,
    *,
    status: int = 200,
    state: State | None = None,
    form: SignupForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "accounts/invitation.html",
        {
            "title": "Invitation à rejoindre une équipe",
            "step": step,
            "invitation": invitation,
            "state": state.name.lower() if state is not None else "",
            "form": form,
        },
        status=status,
    )


def _invalid(request: HttpRequest, invitation: Invitation | None, state: State) -> HttpResponse:
    return _page(request, "invalid", invitation, state=state, status=_INVALID_STATUS[state])


def _joined(
    request: HttpRequest, invitation: Invitation, user: AbstractBaseUser, joined: bool
) -> HttpResponse:
    territory = invitation.territory
    if joined:
        messages.success(
            request,
            f"Vous avez rejoint l'équipe {territory.nom} ({invitation.get_role_display().lower()}).",
        )
    else:
        messages.success(request, f"Vous faites déjà partie de l'équipe {territory.nom}.")
    return redirect("team", territory.kind, territory.code)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation (GET) and accept it (POST), creating the invitee's account if needed."""
    found = invitations.find(token)
    if found is None:
        return _invalid(request, None, State.UNKNOWN)
    current = invitations.state(found)
    if current is not State.VALID:
        return _invalid(request, found, current)
    user = request.user
    if user.is_authenticated:
        if not invitations.addressed_to(found, user):
            return _page(request, "wrong_user", None, status=403)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    joined = invitations.accept(found, user)
            except InvitationInvalid as exc:
                return _invalid(request, found, exc.state)
            return _joined(request, found, user, joined)
        return _page(request, "confirm", found)
    if invitations.account_exists(found.email):
        return _page(request, "login", found)
    form = SignupForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if invitations.account_exists(found.email):
                    raise _AccountExists
                new_user = form.save()
                joined = invitations.accept(found, new_user)
        except InvitationInvalid as exc:
            return _invalid(request, found, exc.state)
        except _AccountExists:
            return _page(request, "login", found)
        login(request, new_user, backend=BACKEND)
        return _joined(request, found, new_user, joined)
    return _page(
        request, "signup", found, form=form, status=400 if request.method == "POST" else 200
    )
