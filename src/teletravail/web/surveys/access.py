"""Rights on the survey pages: territory and campaign looked up once the permission is checked.

A user without the right gets 403 whether or not the object exists (existence is not revealed);
the views are wrapped in ``login_required``, so anonymous visitors go to the login page first.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from teletravail.web.accounts.models import Territory, TerritoryKind
from teletravail.web.surveys.models import Campaign, SurveyForm

READ = "accounts.view_territory"
CONTRIBUTE = "accounts.contribute_territory"
MANAGE = "accounts.manage_territory"


def require(request: HttpRequest, perm: str, territory: Territory | None) -> None:
    """403 unless the user holds ``perm`` on ``territory``."""
    if not request.user.has_perm(perm, territory):
        raise PermissionDenied("Vous n'avez pas les droits nécessaires sur ce territoire.")


def territory_for(request: HttpRequest, perm: str, kind: str, code: str) -> Territory:
    """The territory ``kind``/``code`` once ``perm`` is checked (403, then 404)."""
    found = (
        Territory.objects.filter(kind=kind, code=code).first()
        if kind in TerritoryKind.values
        else None
    )
    require(request, perm, found)
    if found is None:
        raise Http404("Aucune équipe pour ce territoire.")
    return found


def campaign_for(request: HttpRequest, perm: str, pk: int) -> Campaign:
    """The campaign ``pk`` once ``perm`` is checked on its territory (403, then 404)."""
    found = Campaign.objects.select_related("territory").filter(pk=pk).first()
    require(request, perm, found.territory if found else None)
    if found is None:
        raise Http404("Aucune campagne n'a cet identifiant.")
    return found


def campaign_form(campaign: Campaign, slug: str) -> SurveyForm:
    """The form ``slug`` of the campaign, or 404 (slugs of imported forms never repeat a shipped
    one, see ``service.free_slug``)."""
    found = campaign.forms.filter(slug=slug).first()
    if found is None:
        raise Http404("Ce formulaire ne fait pas partie de la campagne.")
    return found
