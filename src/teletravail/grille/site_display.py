"""French text of a site's facts: one row per fact (label, value, source ids), for the CLI, the
web pages and the reports alike. None is shown as « donnée non disponible »."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from teletravail.format_fr import count_text, format_decimal, format_duration, format_number
from teletravail.grille.site_models import NOT_AVAILABLE, NearbyStation, SiteFacts

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class FactRow(BaseModel):
    """One displayed fact: ``libelle``, ``valeur`` (French text), ``sources`` (catalogue ids)."""

    model_config = ConfigDict(frozen=True)

    libelle: str
    valeur: str
    sources: tuple[str, ...]


def _km(value: float | None) -> str:
    return f"{format_decimal(value)} km" if value is not None else NOT_AVAILABLE


def _people(value: float | None, noun: str) -> str:
    return count_text(round(value), noun) if value is not None else NOT_AVAILABLE


def _yes_no(value: bool | None, signed: date | None) -> str:
    if value is None:
        return NOT_AVAILABLE
    if not value:
        return "non"
    return f"oui (signature le {signed:%d/%m/%Y})" if signed else "oui"


def station_text(g: NearbyStation) -> str:
    """« Vitré (UIC 87471508) à 0,4 km : 48 départs de train, 0 départ d'autocar, Rennes
    Métropole en 20 min »."""
    trains = (
        count_text(g.departs_train, "départ") + " de train"
        if g.departs_train is not None
        else (f"départs de train : {NOT_AVAILABLE}")
    )
    coaches = (
        count_text(g.departs_car, "départ") + " d'autocar"
        if g.departs_car is not None
        else f"départs d'autocar : {NOT_AVAILABLE}"
    )
    metro = (
        f"{g.metropole_nom} en {format_duration(g.duree_metropole_min)}"
        if g.metropole_nom and g.duree_metropole_min is not None
        else f"métropole en train : {NOT_AVAILABLE}"
    )
    return f"{g.nom} (UIC {g.uic}) à {_km(g.distance_km)} : {trains}, {coaches}, {metro}"


def fact_rows(f: SiteFacts) -> list[FactRow]:
    """The displayed facts of a site, in reading order."""
    day = f.gares.jour
    rows = [
        FactRow(
            libelle="Commune",
            valeur=f"{f.commune.nom} ({f.commune.code}) — {f.commune.regle}",
            sources=f.commune.sources,
        )
    ]
    label = (
        f"Gares à moins de {format_number(f.gares.rayon_km)} km "
        f"({JOURS[day.weekday()]} {day:%d/%m/%Y})"
    )
    if f.gares.gares:
        for i, g in enumerate(f.gares.gares):
            rows.append(
                FactRow(
                    libelle=label if i == 0 else "", valeur=station_text(g), sources=f.gares.sources
                )
            )
    else:
        rows.append(
            FactRow(libelle=label, valeur="aucune gare de voyageurs", sources=f.gares.sources)
        )
    rows.append(
        FactRow(
            libelle="Distance au centre de la commune",
            valeur=_km(f.centre.distance_km),
            sources=f.centre.sources,
        )
    )
    r = f.residents
    for radius, pop, count in (
        (5, r.population_5km, r.communes_5km),
        (10, r.population_10km, r.communes_10km),
        (20, r.population_20km, r.communes_20km),
    ):
        rows.append(
            FactRow(
                libelle=f"Habitants à moins de {radius} km ({r.annee})",
                valeur=f"{_people(pop, 'habitant')} ({count_text(count, 'commune')})",
                sources=r.sources,
            )
        )
    n = f.navetteurs
    share = (
        f" ({format_number(n.part_navetteurs_longs_pct, 1)} % des {_people(n.actifs_residents, 'actif')})"
        if n.part_navetteurs_longs_pct is not None
        else ""
    )
    rows.append(
        FactRow(
            libelle=f"Actifs de la zone de {format_number(n.rayon_km)} km travaillant à plus de "
            f"{format_number(n.seuil_km)} km ({n.statut or NOT_AVAILABLE})",
            valeur=_people(n.navetteurs_longs, "actif") + share,
            sources=n.sources,
        )
    )
    rate = (
        f" (taux estimé {format_number(n.taux_teletravail_pct, 1)} %)"
        if n.taux_teletravail_pct is not None
        else ""
    )
    rows.append(
        FactRow(
            libelle="dont télétravailleurs (estimation)",
            valeur=_people(n.teletravailleurs_estimes, "actif") + rate,
            sources=n.sources,
        )
    )
    p = f.programmes
    rows.extend(
        [
            FactRow(
                libelle="Action Cœur de Ville",
                valeur=_yes_no(p.acv, p.acv_signature),
                sources=p.sources,
            ),
            FactRow(
                libelle="Petites villes de demain",
                valeur=_yes_no(p.pvd, p.pvd_signature),
                sources=p.sources,
            ),
            FactRow(
                libelle="Opération de revitalisation de territoire (ORT)",
                valeur=_yes_no(p.ort, p.ort_signature),
                sources=p.sources,
            ),
        ]
    )
    fs = f.france_services
    nearest = (
        f" ; la plus proche : {fs.plus_proche_nom} ({fs.plus_proche_commune}) à {_km(fs.plus_proche_km)}"
        if fs.plus_proche_nom
        else ""
    )
    rows.append(
        FactRow(
            libelle=f"France services à moins de {format_number(fs.rayon_km)} km",
            valeur=(str(fs.nombre) if fs.nombre is not None else NOT_AVAILABLE) + nearest,
            sources=fs.sources,
        )
    )
    land = f.foncier
    rows.extend(
        [
            FactRow(
                libelle="Friches référencées dans la commune",
                valeur=str(land.friches) if land.friches is not None else NOT_AVAILABLE,
                sources=land.friches_sources,
            ),
            FactRow(
                libelle="Logements vacants du parc privé de la commune",
                valeur=f"{format_number(land.taux_vacance_pct, 1)} %"
                if land.taux_vacance_pct is not None
                else NOT_AVAILABLE,
                sources=land.vacance_sources,
            ),
            FactRow(
                libelle="Grille de densité",
                valeur=f"{f.densite.niveau} — {f.densite.libelle}"
                if f.densite.niveau is not None
                else NOT_AVAILABLE,
                sources=f.densite.sources,
            ),
        ]
    )
    t = f.tiers_lieux
    places = "; ".join(
        f"{p.nom} à {_km(p.distance_km)} ({'saisi par l’équipe' if p.origine == 'équipe' else 'recensement'})"
        for p in t.lieux
    )
    rows.append(
        FactRow(
            libelle="Tiers-lieux connus",
            valeur=(places or ("aucun" if t.recensement_disponible else NOT_AVAILABLE))
            + f" — {t.statut}",
            sources=t.sources,
        )
    )
    return rows
