"""Generate the French methodology of the indicators, ``docs/methodologie/indicateurs.md``.

Everything comes from the declarations: ``indicators.toml`` (indicators, telework rates, score
model), the source catalogue (citation and vintage of each source) and the reference figures
(published values with their source and year). A test fails when the committed file is stale.

Usage: ``python -m teletravail.diagnostic.methodology [--output FILE] [--check]``.
"""

from __future__ import annotations

from pathlib import Path

from teletravail.diagnostic.catalogue import (
    LEVEL_KEYS,
    LEVEL_TABLES,
    Indicator,
    IndicatorCatalogue,
    load_indicator_catalogue,
)
from teletravail.diagnostic.reading import format_number
from teletravail.docgen import generate
from teletravail.opendata.catalogue import Source, load_catalogue
from teletravail.opendata.loaders.reference import Figure, package_figures

DEFAULT_OUTPUT = Path("docs") / "methodologie" / "indicateurs.md"
_NATURES = {
    "measured": "mesure (valeur publiée par le producteur)",
    "derived": "calcul (valeur calculée à partir de données publiées)",
    "estimated": "estimation (valeur modélisée, avec hypothèses)",
}
_LEVELS = {"commune": "commune", "epci": "EPCI"}

_INTRO = """\
# Méthodologie des indicateurs du diagnostic

> Document généré à partir des déclarations du paquet (`src/teletravail/diagnostic/indicators.toml`,
> catalogue des sources, chiffres de référence) par
> `python -m teletravail.diagnostic.methodology`. Ne pas le modifier à la main : modifier les
> déclarations puis relancer la commande (un test échoue quand ce fichier n'est plus à jour).

Chaque indicateur du diagnostic est déclaré une seule fois : identifiant, libellé, unité,
définition, formule, sources et millésimes, niveaux territoriaux, nature. La même déclaration sert
au calcul, aux rapports, à ce document et aux tests.

## Calcul et lecture

Tous les indicateurs sont calculés en une passe, en SQL dans l'entrepôt DuckDB, pour toutes les
communes et tous les EPCI de France à la fois (`teletravail.diagnostic.compute.compute_indicators`).
Les résultats sont rangés dans deux tables larges : `{commune_table}` (colonne `{commune_key}`, code
INSEE du COG 2026, puis une colonne par indicateur) et `{epci_table}` (colonne `{epci_key}`, puis une
colonne par indicateur). La valeur d'un EPCI est calculée à partir de ses communes membres au
1er janvier 2026 comme l'indique la rubrique « Valeur de l'EPCI » de chaque indicateur : les effectifs
sont additionnés (et la somme reste vide si une commune membre n'a pas de valeur publiée : jamais de
total partiel), les taux sont recalculés sur les effectifs additionnés, les médianes et les distances
sont des moyennes pondérées.

Chaque valeur lue pour un territoire porte sa nature :

- **mesure** : valeur publiée par le producteur de la donnée ;
- **calcul** : valeur calculée à partir de données publiées, selon la formule indiquée ;
- **estimation** : valeur modélisée ; ses hypothèses sont données, et elle sera remplacée par une
  mesure locale (enquête) quand elle existera.

Quand une source facultative manque (flux domicile-travail MOBPRO, recensement des tiers-lieux),
l'indicateur affiche « donnée non disponible » et nomme le fichier à déposer dans le dossier des
données ouvertes ; dès que le fichier est présent et l'entrepôt reconstruit, l'indicateur est
calculé. Une valeur vide d'une source chargée signifie que la donnée n'est pas publiée pour ce
territoire (secret statistique, commune absente de la source) ou qu'elle est sans objet.

Les distances « à vol d'oiseau » sont des distances du grand cercle (formule de haversine, rayon
terrestre moyen de 6 371 km) entre les centres des communes publiés par geo.api.gouv.fr. La
distance à une métropole est mesurée jusqu'au centre de sa **ville-centre**, la commune membre la
plus peuplée de la métropole (Paris, Lyon, Marseille, Lille...), plutôt que jusqu'à son centre
pondéré par la population, qui peut tomber hors de toute ville.
"""

_PEERS = """\
## Territoires comparables

Les territoires comparables (`teletravail.diagnostic.compute.find_peers`) sont choisis au même
niveau (communes pour une commune, EPCI pour un EPCI), selon la règle suivante :

1. d'abord ceux qui ont le même niveau de densité (grille communale à 7 niveaux ; pour un EPCI, le
   niveau où habite la plus grande part de sa population) **et** la même classe de taille d'aire
   d'attraction (AAV 2020 ; pour un EPCI, celle de sa commune la plus peuplée) ;
2. puis, s'il en manque, ceux qui ont seulement le même niveau de densité ;
3. puis, s'il en manque encore, les autres ;
4. à l'intérieur de chaque groupe, les plus proches en population 2023, l'écart étant mesuré en
   rapport de population (écart des logarithmes : 20 000 habitants est aussi proche de 10 000 que de
   40 000) ; à égalité, par code.
"""

_SYNTHESIS = """\
## Synthèse : à quoi chaque tuile est comparée

La synthèse qui ouvre le diagnostic (`teletravail.reports.synthesis`) présente six tuiles (taux de
télétravail, train vers la métropole, distance domicile-travail, note d'attractivité, évolution de
la population, prix des appartements). Chaque tuile compare la valeur du territoire à trois
médianes, calculées sur les territoires **du même niveau** (communes pour une commune, EPCI pour un
EPCI) :

1. **territoires comparables** : médiane des territoires comparables choisis comme ci-dessus ;
2. **département** : médiane des communes (ou des EPCI) du département du territoire. Le
   département d'une commune est celui du COG ; celui d'un EPCI est le département où habite la plus
   grande part de la population de ses communes membres (population municipale ; à égalité, le plus
   petit code), comme sur la fiche du territoire. Cette médiane n'est donnée que si au moins deux
   territoires du département ont une valeur (jamais le territoire seul) ;
3. **France** : médiane des communes (ou des EPCI) de France métropolitaine ; pour un territoire
   d'un département d'outre-mer, médiane de la France métropolitaine **et des DOM** (la tuile le
   dit). Un EPCI est rangé en France métropolitaine ou dans un DOM selon son département (règle
   ci-dessus) ; les collectivités d'outre-mer ne sont dans aucun des deux ensembles.

Chaque médiane porte sur les territoires qui ont une valeur ; une médiane sans valeur est omise de
la tuile (jamais remplacée par 0), et la tuile n'a pas de comparaison quand le territoire lui-même
n'a pas de valeur. Exemple : « médiane des 5 territoires comparables : 12,1 % ; des EPCI
d'Ille-et-Vilaine : 13,6 % ; des EPCI de France métropolitaine : 12,1 % ». Les phrases de la synthèse
situent le territoire par rapport à la médiane de ses territoires comparables et, pour le taux de
télétravail, la distance domicile-travail et le prix des appartements, par rapport à la médiane
française ; « proche » veut dire à moins de 5 % d'écart.
"""


def _source_line(source: Source | None, source_id: str) -> str:
    if source is None:
        return f"`{source_id}`"
    optional = " ; source facultative" if not source.required else ""
    return f"{source.citation} — millésime : {source.vintage} (`{source.id}`{optional})"


def _figure_line(fig: Figure) -> str:
    value = (
        "" if fig.value is None else f" : {format_number(fig.value, 1)} {fig.unit or ''}".rstrip()
    )
    year = f", {fig.year}" if fig.year is not None else ""
    return f"{fig.label}{value} ({fig.source}{year})"


def _indicator_md(ind: Indicator, sources: dict[str, Source], figures: dict[str, Figure]) -> str:
    lines = [
        f"### {ind.label} (`{ind.id}`)",
        "",
        f"- **Définition** : {ind.definition}",
        f"- **Formule** : {ind.formula}",
        f"- **Unité** : {ind.unit}" + (" (texte)" if ind.kind == "text" else ""),
        f"- **Nature** : {_NATURES[ind.nature]}",
        f"- **Niveaux** : {', '.join(_LEVELS[lv] for lv in ind.levels)}",
    ]
    if "epci" in ind.levels:
        lines.append(f"- **Valeur de l'EPCI** : {ind.aggregation}")
    lines.append("- **Sources** :")
    lines += [f"  - {_source_line(sources.get(s), s)}" for s in ind.sources]
    if ind.figures:
        lines.append("- **Chiffres publiés utilisés** :")
        lines += [f"  - {_figure_line(figures[f])}" for f in ind.figures if f in figures]
    if ind.reference_date is not None:
        lines.append(
            f"- **Date de la donnée** : {ind.reference_date:%d/%m/%Y} (son âge est "
            "affiché avec la valeur)"
        )
    if ind.coverage is not None:
        lines.append(
            f"- **Couverture** : affichée à côté de la valeur (indicateur `{ind.coverage}`)"
        )
    for req in ind.requires:
        src = sources[req]
        files = ", ".join(f"`{f.label}`" for f in src.files)
        lines.append(
            f"- **Donnée facultative** : sans le fichier {files} ({src.citation}), "
            "l'indicateur affiche « donnée non disponible »"
        )
    if ind.assumptions:
        lines.append("- **Hypothèses** :")
        lines += [f"  - {a}" for a in ind.assumptions]
    return "\n".join(lines) + "\n"


def _rates_md(cat: IndicatorCatalogue, figures: dict[str, Figure]) -> str:
    lines = [
        "## Estimation du télétravail des résidents",
        "",
        "Le taux de télétravail estimé applique à chaque catégorie socioprofessionnelle (CS) des "
        "actifs occupés de 25 à 54 ans résidents (recensement 2011, le plus récent disponible "
        "commune par commune hors ligne) le taux national publié pour cette catégorie. Taux retenus :",
        "",
        "| CS | catégorie | taux | origine |",
        "|---|---|---|---|",
    ]
    for r in sorted(cat.telework_rates, key=lambda r: r.cs):
        if r.figure is not None and r.figure in figures:
            fig = figures[r.figure]
            rate = fig.value or 0.0
            origin = f"{fig.source}, {fig.year} (`{fig.id}`)"
        else:
            rate = r.value or 0.0
            origin = f"hypothèse : {r.assumption}"
        lines.append(f"| {r.cs} | {r.label} | {format_number(rate, 1)} % | {origin} |")
    return "\n".join(lines) + "\n"


def _score_md(cat: IndicatorCatalogue) -> str:
    model = cat.score
    lines = [
        "## Méthode des scores d'attractivité (critères du Sénat)",
        "",
        "Le rapport d'information du Sénat n°89 (2021-2022), « 8 questions sur l'avenir du "
        "télétravail », désigne les villes moyennes les plus susceptibles de gagner au télétravail : "
        "(1) déjà bien équipées en services, (2) desservies par des infrastructures de transport bien "
        "connectées, (3) situées dans des régions qui gagnent des emplois ou des habitants, "
        "(4) proches d'une métropole. Chaque critère reçoit une note de 0 à 100.",
        "",
        " ".join(model.method.split()),
        "",
        "Note d'un sous-indicateur = 100 × (valeur − seuil « 0 ») ÷ (seuil « 100 » − seuil « 0 »), "
        "ramenée entre 0 et 100.",
        "",
    ]
    for c in sorted(model.criteria, key=lambda c: c.senat_rank):
        ind = cat.indicator(c.indicator)
        lines += [
            f"### Critère {c.senat_rank} : {ind.label.split(' : ', 1)[-1]} (`{c.indicator}`)",
            "",
            f"Poids dans le score d'attractivité : {format_number(c.weight, 2)}.",
            "",
            "| sous-indicateur | poids | seuil « 0 » | seuil « 100 » | valeur manquante | "
            "justification des seuils |",
            "|---|---|---|---|---|---|",
        ]
        for p in c.components:
            sub = cat.indicator(p.indicator)
            missing = "compte 0" if p.if_missing == "zero" else "écartée (poids ramenés à 1)"
            lines.append(
                f"| {sub.label} (`{sub.id}`, {sub.unit}) | {format_number(p.weight, 2)} | "
                f"{format_number(p.worst, 1)} | {format_number(p.best, 1)} | {missing} | "
                f"{p.justification} |"
            )
        lines.append("")
    overall = cat.indicator(model.indicator)
    lines.append(
        f"Le **{overall.label.lower()}** (`{overall.id}`) est la moyenne des notes des "
        "critères disponibles pondérée par leurs poids. C'est un outil de comparaison "
        "transparent, pas un classement officiel."
    )
    return "\n".join(lines) + "\n"


def render_methodology(cat: IndicatorCatalogue | None = None) -> str:
    """The full Markdown text of the methodology."""
    cat = cat or load_indicator_catalogue()
    sources = {s.id: s for s in load_catalogue()}
    figures = {f.id: f for f in package_figures()}
    parts = [
        _INTRO.format(
            commune_table=LEVEL_TABLES["commune"],
            commune_key=LEVEL_KEYS["commune"],
            epci_table=LEVEL_TABLES["epci"],
            epci_key=LEVEL_KEYS["epci"],
        )
    ]
    parts.append(
        "## Sommaire\n\n"
        + "\n".join(
            f"{t.order}. {t.label} ({len(cat.of_theme(t.id))} indicateurs)" for t in cat.themes
        )
        + "\n"
    )
    for theme in cat.themes:
        body = "\n".join(_indicator_md(i, sources, figures) for i in cat.of_theme(theme.id))
        parts.append(f"## {theme.order}. {theme.label}\n\n{theme.description}\n\n{body}")
    parts += [_rates_md(cat, figures), _score_md(cat), _PEERS, _SYNTHESIS]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the methodology (or, with ``--check``, exit 1 when the file is stale)."""
    return generate(
        argv,
        render=render_methodology,
        default_output=DEFAULT_OUTPUT,
        module="teletravail.diagnostic.methodology",
    )


if __name__ == "__main__":
    raise SystemExit(main())
