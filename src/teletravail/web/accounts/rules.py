"""Object-level rights (django-rules): every predicate and permission of the application, here only.

Permissions take a ``Territory`` as object:
- ``accounts.view_territory``: any role on the territory (reader and above);
- ``accounts.contribute_territory``: member or manager (campaigns, grids, programmes);
- ``accounts.manage_territory``: manager (the team and its roles).
A national administrator (or a superuser) holds every permission on every territory.
"""

from __future__ import annotations

from typing import TypeAlias

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from teletravail.web.accounts.models import Membership, Role, Territory

User: TypeAlias = AbstractBaseUser | AnonymousUser

READ_ROLES = (Role.READER, Role.MEMBER, Role.MANAGER)
CONTRIBUTE_ROLES = (Role.MEMBER, Role.MANAGER)
MANAGE_ROLES = (Role.MANAGER,)


def _has_role(user: User, territory: Territory | None, roles: tuple[object, ...]) -> bool:
    if territory is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, territory=territory, role__in=roles).exists()


@rules.predicate
def is_national_admin(user: User) -> bool:
    """A superuser, or a user with the national administrator role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.NATIONAL_ADMIN).exists()


@rules.predicate
def can_read(user: User, territory: Territory | None) -> bool:
    """Any role on the territory."""
    return _has_role(user, territory, READ_ROLES)


@rules.predicate
def can_contribute(user: User, territory: Territory | None) -> bool:
    """Member or manager of the territory."""
    return _has_role(user, territory, CONTRIBUTE_ROLES)


@rules.predicate
def can_manage(user: User, territory: Territory | None) -> bool:
    """Manager of the territory."""
    return _has_role(user, territory, MANAGE_ROLES)


rules.add_perm("accounts.view_territory", is_national_admin | can_read)
rules.add_perm("accounts.contribute_territory", is_national_admin | can_contribute)
rules.add_perm("accounts.manage_territory", is_national_admin | can_manage)


# --- Territory teams, API tokens (the pages of ``teletravail.web.accounts.views``) ---


@rules.predicate
def is_active_user(user: User) -> bool:
    """A signed-in, active account."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def owns_token(user: User, token: object) -> bool:
    """The API token belongs to the user."""
    return is_active_user(user) and getattr(token, "user_id", None) == user.pk


@rules.predicate
def manages_membership_territory(user: User, membership: Membership | None) -> bool:
    """The user manages the territory of this (territorial) membership."""
    if membership is None or membership.territory_id is None:
        return False
    return _has_role(user, membership.territory, MANAGE_ROLES)


@rules.predicate
def manages_invitation_territory(user: User, invitation: object) -> bool:
    """The user manages the territory the invitation is for."""
    territory = getattr(invitation, "territory", None)
    return territory is not None and _has_role(user, territory, MANAGE_ROLES)


@rules.predicate
def is_own_membership(user: User, membership: Membership | None) -> bool:
    """The membership is the user's own (leaving a team)."""
    return membership is not None and is_active_user(user) and membership.user_id == user.pk


@rules.predicate
def is_national_membership(user: User, membership: Membership | None) -> bool:
    """The membership is the national administrator role (handled in the back office only)."""
    return membership is not None and membership.territory_id is None


# Object: none. The list of one's teams and one's API tokens.
rules.add_perm("accounts.list_teams", is_active_user)
rules.add_perm("accounts.manage_tokens", is_active_user)
# Object: an ApiToken.
rules.add_perm("accounts.delete_token", owns_token)
# Object: none. Creating a territory team is for national administrators.
rules.add_perm("accounts.create_team", is_national_admin)
# Object: a Territory. Seeing its team, adding members (private data of the territory).
rules.add_perm("accounts.view_team", is_national_admin | can_read)
rules.add_perm("accounts.add_member", is_national_admin | can_manage)
# Object: a Membership. Changing its role or removing it (never the national role here).
rules.add_perm(
    "accounts.change_membership",
    ~is_national_membership & (is_national_admin | manages_membership_territory),
)
# Object: a Membership. Removing it: the team's managers, or the member leaving the team.
rules.add_perm(
    "accounts.remove_membership",
    ~is_national_membership
    & (is_national_admin | manages_membership_territory | is_own_membership),
)
# Object: an Invitation. Re-sending or revoking it (the team's managers).
rules.add_perm("accounts.manage_invitation", is_national_admin | manages_invitation_territory)
