"""Territory teams (members, roles, invitations) and API tokens.

Every right is checked with a permission of ``teletravail.web.accounts.rules`` (``_require``): a user
without it gets 403 whether or not the territory or the membership exists, so another territory's
team is never revealed; anonymous visitors are sent to the login page first. Members join a team only
by accepting an invitation (``teletravail.web.accounts.views_invitations``): adding someone sends an
invitation to the address and answers the same way whatever accounts exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import LookupFailed
from teletravail.territory.lookup import gazetteer_for
from teletravail.web.accounts import invitations
from teletravail.web.accounts.forms import AddMemberForm, NewTeamForm, RoleForm, TokenForm
from teletravail.web.accounts.models import ApiToken, Membership, Role, Territory, TerritoryKind
from teletravail.web.accounts.tokens import create_token
from teletravail.web.territories import service

MAX_QUERY = 200


def _require(request: HttpRequest, perm: str, obj: object = None) -> None:
    """403 unless the user holds ``perm`` (a rules permission) on ``obj``."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("Vous n'avez pas les droits nécessaires sur ce territoire.")


def _territory(request: HttpRequest, perm: str, kind: str, code: str) -> Territory:
    """The territory, once the right is checked (403 first: existence is not revealed)."""
    found = (
        Territory.objects.filter(kind=kind, code=code).first()
        if kind in TerritoryKind.values
        else None
    )
    _require(request, perm, found)
    if found is None:
        raise Http404("Aucune équipe pour ce territoire.")
    return found


def _membership(
    request: HttpRequest, kind: str, code: str, pk: int, perm: str = "accounts.change_membership"
) -> Membership:
    """A membership of that territory, once ``perm`` is checked on it."""
    found = (
        Membership.objects.select_related("territory", "user")
        .filter(pk=pk, territory__kind=kind, territory__code=code)
        .first()
    )
    _require(request, perm, found)
    if found is None:
        raise Http404("Aucun membre de ce territoire n'a cet identifiant.")
    return found


def invite_and_send(request: HttpRequest, territory: Territory, email: str, role: str) -> None:
    """Issue (or renew) the invitation of ``email`` and e-mail it; the same message in every case."""
    invitation, token = invitations.invite(territory, email, role, request.user)
    if invitations.send(request, invitation, token):
        messages.success(request, f"Invitation envoyée à {invitation.email}.")
    else:
        messages.error(
            request,
            f"L'invitation de {invitation.email} est enregistrée mais le courriel n'a pas pu partir : "
            "vérifiez la configuration de l'envoi des courriels, puis cliquez sur « Renvoyer ».",
        )


def _team_page(
    request: HttpRequest,
    territory: Territory,
    *,
    form: AddMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    memberships = (
        territory.memberships.select_related("user").order_by("role", "user__username").all()
    )
    can_manage = request.user.has_perm("accounts.add_member", territory)
    pending = (
        territory.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
            "email"
        )
        if can_manage
        else None
    )
    rows = [
        (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}") if can_manage else None)
        for m in memberships
    ]
    from teletravail.web.gares.models import StationAssessment
    from teletravail.web.gares.service import territory_station_names

    assessed = {a.uic: a for a in StationAssessment.objects.filter(territory=territory)}
    serving, serving_count = territory_station_names(territory.kind, territory.code)
    stations = [
        {"uic": uic, "nom": nom, "assessment": assessed.pop(uic, None)} for uic, nom in serving
    ]
    stations += [{"uic": a.uic, "nom": a.gare_nom, "assessment": a} for a in assessed.values()]
    return render(
        request,
        "accounts/team.html",
        {
            "title": f"Équipe — {territory.nom}",
            "territory": territory,
            "rows": rows,
            "can_manage": can_manage,
            "own": next((m for m, _form in rows if m.user_id == request.user.pk), None),
            "pending": pending,
            "now": timezone.now(),
            "invitation_days": invitations.INVITATION_DAYS,
            "form": form or AddMemberForm(),
            "stations": stations,
            "stations_shown": len(serving),
            "stations_total": serving_count,
        },
        status=status,
    )


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """The territories the user belongs to (all teams too for a national administrator)."""
    _require(request, "accounts.list_teams")
    mine = (
        Membership.objects.filter(user=request.user, territory__isnull=False)
        .select_related("territory")
        .order_by("territory__nom")
    )
    is_admin = request.user.has_perm("accounts.create_team")
    all_teams = (
        Territory.objects.annotate(n=Count("memberships")).order_by("nom") if is_admin else None
    )
    return render(
        request,
        "accounts/teams.html",
        {"title": "Mes équipes", "mine": mine, "all_teams": all_teams, "is_admin": is_admin},
    )


@login_required
def team(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """A territory's team: members and roles (forms to manage it for its managers)."""
    return _team_page(request, _territory(request, "accounts.view_team", kind, code))


@login_required
@require_POST
def add_member(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Invite someone by e-mail address (manager of the territory or national administrator)."""
    territory = _territory(request, "accounts.add_member", kind, code)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _team_page(request, territory, form=form, status=400)
    if invitations.is_member(territory, form.cleaned_data["email"]):
        form.add_error("email", "Cette adresse est déjà celle d'un membre de l'équipe.")
        return _team_page(request, territory, form=form, status=400)
    invite_and_send(request, territory, form.cleaned_data["email"], form.cleaned_data["role"])
    return redirect("team", territory.kind, territory.code)


def _locked(membership: Membership) -> Membership | None:
    """The membership read again with the team's managers locked until the end of the transaction.

    Two managers demoting or removing each other at the same time are serialised, so that the
    "at least one manager" check cannot pass twice (PostgreSQL row locks; SQLite takes the write
    lock when the transaction starts).
    """
    managers = Membership.objects.select_for_update().filter(
        territory_id=membership.territory_id, role=Role.MANAGER
    )
    list(managers.values_list("pk", flat=True))
    return Membership.objects.select_for_update().filter(pk=membership.pk).first()


def _last_manager(membership: Membership) -> bool:
    return (
        membership.role == Role.MANAGER
        and not Membership.objects.filter(territory_id=membership.territory_id, role=Role.MANAGER)
        .exclude(pk=membership.pk)
        .exists()
    )


def _back_to_team(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The team page, or one's list of teams after leaving it."""
    if request.user.has_perm("accounts.view_team", territory):
        return redirect("team", territory.kind, territory.code)
    return redirect("teams")


@login_required
@require_POST
def change_role(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Give a member another territorial role (the team keeps at least one manager)."""
    found = _membership(request, kind, code, pk)
    form = RoleForm(request.POST, prefix=f"m{pk}")
    if not form.is_valid():
        messages.error(request, "Rôle invalide : choisissez membre, lecteur ou gestionnaire.")
        return redirect("team", kind, code)
    with transaction.atomic():
        membership = _locked(found)
        if membership is None:
            messages.error(request, "Ce membre ne fait plus partie de l'équipe.")
        elif form.cleaned_data["role"] != Role.MANAGER and _last_manager(membership):
            messages.error(request, "L'équipe doit garder au moins un gestionnaire.")
        else:
            membership.role = form.cleaned_data["role"]
            membership.save()
            messages.success(
                request,
                f"{found.user.get_username()} : {membership.get_role_display().lower()}.",
            )
    return _back_to_team(request, found.territory)


@login_required
@require_POST
def remove_member(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Remove a member from the team, or leave it oneself (the team keeps at least one manager)."""
    found = _membership(request, kind, code, pk, "accounts.remove_membership")
    leaving = found.user_id == request.user.pk
    with transaction.atomic():
        membership = _locked(found)
        if membership is None:
            messages.error(request, "Ce membre ne fait plus partie de l'équipe.")
        elif _last_manager(membership):
            messages.error(request, "L'équipe doit garder au moins un gestionnaire.")
        else:
            membership.delete()
            messages.success(
                request,
                f"Vous avez quitté l'équipe de {found.territory.nom}."
                if leaving
                else f"{found.user.get_username()} ne fait plus partie de l'équipe.",
            )
    return _back_to_team(request, found.territory)


@login_required
@require_http_methods(["GET", "POST"])
def new_team(request: HttpRequest) -> HttpResponse:
    """Create a territory team: find the territory, name its first manager (national admins)."""
    _require(request, "accounts.create_team")
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "").strip()[:MAX_QUERY]
    matches = gazetteer_for(service.warehouse()).search(query, limit=20).matches if query else ()
    choices = [
        (
            f"{m.entry.kind}:{m.entry.code}",
            f"{m.entry.nom} — {service.KIND_LABELS[m.entry.kind]} {m.entry.code}",
        )
        for m in matches
    ]
    form = NewTeamForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        kind, code = form.cleaned_data["territoire"]
        try:
            entry = service.entry(kind, code)
        except LookupFailed as exc:
            form.add_error("territoire", str(exc))
        else:
            with transaction.atomic():
                territory, _ = Territory.objects.get_or_create(
                    kind=kind, code=code, defaults={"nom": entry.nom}
                )
                taken = (
                    territory.memberships.exists()
                    or territory.invitations.filter(
                        accepted_at__isnull=True, revoked_at__isnull=True
                    ).exists()
                )
            if taken:
                form.add_error(
                    "territoire",
                    "Ce territoire a déjà une équipe ou une invitation en attente : "
                    "gérez-la depuis la page de l'équipe.",
                )
            else:
                invite_and_send(request, territory, form.cleaned_data["email"], str(Role.MANAGER))
                return redirect("team", territory.kind, territory.code)
    return render(
        request,
        "accounts/new_team.html",
        {
            "title": "Créer une équipe territoriale",
            "query": query,
            "form": form,
            "matches": matches,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new one's key is shown once, after its creation."""
    _require(request, "accounts.manage_tokens")
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        _, key = create_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "title": "Jetons d'API",
            "tokens": ApiToken.objects.filter(user=request.user),
            "form": form,
            "key": key,
        },
    )


@login_required
@require_POST
def delete_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's tokens."""
    token = ApiToken.objects.filter(pk=pk).first()
    _require(request, "accounts.delete_token", token)
    assert token is not None  # the permission holds only for an existing token
    token.delete()
    messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("tokens")
