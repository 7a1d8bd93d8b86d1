"""Values measured by a territory's reference survey campaign, in the diagnostic report.

A :class:`MesureLocale` either replaces the national estimate (``remplace``: the rule of
``teletravail.surveys.measure_rule`` is met) or is shown beside it as provisional. Only a measure
that replaces the estimate enters the CO2 scenario (:func:`apply_measures`), for the web page and
the API alike. :func:`comparisons` puts estimate and measure side by side, each with its interval,
sample and dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from teletravail.diagnostic.reading import IndicatorValue, format_number
from teletravail.format_fr import plural
from teletravail.impact.models import ScenarioAssumptions
from teletravail.impact.scenario import default_telework_days
from teletravail.reports.model import Comparaison, MesureLocale

#: Why the national estimates have no confidence interval (shown beside the measure's).
NO_INTERVAL_RATE = (
    "aucun : l'estimation applique à la composition sociale du territoire (recensement 2011) "
    "les taux nationaux de télétravail de chaque catégorie (Insee, enquête Emploi 2022) ; "
    "ce n'est pas un sondage du territoire, son erreur vient de l'écart entre le territoire et "
    "la moyenne nationale de chaque catégorie, que seule une enquête locale peut mesurer"
)
NO_INTERVAL_DAYS = (
    "aucun : moyenne nationale publiée sans intervalle, appliquée telle quelle au territoire"
)
#: The survey questions a measure comes from, as the residents' questionnaire asks them (a page
#: shows these words, never the questions' names; the JSON keeps the names).
QUESTION_WORDS = {
    "situation": "« Quelle est votre situation professionnelle actuelle ? »",
    "teletravail": "« Télétravaillez-vous ? »",
    "jours_teletravail": "« En moyenne, combien de jours par semaine télétravaillez-vous ? »",
}


def days_text(value: float, *, high: float | None = None) -> str:
    """Days a week with one decimal and the noun agreeing with the shown figure ("1,6 jour",
    "2,0 jours"); with ``high``, an interval "1,3 à 1,9 jour" (the noun agrees with its top)."""
    shown = round(value, 1)
    if high is None:
        return f"{format_number(shown, 1)} {plural(shown, 'jour')}"
    top = round(high, 1)
    return f"{format_number(shown, 1)} à {format_number(top, 1)} {plural(top, 'jour')}"


def questions_text(m: MesureLocale) -> str:
    """The questions a measure comes from, in words (their names when unknown)."""
    return ", ".join(QUESTION_WORDS.get(name, f"« {name} »") for name in m.questions)


def survey_source(m: MesureLocale) -> str:
    """Where a measured value comes from: the campaign, its dates and its sample size."""
    return (
        f"Enquête locale « {m.campagne} », du {m.debut:%d/%m/%Y} au {m.fin:%d/%m/%Y}, "
        f"{format_number(float(m.effectif), 0)} répondants"
    )


def status_text(m: MesureLocale) -> str:
    """« remplace l'estimation » or « provisoire (reasons) », then « non publiée » if so."""
    text = (
        "remplace l'estimation nationale"
        if m.remplace
        else "provisoire (" + " ; ".join(m.raisons) + ")"
        if m.raisons
        else "provisoire"
    )
    return text if m.publiee else text + ", non publiée (visible par l'équipe seulement)"


def replacing(measures: Sequence[MesureLocale]) -> tuple[MesureLocale, ...]:
    """The measures that replace their estimate under the rule (the others are provisional)."""
    return tuple(m for m in measures if m.remplace)


def apply_measures(a: ScenarioAssumptions, measures: Sequence[MesureLocale]) -> ScenarioAssumptions:
    """The scenario's assumptions with the rate and days of each measure that replaces the
    estimate (provisional measures are left out); the origin says which campaign."""
    for m in replacing(measures):
        key = "taux_teletravail" if m.indicateur == "taux_teletravail_estime" else m.indicateur
        a = a.model_copy(
            update={key: m.valeur, "origines": {**a.origines, key: "mesuré : " + survey_source(m)}}
        )
    return a


def interval_text(m: MesureLocale) -> str:
    """The measure's 95 % interval with its half-width, in French."""
    if m.ic_bas is None or m.ic_haut is None:
        return "aucun"
    if m.indicateur == "taux_teletravail_estime":
        half = (m.ic_haut - m.ic_bas) / 2 * 100
        return (
            f"{format_number(m.ic_bas * 100, 1)} à {format_number(m.ic_haut * 100, 1)} % "
            f"(±{format_number(half, 1)} points, Wilson à 95 %)"
        )
    half = (m.ic_haut - m.ic_bas) / 2  # two decimals: the rule compares it to 0,5 day
    return (
        f"{days_text(m.ic_bas, high=m.ic_haut)} "
        f"(±{format_number(half, 2)} jour, 95 %, intervalle sur l'échelle logit)"
    )


def comparisons(
    measures: Sequence[MesureLocale], by_id: Mapping[str, IndicatorValue]
) -> tuple[Comparaison, ...]:
    """Estimate and measure side by side for each measure of the report."""
    out = []
    for m in measures:
        if m.indicateur == "taux_teletravail_estime":
            rate = by_id.get("taux_teletravail_estime")
            workers = by_id.get("actifs_occupes_25_54_2011")
            estimate = rate.text if rate is not None and rate.value is not None else "n.d."
            sample = (
                f"{workers.text} de 25 à 54 ans (recensement 2011), pas de répondants"
                if workers is not None and workers.value is not None
                else "actifs de 25 à 54 ans (recensement 2011), pas de répondants"
            )
            out.append(
                Comparaison(
                    indicateur=m.indicateur,
                    libelle="Part des actifs occupés qui télétravaillent",
                    estimation=estimate,
                    estimation_intervalle=NO_INTERVAL_RATE,
                    estimation_echantillon=sample,
                    estimation_dates="recensement 2011 ; taux nationaux de 2022",
                    mesure=value_text(m),
                    mesure_intervalle=interval_text(m),
                    mesure_echantillon=f"{format_number(float(m.effectif), 0)} actifs répondants",
                    mesure_dates=f"du {m.debut:%d/%m/%Y} au {m.fin:%d/%m/%Y}",
                    statut="remplace" if m.remplace else "provisoire",
                    raisons=m.raisons,
                    publiee=m.publiee,
                )
            )
        else:
            days, origin = default_telework_days()
            out.append(
                Comparaison(
                    indicateur=m.indicateur,
                    libelle="Jours de télétravail par semaine des télétravailleurs",
                    estimation=days_text(days),
                    estimation_intervalle=NO_INTERVAL_DAYS,
                    estimation_echantillon="moyenne nationale (" + origin.split(" : ")[0] + ")",
                    estimation_dates="2024",
                    mesure=value_text(m),
                    mesure_intervalle=interval_text(m),
                    mesure_echantillon=(
                        f"{format_number(float(m.effectif), 0)} télétravailleurs répondants"
                    ),
                    mesure_dates=f"du {m.debut:%d/%m/%Y} au {m.fin:%d/%m/%Y}",
                    statut="remplace" if m.remplace else "provisoire",
                    raisons=m.raisons,
                    publiee=m.publiee,
                )
            )
    return tuple(out)


def value_text(m: MesureLocale) -> str:
    """The measured value alone, in French (« 40,0 % », « 1,8 jour », « 2,5 jours »)."""
    if m.indicateur == "taux_teletravail_estime":
        return f"{format_number(m.valeur * 100, 1)} %"
    return days_text(m.valeur)
