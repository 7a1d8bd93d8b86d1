"""A labelled export of the answers, beside the coded one (:mod:`teletravail.surveys.exports`).

Same rows and the same columns as the coded CSV, but readable without the form: the header gives
each question's label (its flat key in brackets, to match the coded export), and a choice answer
gives the choice's label ("25 à 34 ans") instead of its code ("de_25_34"); several choices are
separated by " ; ". CSV with ``;`` separator, UTF-8 with BOM, formulas neutralised as in the coded
export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from teletravail.surveys import exports
from teletravail.surveys.form import Form, Question

HEAD_LABELS = ("Identifiant de la réponse", "Envoyée le", "Mode de collecte")
SOURCE_LABELS = {
    "public": "Lien public",
    "enqueteur": "Saisie par un enquêteur",
    "kobo": "Import KoboToolbox",
    "api": "API",
}
MULTIPLE_SEPARATOR = " ; "


def choice_labels(question: Question) -> dict[str, str]:
    """Code -> label of a question's choices (empty for a question without a list)."""
    return {c.name: c.label or c.name for c in question.choices}


def labelled_answer(question: Question, value: object) -> object:
    """The answer as a person reads it: choice codes replaced by their labels (a code absent
    from the list, e.g. an "other" text, is kept); other answers unchanged."""
    if value is None or not question.choices:
        return value
    labels = choice_labels(question)
    if question.kind.startswith("select_multiple"):
        codes = value if isinstance(value, list | tuple) else str(value).split()
        return MULTIPLE_SEPARATOR.join(labels.get(str(c), str(c)) for c in codes)
    return labels.get(str(value), value)


def _questions(form: Form) -> dict[str, Question]:
    """Flat key -> question, for the main table's columns."""
    by_key = {q.path.removeprefix(f"/{form.root}/"): q for q in form.questions()}
    return {key: by_key[key] for key in exports.columns(form) if key in by_key}


def export_labelled_csv(form: Form, submissions: Iterable[Any]) -> bytes:
    """The main table of ``submissions`` (as for :func:`exports.export_csv`) with question and
    choice labels."""
    questions = _questions(form)
    keys = exports.columns(form)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    header = [f"{questions[k].label or k} [{k}]" if k in questions else k for k in keys]
    writer.writerow([*HEAD_LABELS, *header])
    for submission in submissions:
        data = _get(submission, "data") or {}
        flat = _flatten(form, data)
        source = str(_get(submission, "source") or "")
        writer.writerow(
            [
                str(_get(submission, "uuid")),
                exports._iso(_get(submission, "submitted_at")),
                SOURCE_LABELS.get(source, source),
                *(
                    exports._csv_cell(labelled_answer(questions[k], flat.get(k)))
                    if k in questions
                    else exports._csv_cell(flat.get(k))
                    for k in keys
                ),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _get(submission: object, name: str) -> Any:  # noqa: ANN401 - duck-typed like exports
    if isinstance(submission, Mapping):
        return submission.get(name)
    return getattr(submission, name)


def _flatten(form: Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """Flat key -> value of the answers outside repeats (groups walked through)."""
    out: dict[str, Any] = {}

    def walk(node: Mapping[str, Any], children: tuple[Question, ...]) -> None:
        for q in children:
            value = node.get(q.name)
            if q.kind == "group":
                walk(value if isinstance(value, Mapping) else {}, q.children)
            elif q.kind not in exports.NO_COLUMN and value is not None:
                out[q.path.removeprefix(f"/{form.root}/")] = value

    walk(data, form.children)
    return out
