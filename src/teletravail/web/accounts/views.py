"""Territory teams (members and roles), API tokens, and the set-password page.

Every right is checked with a permission of ``teletravail.web.accounts.rules`` (``_require``): a user
without it gets 403 whether or not the territory or the membership exists, so another territory's
team is never revealed; anonymous visitors are sent to the login page first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import LookupFailed
from teletravail.territory.lookup import gazetteer_for
from teletravail.web.accounts.forms import (
    AddMemberForm,
    DsfrSetPasswordForm,
    NewTeamForm,
    RoleForm,
    TokenForm,
)
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


def _membership(request: HttpRequest, kind: str, code: str, pk: int) -> Membership:
    """A membership of that territory, once ``accounts.change_membership`` is checked."""
    found = (
        Membership.objects.select_related("territory", "user")
        .filter(pk=pk, territory__kind=kind, territory__code=code)
        .first()
    )
    _require(request, "accounts.change_membership", found)
    if found is None:
        raise Http404("Aucun membre de ce territoire n'a cet identifiant.")
    return found


def set_password_url(request: HttpRequest, user: AbstractBaseUser) -> str:
    """The one-time link with which ``user`` chooses a password (no e-mail is sent)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(reverse("password_set", args=(uidb64, token)))


def _add_member(
    request: HttpRequest, territory: Territory, email: str, role: str
) -> tuple[AbstractBaseUser, bool] | None:
    """Add ``email`` to the team: ``(user, created)``, the account created without a usable
    password when unknown; None when that person is already in the team."""
    user_model = get_user_model()
    user = (
        user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )
    created = user is None
    if user is None:
        user = user_model(username=email, email=email)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, territory=territory).exists():
        return None
    Membership.objects.create(user=user, territory=territory, role=role)
    return user, created


def _member_added(
    request: HttpRequest, territory: Territory, user: AbstractBaseUser, created: bool
) -> HttpResponse:
    """Redirect to the team, or show the one-time set-password link of a new account."""
    if created or not user.has_usable_password():
        return render(
            request,
            "accounts/member_added.html",
            {
                "title": "Membre ajouté",
                "territory": territory,
                "member": user,
                "link": set_password_url(request, user),
            },
        )
    messages.success(request, f"{user.get_username()} a rejoint l'équipe.")
    return redirect("team", territory.kind, territory.code)


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
    rows = [
        (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}") if can_manage else None)
        for m in memberships
    ]
    return render(
        request,
        "accounts/team.html",
        {
            "title": f"Équipe — {territory.nom}",
            "territory": territory,
            "rows": rows,
            "can_manage": can_manage,
            "form": form or AddMemberForm(),
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
    """Add a member by e-mail address (manager of the territory or national administrator)."""
    territory = _territory(request, "accounts.add_member", kind, code)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _team_page(request, territory, form=form, status=400)
    with transaction.atomic():
        added = _add_member(
            request, territory, form.cleaned_data["email"], form.cleaned_data["role"]
        )
    if added is None:
        form.add_error("email", "Cette personne fait déjà partie de l'équipe.")
        return _team_page(request, territory, form=form, status=400)
    user, created = added
    return _member_added(request, territory, user, created)


def _managers_left(membership: Membership) -> int:
    return (
        Membership.objects.filter(territory=membership.territory, role=Role.MANAGER)
        .exclude(pk=membership.pk)
        .count()
    )


@login_required
@require_POST
def change_role(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Give a member another territorial role (the team keeps at least one manager)."""
    membership = _membership(request, kind, code, pk)
    form = RoleForm(request.POST, prefix=f"m{pk}")
    if not form.is_valid():
        messages.error(request, "Rôle invalide : choisissez membre, lecteur ou gestionnaire.")
    elif (
        form.cleaned_data["role"] != Role.MANAGER
        and membership.role == Role.MANAGER
        and (_managers_left(membership) == 0)
    ):
        messages.error(request, "L'équipe doit garder au moins un gestionnaire.")
    else:
        membership.role = form.cleaned_data["role"]
        membership.save()
        messages.success(
            request,
            f"{membership.user.get_username()} : {membership.get_role_display().lower()}.",
        )
    return redirect("team", kind, code)


@login_required
@require_POST
def remove_member(request: HttpRequest, kind: str, code: str, pk: int) -> HttpResponse:
    """Remove a member from the team (the team keeps at least one manager)."""
    membership = _membership(request, kind, code, pk)
    if membership.role == Role.MANAGER and _managers_left(membership) == 0:
        messages.error(request, "L'équipe doit garder au moins un gestionnaire.")
    else:
        name = membership.user.get_username()
        membership.delete()
        messages.success(request, f"{name} ne fait plus partie de l'équipe.")
    return redirect("team", kind, code)


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
                if territory.memberships.exists():
                    form.add_error("territoire", "Ce territoire a déjà une équipe.")
                    added = None
                else:
                    added = _add_member(
                        request, territory, form.cleaned_data["email"], str(Role.MANAGER)
                    )
            if added is not None:
                user, created = added
                return _member_added(request, territory, user, created)
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


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from the one-time link given by a manager."""

    form_class = DsfrSetPasswordForm
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("password_set_done")
    extra_context = {"title": "Choisir un mot de passe"}  # noqa: RUF012  (Django's attribute)


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    """The password is set: log in."""

    template_name = "accounts/password_set_done.html"
    extra_context = {"title": "Mot de passe enregistré"}  # noqa: RUF012
