"""Rights on the programme pages. The territory's team reads (any role), members and managers
contribute (actions, comments, indicators), managers decide (vision, themes, publication, import,
deleting an action); any signed-in user reads a published programme, without its comments.
A user without the right gets 403 whether or not the programme exists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from teletravail.web.accounts.models import Territory, TerritoryKind
from teletravail.web.programmes import service
from teletravail.web.programmes.models import ProgrammeAction, TerritoryProgramme


def _denied() -> PermissionDenied:
    return PermissionDenied("Vous n'avez pas les droits nécessaires sur ce programme.")


def programme_for(request: HttpRequest, kind: str, code: str, perm: str) -> TerritoryProgramme:
    """The programme of ``kind``/``code`` once ``perm`` is checked (``service.READ`` also lets
    any signed-in user read a published programme); created empty for the team on first use."""
    territory = (
        Territory.objects.filter(kind=kind, code=code).first()
        if kind in TerritoryKind.values
        else None
    )
    if territory is None:
        raise _denied()
    if request.user.has_perm(perm, territory):
        return service.programme_of(territory)
    found = TerritoryProgramme.objects.filter(territory=territory).first()
    if perm == service.READ and found is not None and service.may_read(request.user, found):
        return found
    raise _denied()


def action_for(request: HttpRequest, pk: int, perm: str) -> ProgrammeAction:
    """The action ``pk`` once ``perm`` is checked on its programme (403, then 404)."""
    found = ProgrammeAction.objects.select_related("programme__territory").filter(pk=pk).first()
    allowed = found is not None and (
        request.user.has_perm(perm, found.programme.territory)
        or (perm == service.READ and service.may_read(request.user, found.programme))
    )
    if not allowed:
        raise _denied()
    if found is None:  # pragma: no cover - unreachable: refused above
        raise Http404("Aucune action n'a cet identifiant.")
    return found
