"""Rights on the grid pages: the project looked up once the permission on its territory is
checked (403 whether or not it exists, then 404), as for every territory's data."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from teletravail.web.grille.models import GridProject, GridSite
from teletravail.web.surveys.access import require


def project_for(request: HttpRequest, perm: str, pk: int) -> GridProject:
    """The project ``pk`` once ``perm`` is checked on its territory (403, then 404)."""
    found = GridProject.objects.select_related("territory").filter(pk=pk).first()
    require(request, perm, found.territory if found else None)
    if found is None:
        raise Http404("Aucun projet n'a cet identifiant.")
    return found


def site_of(project: GridProject, site_pk: int) -> GridSite:
    """The site ``site_pk`` of the project, or 404."""
    found = project.sites.filter(pk=site_pk).first()
    if found is None:
        raise Http404("Ce site ne fait pas partie du projet.")
    return found
