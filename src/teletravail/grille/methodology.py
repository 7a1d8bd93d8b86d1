"""Generate the French methodology of the analysis grid, ``docs/methodologie/grille-projet.md``.

Everything comes from the declarations: ``grille.toml`` (scale, themes, criteria, facts and
thresholds, recommendations) and the rules' constants of the scoring, weighting and ranking
modules. A test fails when the committed file is stale.

Usage: ``python -m teletravail.grille.methodology [--output FILE] [--check]``.
"""

from __future__ import annotations

from pathlib import Path

from teletravail.docgen import generate
from teletravail.format_fr import agree_unit, format_number, plural
from teletravail.grille.catalogue import DIRECTION_LABELS, Criterion, Grid, load_grid
from teletravail.grille.ranking import DEFAULT_AMPLITUDE, DEFAULT_DRAWS, DEFAULT_SEED
from teletravail.grille.scoring import (
    DISAGREEMENT_RANGE,
    MAX_LISTED,
    STRENGTH_MIN,
    WEAKNESS_BELOW,
)
from teletravail.grille.weights import CR_LIMIT, RANDOM_INDEX

DEFAULT_OUTPUT = Path("docs") / "methodologie" / "grille-projet.md"

_INTRO = """\
# Grille d'analyse d'un projet de lieu adapté au télétravail

> Document généré à partir de la déclaration de la grille (`src/teletravail/grille/grille.toml`)
> par `python -m teletravail.grille.methodology`. Ne pas le modifier à la main : modifier la
> déclaration puis relancer la commande (un test échoue quand ce fichier n'est plus à jour).

La publication « Télétravail et villes moyennes : quelles mutations ? » (Fabrique Prospective de
l'ANCT, 2023) propose trois outils aux villes moyennes ; le deuxième est une grille d'analyse d'un
projet de lieu adapté au télétravail (tiers-lieu, espace de coworking, bureaux partagés). Ce
document la décrit telle que l'application l'utilise : des critères rangés en thèmes, chacun noté
de 0 à 4 par plusieurs évaluateurs, des poids, et la comparaison de sites candidats par des
méthodes multicritères reconnues, avec une analyse de sensibilité.

Chaque critère pose une question, décrit ce que vaut chaque niveau et dit quelles preuves
apporter. Quand un fait calculé à partir des données ouvertes l'éclaire (distance à la gare,
navetteurs, télétravailleurs estimés…), le fait est affiché à côté de la note ; quand le critère
fixe des seuils, le fait **suggère** une note, que les évaluateurs restent libres de suivre ou non.

Commandes : `teletravail grille modele --output projet.xlsx` écrit un classeur à remplir hors
ligne (sites, notes de chaque évaluateur, poids, comparaison par paires facultative, mode
d'emploi) ; `teletravail grille evaluer projet.xlsx` l'évalue (texte, HTML, PDF, JSON ou XLSX).
"""


def _rules() -> str:
    ri = ", ".join(f"{n} : {format_number(v, 2)}" for n, v in RANDOM_INDEX.items() if 3 <= n <= 10)
    amplitude = format_number(DEFAULT_AMPLITUDE * 100, 0)
    return f"""\
## Notation et agrégation

- **Note** : chaque évaluateur note chaque critère de chaque site de 0 à 4, ou laisse la case
  vide (« non noté »). Une case vide n'est jamais comptée comme 0 : elle est écartée.
- **Synthèse d'un critère** : pour chaque site, le nombre de notes, la **médiane**, la note la plus
  basse et la plus haute, le premier et le troisième quartile (interpolation linéaire) et
  l'étendue (plus haute − plus basse).
- **Désaccord** : un critère est signalé quand au moins deux évaluateurs l'ont noté et que
  l'étendue atteint {DISAGREEMENT_RANGE} niveaux (par exemple 1 et 3). Un désaccord appelle une
  discussion entre évaluateurs, preuves à l'appui, avant de conclure.
- **Note d'un thème** : moyenne des médianes de ses critères, pondérée par leurs poids, sur les
  critères qui ont une médiane ; le nombre de critères non notés est donné à côté. **Note
  globale** : la moyenne des notes des thèmes pondérée par leurs poids. Les deux sont sur
  l'échelle de 0 à 4.
- **Points forts** : les critères de médiane au moins {format_number(STRENGTH_MIN, 0)}
  (« bon »), les meilleurs d'abord ; **points faibles** : les critères de médiane inférieure à
  {format_number(WEAKNESS_BELOW, 0)} (« moyen »), les plus faibles d'abord ; {MAX_LISTED} au plus
  chacun, à égalité le critère le plus lourd d'abord. Chaque point faible est accompagné des
  recommandations de la grille.

## Poids

- **Par défaut** : tous les thèmes pèsent autant, et dans un thème tous les critères pèsent
  autant.
- **Saisis** : un poids par thème et par critère (nombres positifs ou nuls, non forcément
  normalisés). Le poids effectif d'un critère est la part de son thème dans le total des thèmes
  multipliée par sa part dans le total des critères de son thème ; les poids effectifs font 1.
- **Comparaison par paires (AHP, Saaty)**, facultative, des thèmes entre eux et, dans un thème,
  de ses critères entre eux : pour chaque paire, on dit combien l'un est plus important que
  l'autre sur l'échelle de 1 (égale importance) à 9 (importance extrême), l'inverse dans l'autre
  sens (1/3 quand l'autre est modérément plus important). Les poids sont le vecteur propre
  principal normalisé de la matrice ; une comparaison utilisée remplace les poids saisis
  correspondants (ceux des thèmes, ou ceux des critères du thème). **Cohérence** : indice
  IC = (λmax − n) / (n − 1), ratio RC = IC / IA avec l'indice aléatoire de Saaty (n = {ri}) ;
  les comparaisons sont signalées incohérentes quand RC dépasse
  {format_number(CR_LIMIT, 2)} : il faut alors les revoir.

## Classement des sites

Matrice de décision : une ligne par site, une colonne par critère, la médiane des notes. Un
site qui n'a encore aucune note n'est pas classé (il est nommé à part). Seuls les critères notés
pour **tous** les sites classés entrent dans le classement (une case vide n'est jamais lue comme
0) ; les autres sont listés comme écartés et les poids sont renormalisés sur les critères
retenus. Les méthodes sont celles de la bibliothèque maintenue pymcdm (version 1.4.0) :

- **Somme pondérée (WSM)** : chaque note divisée par 4 (le maximum de l'échelle), puis somme
  pondérée ; la préférence est la note moyenne pondérée sur 4.
- **TOPSIS** (Hwang et Yoon, 1981) : normalisation min-max de chaque critère entre les sites
  (un critère où tous les sites ont la même note leur donne 1), distances au site idéal et au
  site anti-idéal pondérés ; la préférence est la proximité relative à l'idéal (0 à 1).
- **PROMETHEE II** (Brans et Vincke, 1985) avec le critère usuel (type I) : sur chaque critère,
  le site le mieux noté est préféré à l'autre quel que soit l'écart, ce qui convient à une
  échelle ordinale ; la préférence est le flux net (−1 à 1).

Rang 1 = meilleur site ; des sites à égalité partagent la moyenne de leurs rangs.

## Analyse de sensibilité

Les poids effectifs des critères retenus sont perturbés {DEFAULT_DRAWS} fois par défaut : chacun
est multiplié par un facteur tiré uniformément entre −{amplitude} % et +{amplitude} %, puis les
poids sont renormalisés pour faire 1. Le générateur est initialisé par une graine (par défaut
{DEFAULT_SEED}) : la même graine donne les mêmes résultats. Pour chaque méthode et chaque site :
la part des tirages où le site garde son rang, et la part où il est premier (seul ou à égalité).
Un site premier dans presque tous les tirages l'est de façon robuste ; un classement qui change
souvent dit que les sites sont proches et que le choix tient à la pondération.

Les tirages sont calculés ensemble par des produits de matrices (numpy) qui reproduisent les
formules de pymcdm ; les tests vérifient l'égalité avec pymcdm pour les poids de base.
"""


def _value(criterion: Criterion, value: float) -> str:
    decimals = 0 if value == int(value) else 1
    return f"{format_number(value, decimals)} {agree_unit(value, criterion.unite or '')}".strip()


def _fact_lines(grid: Grid, c: Criterion) -> list[str]:
    if c.fait is None:
        return ["- **Fait calculé** : aucun (critère noté sur pièces et sur place)"]
    if not c.suggests or c.seuils is None:
        return [
            f"- **Fait calculé** : `{c.fait}` ({c.unite}), affiché pour éclairer la note, sans "
            "note suggérée"
        ]
    word = "à partir de" if c.sens == "croissant" else "jusqu'à"
    lines = [
        f"- **Fait calculé** : `{c.fait}` ({c.unite}) ; note suggérée "
        f"({DIRECTION_LABELS[c.sens or 'croissant']}) :",
        f"  - 0 « {grid.level_label(0)} » : "
        + (
            "en dessous du seuil du niveau 1"
            if c.sens == "croissant"
            else "au-delà du seuil du niveau 1"
        ),
    ]
    for level, seuil in enumerate(c.seuils, start=1):
        lines.append(f"  - {level} « {grid.level_label(level)} » : {word} {_value(c, seuil)}")
    return lines


def _criterion_md(grid: Grid, c: Criterion) -> str:
    lines = [
        f"### {c.libelle} (`{c.id}`)",
        "",
        f"- **Question** : {c.question}",
        "- **Niveaux** :",
        *(f"  - {n} « {grid.level_label(n)} » : {text}" for n, text in enumerate(c.niveaux)),
        f"- **Preuves attendues** : {c.preuves}",
        *_fact_lines(grid, c),
        "- **Recommandations si le critère est faible** :",
        *(f"  - {r}" for r in c.recommandations),
    ]
    return "\n".join(lines) + "\n"


def render_methodology(grid: Grid | None = None) -> str:
    """The full Markdown text of the grid's methodology."""
    g = grid or load_grid()
    scale = ["## Échelle des notes", "", "| note | libellé | signification |", "|---|---|---|"]
    scale += [f"| {lv.valeur} | {lv.libelle} | {lv.description} |" for lv in g.levels]
    summary = ["## Sommaire des thèmes", ""]
    for n, t in enumerate(g.themes, start=1):
        crits = g.of_theme(t.id)
        facts = sum(1 for c in crits if c.fait is not None)
        summary.append(
            f"{n}. {t.libelle} : {len(crits)} {plural(len(crits), 'critère')}, dont {facts} "
            f"{plural(facts, 'éclairé')} par un fait calculé"
        )
    parts = [_INTRO, "\n".join(scale) + "\n", _rules(), "\n".join(summary) + "\n"]
    for n, t in enumerate(g.themes, start=1):
        body = "\n".join(_criterion_md(g, c) for c in g.of_theme(t.id))
        parts.append(f"## {n}. {t.libelle}\n\n{t.description}\n\n{body}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the methodology (or, with ``--check``, exit 1 when the file is stale)."""
    return generate(
        argv,
        render=render_methodology,
        default_output=DEFAULT_OUTPUT,
        module="teletravail.grille.methodology",
    )


if __name__ == "__main__":
    raise SystemExit(main())
