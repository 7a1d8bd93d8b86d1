"""The four shipped survey instruments (tool 1 of the ANCT Fabrique Prospective, "guide d'entretien
pour mesurer et qualifier le télétravail"), as XLSForm files.

Each instrument has a markdown XLSForm source ``<id>.md`` (edited by hand, readable in git) and a
generated ``<id>.xlsx`` (``python -m teletravail.surveys.instruments.build``), the file users
download, import into KoboToolbox/ODK or into this application.

Public API: :data:`INSTRUMENTS`, :func:`instrument`, :func:`instrument_path`,
:func:`instrument_source_path`, :func:`instrument_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from teletravail.errors import TeletravailError

_DIR = Path(__file__).resolve().parent


class UnknownInstrumentError(TeletravailError):
    """The requested instrument id is not one of the shipped instruments."""

    def __init__(self, instrument_id: str) -> None:
        self.instrument_id = instrument_id
        known = ", ".join(i.id for i in INSTRUMENTS)
        super().__init__(
            f"Questionnaire « {instrument_id} » inconnu ; questionnaires fournis : {known}."
        )


@dataclass(frozen=True, slots=True)
class InstrumentInfo:
    """A shipped instrument.

    Fields: ``id`` (form_id and file stem), ``title`` (form title, French), ``audience`` (who
    answers, French label), ``description`` (what it measures, French), ``mode`` (how it is run:
    "auto-administré" or "entretien"), ``duration_min`` (typical duration in minutes).
    """

    id: str
    title: str
    audience: str
    description: str
    mode: str
    duration_min: int


INSTRUMENTS: tuple[InstrumentInfo, ...] = (
    InstrumentInfo(
        id="residents",
        title="Habitants et télétravailleurs",
        audience="Habitants du territoire, actifs ou non, télétravailleurs ou non",
        description=(
            "Pratique du télétravail, déplacements domicile-travail avant et après, installation "
            "récente et rôle du télétravail, besoins, dépenses et participation à la vie locale."
        ),
        mode="auto-administré",
        duration_min=15,
    ),
    InstrumentInfo(
        id="employeurs",
        title="Employeurs",
        audience="Direction ou ressources humaines des établissements du territoire",
        description=(
            "Effectifs et postes télétravaillables, accord ou charte, jours autorisés, surfaces "
            "de bureaux et flex office, recrutement à distance, intérêt pour les tiers-lieux."
        ),
        mode="auto-administré",
        duration_min=15,
    ),
    InstrumentInfo(
        id="tiers_lieux",
        title="Tiers-lieux et espaces de coworking",
        audience="Gestionnaires et animateurs de tiers-lieux ou d’espaces de coworking",
        description=(
            "Capacité, taux d’occupation, profils d’usagers, tarifs, services, horaires et "
            "modèle économique du lieu."
        ),
        mode="auto-administré",
        duration_min=15,
    ),
    InstrumentInfo(
        id="elus_acteurs",
        title="Élus et acteurs du territoire",
        audience="Élus, techniciens et acteurs locaux (immobilier, mobilité, commerce, associations)",
        description=(
            "Entretien qualitatif par thème : foncier et immobilier, mobilité, vie locale, "
            "transition écologique, actions et vision à long terme."
        ),
        mode="entretien",
        duration_min=60,
    ),
)


def instrument(instrument_id: str) -> InstrumentInfo:
    """The :class:`InstrumentInfo` of ``instrument_id``; raises :class:`UnknownInstrumentError`."""
    for info in INSTRUMENTS:
        if info.id == instrument_id:
            return info
    raise UnknownInstrumentError(instrument_id)


def instrument_path(instrument_id: str) -> Path:
    """Path of the generated ``<id>.xlsx`` workbook; raises :class:`UnknownInstrumentError`."""
    return _DIR / f"{instrument(instrument_id).id}.xlsx"


def instrument_source_path(instrument_id: str) -> Path:
    """Path of the markdown XLSForm source ``<id>.md``; raises :class:`UnknownInstrumentError`."""
    return _DIR / f"{instrument(instrument_id).id}.md"


def instrument_bytes(instrument_id: str) -> bytes:
    """Content of the ``<id>.xlsx`` workbook (bytes, ready for ``load_xlsform(data, "<id>.xlsx")``
    or a download); raises :class:`UnknownInstrumentError`."""
    return instrument_path(instrument_id).read_bytes()


__all__ = [
    "INSTRUMENTS",
    "InstrumentInfo",
    "UnknownInstrumentError",
    "instrument",
    "instrument_bytes",
    "instrument_path",
    "instrument_source_path",
]
