"""Generate the French methodology of the station-district profile, ``docs/methodologie/portrait-gare.md``.

Everything comes from the declarations: ``portrait.toml`` (scale, themes, features, thresholds,
actions) and the source catalogue (citation and vintage of each source). A test fails when the
committed file is stale.

Usage: ``python -m teletravail.gares.methodology [--output FILE] [--check]``.
"""

from __future__ import annotations

from pathlib import Path

from teletravail.docgen import generate
from teletravail.format_fr import agree_unit, format_duration, format_number, plural
from teletravail.gares.catalogue import DIRECTION_LABELS, Feature, Portrait, load_portrait
from teletravail.opendata.catalogue import Source, load_catalogue

DEFAULT_OUTPUT = Path("docs") / "methodologie" / "portrait-gare.md"

_INTRO = """\
# Portrait-robot du quartier de gare

> Document généré à partir de la déclaration du portrait-robot (`src/teletravail/gares/portrait.toml`)
> et du catalogue des sources par `python -m teletravail.gares.methodology`. Ne pas le modifier à
> la main : modifier la déclaration puis relancer la commande (un test échoue quand ce fichier n'est
> plus à jour).

La publication « Télétravail et villes moyennes : quelles mutations ? » (Fabrique Prospective de
l'ANCT, 2023) propose trois outils aux villes moyennes ; le troisième est un portrait-robot du
quartier de gare de demain en ville moyenne. Ce document le décrit tel que l'application l'utilise :
une liste de caractéristiques, rangées en quatre thèmes, à laquelle toute gare de voyageurs peut être
comparée. Chaque caractéristique est soit **calculée à partir des données ouvertes** (horaires,
fréquentation et équipements des gares, services, foncier et logement de la commune), soit
**observée sur place** par l'équipe du territoire, qui répond à une question en choisissant l'une
des quatre réponses proposées.

La commande `teletravail gare` évalue une gare désignée par son nom, son code UIC ou sa commune (la
gare de la commune qui a le plus de départs de trains le jour de référence). Dans l'application web,
la page « Quartiers de gare » (`/gares/`) cherche une gare de la même façon et affiche son portrait ;
l'API en donne le même contenu en JSON.
"""

_RULES = """\
## Lecture d'une gare

- **Niveau d'une caractéristique calculée** : la valeur de la gare est comparée aux seuils de la
  caractéristique. Quand la donnée manque (gare absente des horaires, commune sans vente
  d'appartement, fichier facultatif non chargé), la caractéristique n'a pas de niveau : elle est
  marquée « donnée non disponible », jamais « absent ».
- **Niveau d'une caractéristique observée sur place** : la réponse choisie par l'équipe. Tant
  qu'aucune réponse n'est enregistrée, la caractéristique est « à observer sur place » et figure dans
  la liste des observations à faire.
- **Niveau d'un thème** : la moyenne des niveaux connus de ses caractéristiques, arrondie à l'entier
  inférieur (une moyenne de 1,75 donne « à renforcer ») ; le nombre de caractéristiques sans niveau
  est donné à côté. Un thème dont aucune caractéristique n'a de niveau n'est pas évalué.
- **Écarts** : les caractéristiques dont le niveau est connu et inférieur à « satisfaisant ». Chacun
  est accompagné des actions qui le comblent et d'exemples de qui peut les porter.
- **Seuils** : pour un sens « plus la valeur est élevée, mieux c'est », la gare atteint le niveau du
  plus haut seuil que sa valeur égale ou dépasse ; pour un sens « plus la valeur est faible, mieux
  c'est », le niveau du plus bas seuil que sa valeur ne dépasse pas. Les heures sont celles de la
  journée de service (un départ à 0 h 10 compte comme 24 h 10). Les seuils sont des repères fixés
  pour une ville moyenne, à discuter localement ; ce ne sont pas des normes.
"""


def _hours(value: float) -> str:
    hours = int(value)
    minutes = round((value - hours) * 60)
    return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"


def _value(feature: Feature, value: float) -> str:
    if feature.unite == "heure":
        return _hours(value)
    if feature.unite == "minutes":  # a duration: the one format, "1 h 15 min"
        return format_duration(value)
    decimals = 0 if value == int(value) else 1
    return f"{format_number(value, decimals)} {agree_unit(value, feature.unite or '')}"


def _thresholds(portrait: Portrait, feature: Feature) -> list[str]:
    if feature.sens in ("booleen", "liste"):
        yes, no = ("oui", "non") if feature.sens == "booleen" else ("liste non vide", "liste vide")
        assert feature.niveau_oui is not None and feature.niveau_non is not None
        return [
            f"  - {yes} : niveau {feature.niveau_oui} « {portrait.level_label(feature.niveau_oui)} »",
            f"  - {no} : niveau {feature.niveau_non} « {portrait.level_label(feature.niveau_non)} »",
        ]
    word = "à partir de" if feature.sens == "croissant" else "jusqu'à"
    first = (
        "en dessous du seuil du niveau 1"
        if feature.sens == "croissant"
        else "au-delà du seuil du niveau 1"
    )
    lines = [f"  - niveau 0 « {portrait.level_label(0)} » : {first}"]
    seuils = feature.seuils or []
    for level, seuil in enumerate(seuils, start=1):
        if level < len(seuils) and seuils[level] == seuil:
            lines.append(
                f"  - niveau {level} « {portrait.level_label(level)} » : sans objet (même seuil "
                f"que le niveau {level + 1})"
            )
            continue
        lines.append(
            f"  - niveau {level} « {portrait.level_label(level)} » : {word} "
            f"{_value(feature, seuil)}"
        )
    return lines


def _source_line(source: Source | None, source_id: str) -> str:
    if source is None:
        return f"`{source_id}`"
    return source.citation


def _feature_md(portrait: Portrait, feature: Feature, sources: dict[str, Source]) -> str:
    lines = [
        f"### {feature.libelle} (`{feature.id}`)",
        "",
        f"- **Définition** : {feature.definition}",
    ]
    if feature.observation == "donnee":
        lines += [
            f"- **Observation** : calculée à partir des données (champ `{feature.champ}`), "
            f"unité : {feature.unite}",
            "- **Sources** : "
            + " ; ".join(_source_line(sources.get(s), s) for s in feature.sources),
            f"- **Seuils** ({DIRECTION_LABELS[feature.sens or 'croissant']}) :",
            *_thresholds(portrait, feature),
        ]
    else:
        lines += [
            "- **Observation** : sur place",
            f"- **Question** : {feature.question}",
            "- **Réponses** :",
            *(
                f"  - niveau {level} « {portrait.level_label(level)} » : {answer}"
                for level, answer in enumerate(feature.reponses or [])
            ),
        ]
    lines += [f"- **Pourquoi pour le télétravail** : {feature.pourquoi}", "- **Actions** :"]
    lines += [f"  - {a.texte} Porteurs : {', '.join(a.porteurs)}." for a in feature.actions]
    return "\n".join(lines) + "\n"


_COMPARISON = """## Comparaison avec les gares des communes Action Cœur de Ville

**Gare principale d'une commune.** Parmi les gares qui desservent la commune (sur son territoire ou
à moins de 5 km de son centre, règle du diagnostic), celle qui a le plus de départs de trains le jour
de référence ; à égalité, le plus de départs de cars, puis le plus de voyageurs en 2023, puis le plus
petit code UIC. Une commune dont aucune gare n'a de départ dans les horaires disponibles (réseaux
absents des horaires, lignes fermées) garde sa gare la plus fréquentée, et la ligne le dit ; une
commune qu'aucune gare ne dessert est listée à la fin, sans rang.

**Centile ACV.** Pour chaque valeur chiffrée du portrait : la part des gares principales des
communes Action Cœur de Ville dont la valeur est plus basse, les ex æquo comptés pour moitié, parmi
celles qui ont une valeur (au moins 10). Le centile situe la valeur ; il ne dit pas si elle est bonne
(un trajet plus court est meilleur, un centile bas l'est donc).

**Classement des gares** (page « Classement des gares » des quartiers de gare). Chaque gare principale est évaluée sur
les caractéristiques calculées à partir des données ouvertes (les observations de terrain ne sont pas
connues) ; le rang suit la moyenne des niveaux connus (0 à 3), puis le nombre de départs de trains,
puis le code de la commune. La colonne « caractéristiques sans donnée » dit combien de
caractéristiques n'ont pas de valeur : la ligne est alors marquée « incomplet », et sa moyenne porte
sur les autres.

## Évaluation par l'équipe d'un territoire

L'équipe d'une commune ou d'un EPCI que la gare dessert (gare sur son territoire ou à moins de 5 km
du centre d'une de ses communes, règle du diagnostic) enregistre ses observations de terrain sur la
page d'évaluation de la gare : une réponse (niveau 0 à 3) par caractéristique observée sur place,
« non observé » tant qu'elle ne l'a pas vue, un commentaire facultatif par caractéristique et des
notes. Les niveaux des thèmes, les écarts et les actions sont alors recalculés avec ces réponses ; le
portrait public, lui, ne montre que les données ouvertes.

- **Droits** : les membres et gestionnaires de l'équipe enregistrent, les lecteurs consultent ; les
  autres comptes n'y ont pas accès. Les notes ne doivent pas contenir de données personnelles.
- **Historique** : chaque enregistrement est conservé (date, auteur, niveaux posés ou modifiés,
  commentaires et notes modifiés).
- **Enregistrements simultanés** : si un collègue a enregistré entre le moment où la page a été
  ouverte et l'enregistrement, celui-ci est refusé sans rien perdre de la saisie, pour que personne
  n'écrase sans le savoir les observations d'un autre.
"""


def render_methodology(portrait: Portrait | None = None) -> str:
    """The full Markdown text of the profile's methodology."""
    cat = portrait or load_portrait()
    sources = {s.id: s for s in load_catalogue()}
    scale = ["## Échelle des niveaux", "", "| niveau | libellé | signification |", "|---|---|---|"]
    scale += [f"| {lv.valeur} | {lv.libelle} | {lv.description} |" for lv in cat.levels]
    summary = ["## Sommaire des thèmes", ""]
    for n, t in enumerate(cat.themes, start=1):
        feats = cat.of_theme(t.id)
        data = sum(1 for f in feats if f.observation == "donnee")
        summary.append(
            f"{n}. {t.libelle} : {data} "
            f"{plural(data, 'caractéristique calculée', 'caractéristiques calculées')}, "
            f"{len(feats) - data} {plural(len(feats) - data, 'observée')} sur place"
        )
    parts = [_INTRO, "\n".join(scale) + "\n", _RULES, "\n".join(summary) + "\n"]
    for n, t in enumerate(cat.themes, start=1):
        body = "\n".join(_feature_md(cat, f, sources) for f in cat.of_theme(t.id))
        parts.append(f"## {n}. {t.libelle}\n\n{t.description}\n\n{body}")
    parts.append(_COMPARISON)
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the methodology (or, with ``--check``, exit 1 when the file is stale)."""
    return generate(
        argv,
        render=render_methodology,
        default_output=DEFAULT_OUTPUT,
        module="teletravail.gares.methodology",
    )


if __name__ == "__main__":
    raise SystemExit(main())
