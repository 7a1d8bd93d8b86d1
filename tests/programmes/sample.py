"""A programme written for the tests: ``n`` actions spread over the default themes, statuses and
years, with fundings, motives and followed indicators."""

from __future__ import annotations

from datetime import date

from teletravail.programmes.model import (
    DEFAULT_THEMES,
    STATUSES,
    Action,
    FollowedIndicator,
    Funding,
    Motive,
    Programme,
)

_TITLES = (
    "Ouvrir un tiers-lieu dans l'ancienne poste du centre-ville",
    "Cadencer la ligne TER vers la métropole aux heures de pointe",
    "Créer des bureaux partagés à la gare",
    "Aménager une voie verte entre la gare et le centre",
    "Accueillir les nouveaux arrivants télétravailleurs",
)


def sample_programme(n: int = 12) -> Programme:
    statuses = list(STATUSES)
    actions = []
    for k in range(n):
        start = date(2025 + k % 4, 1 + (k * 5) % 12, 1 + k % 27)
        dated = k % 7 != 3
        actions.append(
            Action(
                titre=f"{_TITLES[k % len(_TITLES)]} (n° {k + 1})",
                theme=DEFAULT_THEMES[k % len(DEFAULT_THEMES)],
                description="Étude, concertation puis travaux ; « pilote » d'un an." * (1 + k % 2),
                porteur=("Communauté d'agglomération", "Ville", "Région")[k % 3],
                partenaires="Action Logement, Banque des Territoires" if k % 2 else "",
                budget=None if k % 5 == 4 else 150000.0 + 12500.5 * k,
                financements=[
                    Funding(source="Région", montant=50000.0 + k),
                    Funding(source="État : DSIL", montant=20000.25),
                    Funding(source="Commune"),
                ][: k % 4],
                debut=start if dated else None,
                fin=(date(start.year + 1 + k % 3, start.month, 1) if k % 6 else None)
                if dated
                else None,
                statut=statuses[k % len(statuses)],  # type: ignore[arg-type]
                motifs=[
                    Motive(
                        type="indicateur",
                        reference="taux_teletravail",
                        libelle="Part des actifs en télétravail élevée",
                    )
                ]
                if k % 3 == 0
                else [],
            )
        )
    return Programme(
        territoire="Vitré Communauté (200039022)",
        vision="En 2040, un territoire où l'on peut vivre, travailler et se déplacer sans "
        "dépendre de la voiture.\nDeuxième ligne de la vision.",
        horizon=2040,
        themes=[*DEFAULT_THEMES, "Numérique"],
        actions=actions,
        indicateurs=[
            FollowedIndicator(
                source="diagnostic",
                reference="taux_teletravail",
                libelle="Part des actifs en télétravail",
                unite="%",
                valeur_initiale=18.5,
                date_initiale=date(2024, 1, 1),
                cible=25.0,
                annee_cible=2030,
                valeur_actuelle=21.0,
                date_actuelle=date(2026, 6, 30),
            ),
            FollowedIndicator(
                source="enquete",
                reference="jours_teletravail",
                libelle="Jours télétravaillés par semaine",
                unite="jours",
                valeur_initiale=1.2,
                cible=2.0,
                annee_cible=2032,
            ),
            FollowedIndicator(
                source="diagnostic",
                reference="places_tiers_lieux",
                libelle="Places en tiers-lieux",
                unite="places",
                valeur_initiale=40,
                cible=120,
                valeur_actuelle=95,
                annee_cible=2030,
            ),
        ],
    )
