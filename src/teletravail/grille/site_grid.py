"""From a site's facts (:class:`teletravail.grille.site_models.SiteFacts`) to the flat facts the
grid's criteria read (:data:`teletravail.grille.catalogue.FACTS`), and the facts of a project's
sites computed from the warehouse.

Mapping (each None stays None: « donnée non disponible », never 0):

- ``actifs_navetteurs_20km``: residents of the 20 km area who commute beyond 20 km (estimated);
- ``teletravailleurs_estimes``: the estimated teleworkers among them;
- ``distance_gare_km``, ``departs_train``: the nearest passenger station (straight line, km) and
  its train departures on the reference day (None when no station lies within the radius);
- ``distance_centre_km``: distance to the centre of the commune containing the site;
- ``friches_commune``, ``taux_vacance_commune_pct``: brownfields and vacancy of that commune;
- ``france_services_1km``: France services within 1 km.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from teletravail.grille.catalogue import FACTS
from teletravail.grille.model import Project, Site
from teletravail.grille.site import FRANCE_SERVICES_KM, site_facts
from teletravail.grille.site_models import SiteFacts, TeamThirdPlace

if FRANCE_SERVICES_KM != 1.0:  # the fact's name says 1 km
    raise RuntimeError("france_services_1km suppose un rayon de 1 km")


def grid_facts(facts: SiteFacts) -> dict[str, float | None]:
    """The grid's facts (keys of ``FACTS``) of one site."""
    nearest = facts.gares.gares[0] if facts.gares.gares else None
    fs = facts.france_services.nombre
    out: dict[str, float | None] = {
        "actifs_navetteurs_20km": facts.navetteurs.navetteurs_longs,
        "teletravailleurs_estimes": facts.navetteurs.teletravailleurs_estimes,
        "distance_gare_km": nearest.distance_km if nearest else None,
        "departs_train": (
            float(nearest.departs_train)
            if nearest is not None and nearest.departs_train is not None
            else None
        ),
        "distance_centre_km": facts.centre.distance_km,
        "friches_commune": (
            float(facts.foncier.friches) if facts.foncier.friches is not None else None
        ),
        "taux_vacance_commune_pct": facts.foncier.taux_vacance_pct,
        "france_services_1km": float(fs) if fs is not None else None,
    }
    if set(out) != set(FACTS):  # a fact added to the grid must be mapped here
        raise RuntimeError(f"faits de la grille non reliés : {sorted(set(FACTS) ^ set(out))}")
    return out


def with_facts(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    *,
    team_places: Sequence[TeamThirdPlace] = (),
) -> tuple[Project, dict[str, SiteFacts]]:
    """The project with each located site's facts computed from the derived warehouse ``con``
    (a fact already given for a site, e.g. typed in the workbook, is kept), and the full facts
    per site id. Sites without coordinates keep their facts as given."""
    located = [
        (s.id, s.lat, s.lon) for s in project.sites if s.lat is not None and s.lon is not None
    ]
    if not located:
        return project, {}
    computed = {
        f.id: f
        for f in site_facts(
            con,
            [(i, float(la), float(lo)) for i, la, lo in located],
            tiers_lieux_equipe=team_places,
        )
    }
    sites: list[Site] = []
    for site in project.sites:
        found = computed.get(site.id)
        if found is None:
            sites.append(site)
            continue
        merged = {**grid_facts(found), **{k: v for k, v in site.faits.items() if v is not None}}
        sites.append(site.model_copy(update={"faits": merged}))
    return project.model_copy(update={"sites": sites}), computed
