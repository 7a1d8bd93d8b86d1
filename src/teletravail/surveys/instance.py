"""Answers ⇄ form instance: flat web-form keys, nested dicts, flat rows, XForm XML.

Answers are nested dicts mirroring the XForm instance without its root element: a group is a
nested dict, a repeat a list of dicts, a select_multiple a list of choice names, an integer an
``int``, a decimal a ``float``, dates/times and texts strings. Unanswered keys are absent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

from teletravail.surveys.form import Form, Question

_INDEXED = re.compile(r"^(?P<name>[^\[\]/]+)(?:\[(?P<index>\d+)\])?$")
_META_NS = "http://openrosa.org/xforms"


def text_of(value: object) -> str:
    """Instance text of an answer: lists space-joined, floats without a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if abs(value) < 1e15 and value == int(value) else repr(value)
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def _typed(question: Question, raw: str | Sequence[str]) -> object:
    """Best-effort conversion of a submitted string to its answer type (invalid text is kept)."""
    if question.kind == "select_multiple":
        values = raw.split() if isinstance(raw, str) else [str(v).strip() for v in raw]
        return [v for v in values if v] or None
    text = raw if isinstance(raw, str) else " ".join(str(v) for v in raw)
    text = text.strip()
    if not text:
        return None
    if question.kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if question.kind in ("decimal", "range"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return text
        if question.kind == "range" and math.isfinite(number) and number == int(number):
            return int(number)
        return number
    return text


def answers_from_flat(form: Form, flat: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """Nested answers from flat keys ("pratique/jours", "lieux[2]/lieu"; 1-based indices).

    A select_multiple takes several values for one key or one space-separated string. Unknown
    keys and empty values are ignored; values are converted to int/float where the type says so
    (text that does not convert is kept so validation can report it).
    """
    result: dict[str, Any] = {}
    by_path = {q.path: q for q in form.questions()}
    for key, raw in flat.items():
        steps = key.strip("/").split("/")
        path = f"/{form.root}"
        target: dict[str, Any] = result
        question: Question | None = None
        ok = True
        for position, step in enumerate(steps):
            match = _INDEXED.match(step)
            if match is None:
                ok = False
                break
            name, index = match["name"], match["index"]
            path = f"{path}/{name}"
            question = by_path.get(path)
            if question is None:
                ok = False
                break
            last = position == len(steps) - 1
            if question.kind == "repeat":
                if index is None or last:
                    ok = False
                    break
                items = target.setdefault(name, [])
                while len(items) < int(index):
                    items.append({})
                target = items[int(index) - 1]
            elif question.kind == "group":
                if last:
                    ok = False
                    break
                target = target.setdefault(name, {})
            elif not last:
                ok = False
                break
        if not ok or question is None or question.kind in ("group", "repeat"):
            continue
        value = _typed(question, raw)
        if value is not None:
            target[question.name] = value
    return result


def flatten(
    form: Form, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """One main row keyed by flat key ("pratique/jours") plus rows per repeat path.

    Repeat rows are listed under the repeat's flat path without indices ("lieux",
    "lieux/visites"); each row carries ``_index`` (1-based) and ``_parent_index`` (index of the
    enclosing repeat instance, ``None`` at top level) and its own values keyed by flat key
    relative to the form ("lieux/lieu").
    """
    main: dict[str, Any] = {}
    repeats: dict[str, list[dict[str, Any]]] = {q.path.split("/", 2)[2]: [] for q in form.repeats()}

    def walk(
        questions: Sequence[Question],
        values: Mapping[str, Any],
        row: dict[str, Any],
        prefix: str,
        parent_index: int | None,
    ) -> None:
        for question in questions:
            key = f"{prefix}{question.name}"
            value = values.get(question.name)
            if question.kind == "group":
                walk(
                    question.children,
                    value if isinstance(value, Mapping) else {},
                    row,
                    f"{key}/",
                    parent_index,
                )
            elif question.kind == "repeat":
                items = value if isinstance(value, list) else []
                for index, item in enumerate(items, start=1):
                    sub: dict[str, Any] = {"_index": index, "_parent_index": parent_index}
                    walk(
                        question.children,
                        item if isinstance(item, Mapping) else {},
                        sub,
                        f"{key}/",
                        index,
                    )
                    repeats[key].append(sub)
            elif value is not None:
                row[key] = value

    walk(form.children, data, main, "", None)
    return main, repeats


def build_element(form: Form, data: Mapping[str, Any]) -> ET.Element:
    """The instance element tree (root = ``form.root``) with one element per question node."""
    root = ET.Element(form.root)

    def fill(parent: ET.Element, questions: Sequence[Question], values: Mapping[str, Any]) -> None:
        for question in questions:
            value = values.get(question.name)
            if question.kind == "group":
                fill(
                    ET.SubElement(parent, question.name),
                    question.children,
                    value if isinstance(value, Mapping) else {},
                )
            elif question.kind == "repeat":
                for item in value if isinstance(value, list) else []:
                    fill(
                        ET.SubElement(parent, question.name),
                        question.children,
                        item if isinstance(item, Mapping) else {},
                    )
            else:
                ET.SubElement(parent, question.name).text = text_of(value)

    fill(root, form.children, data)
    return root


def to_xml(form: Form, data: Mapping[str, Any], instance_id: str) -> str:
    """An XForm instance document for ODK (``id``/``version`` attributes, meta/instanceID).

    Server metadata (start/end/today) is written when present in ``data``.
    """
    root = build_element(form, data)
    root.set("id", form.form_id)
    if form.version:
        root.set("version", form.version)
    for position, (name, _kind) in enumerate(form.metadata):
        element = ET.Element(name)
        element.text = text_of(data.get(name))
        root.insert(position, element)
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "instanceID").text = (
        instance_id if instance_id.startswith("uuid:") else f"uuid:{instance_id}"
    )
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def typed_answer(question: Question, raw: str | Sequence[str]) -> object:
    """A submitted string converted to the answer type of ``question`` (None when empty)."""
    return _typed(question, raw)


def initial_answers(form: Form, *, today: date | None = None) -> dict[str, Any]:
    """Answers pre-filled from the XLSForm ``default`` column (questions outside repeats).

    A select_multiple default gives a list; numbers are converted like submitted answers.
    Dynamic defaults (``${x}``, ``today()``, ``if(…)``…) are evaluated as ODK Collect does when
    the form is opened (``today`` used by ``today()``, default: the current date).
    """
    result: dict[str, Any] = {}

    def walk(questions: Sequence[Question], target: dict[str, Any]) -> None:
        for question in questions:
            if question.kind == "group":
                sub: dict[str, Any] = {}
                walk(question.children, sub)
                if sub:
                    target[question.name] = sub
            elif question.kind not in ("repeat", "calculate") and question.default:
                value = _typed(question, question.default)
                if value is not None:
                    target[question.name] = value

    walk(form.children, result)
    if any(q.default_expression for q in form.questions()):
        from teletravail.surveys.validation import evaluate_defaults

        result = evaluate_defaults(form, result, today=today)
    return result
