"""Server-side validation of one submission against a :class:`Form`.

The answers are written into an XForm instance tree (one element per question instance), then
relevance and calculations are evaluated in document order until nothing changes (a fixed point,
at most 6 passes), irrelevant answers being blanked; finally types, required, choices (with
choice_filter) and constraints are checked. Expressions are compiled once per form (cached).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from threading import Lock
from typing import Any, cast
from xml.etree import ElementTree as ET

from elementpath.tree_builders import get_node_tree
from elementpath.xpath_tokens import XPathToken

from teletravail.surveys.form import Form, Question
from teletravail.surveys.instance import build_element, text_of
from teletravail.surveys.textcheck import answer_size_problem, text_errors
from teletravail.surveys.xpath import (
    OdkContext,
    compile_expression,
    evaluate,
    evaluate_boolean,
    evaluate_filter,
    evaluate_string,
    make_context,
    secondary_instance,
    to_number,
    to_string,
)

REQUIRED_MESSAGE = "Réponse obligatoire."
CONSTRAINT_MESSAGE = "Réponse non valide."
MAX_PASSES = 6
#: Instances of one repeat an answer may hold: the web form's bound (its "add" button stops at 50,
#: ``teletravail.web.surveys.rendering.MAX_INSTANCES``); a repeat_count is cut to it too.
MAX_REPEAT_INSTANCES = 50
#: Largest integer answer, in absolute value (15 digits: exact as a float, in a spreadsheet too).
MAX_INTEGER = 10**15 - 1

_TYPE_MESSAGES = {
    "integer": "Saisissez un nombre entier.",
    "decimal": "Saisissez un nombre.",
    "range": "Saisissez un nombre.",
    "date": "Date au format AAAA-MM-JJ.",
    "time": "Heure au format HH:MM.",
    "datetime": "Date et heure au format AAAA-MM-JJTHH:MM.",
}
_INT_RE = re.compile(r"^[+-]?\d+$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem: ``key`` flat key ("lieux[2]/pos"), ``name`` question name, ``label`` its
    label, ``message`` French text shown next to the field."""

    key: str
    name: str
    label: str
    message: str


@dataclass(frozen=True, slots=True)
class Checked:
    """Result of :func:`check_submission`.

    ``data``: cleaned nested answers (irrelevant answers dropped, calculations added, typed);
    ``errors``: problems found, in form order; ``relevant``: flat key → relevance of every
    question/group/repeat instance; ``values``: flat key → current value of every question
    instance (None when empty or irrelevant), for the live web form; ``choices``: flat key → the
    choice names offered, in list order, for every relevant select instance whose choices
    depend on the answers (choice_filter, or answers of a repeat), filled only when
    :func:`check_submission` is called with ``options=True``.
    """

    data: dict[str, Any]
    errors: tuple[FieldError, ...]
    relevant: Mapping[str, bool]
    values: Mapping[str, Any]
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class _Plan:
    """Compiled expressions of one question."""

    relevant: XPathToken | None
    required: XPathToken | None
    constraint: XPathToken | None
    calculate: XPathToken | None
    choice_filter: XPathToken | None
    repeat_count: XPathToken | None
    default: XPathToken | None = None
    itemset: XPathToken | None = None
    itemset_value: XPathToken | None = None


@dataclass(slots=True)
class _Slot:
    """One question instance in the instance tree."""

    question: Question
    plan: _Plan
    key: str
    element: ET.Element
    parent: _Slot | None
    raw: object
    node: Any = None
    relevant: bool = True
    first: _Slot | None = None  # a repeat container's first instance


class _Compiled:
    """Per-form cache: compiled plans, secondary instances and choice labels."""

    def __init__(self, form: Form) -> None:
        self.plans: dict[str, _Plan] = {}
        for question in form.questions():
            self.plans[question.path] = _Plan(
                relevant=_compile(question.relevant),
                required=_compile(question.required),
                constraint=_compile(question.constraint),
                calculate=_compile(question.calculate),
                choice_filter=_compile(question.choice_filter),
                repeat_count=_compile(question.repeat_count),
                default=_compile(question.default_expression),
                itemset=_compile(question.itemset),
                itemset_value=_compile(question.itemset_value or None),
            )
        self.instances: dict[str, Any] = {}
        self.items: dict[str, list[Any]] = {}
        for list_name, choices in form.choices.items():
            rows = [{"name": c.name, "label": c.label, **c.extra} for c in choices]
            document = secondary_instance(list_name, rows)
            self.instances[list_name] = document
            root = document.children[0]
            self.items[list_name] = [
                n for n in (getattr(root, "children", None) or []) if getattr(n, "name", None)
            ]
        # ${last-saved#x}: on the server the last saved form is a blank instance of the form.
        blank = ET.ElementTree(build_element(form, {}))
        self.instances["__last-saved"] = get_node_tree(blank)
        self.choice_labels = {
            q.path: {c.name: c.label for c in q.choices} for q in form.questions() if q.choices
        }


def _compile(expression: str | None) -> XPathToken | None:
    return None if expression is None else compile_expression(expression)


_COMPILED: dict[int, tuple[Form, _Compiled]] = {}
_COMPILED_LOCK = Lock()


def compiled(form: Form) -> _Compiled:
    """The compiled expressions of ``form`` (built once, kept for the 64 latest forms)."""
    entry = _COMPILED.get(id(form))
    if entry is not None and entry[0] is form:
        return entry[1]
    result = _Compiled(form)
    with _COMPILED_LOCK:
        if len(_COMPILED) >= 64:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[id(form)] = (form, result)
    return result


# --------------------------------------------------------------------------- building the tree


def _build(
    form: Form, answers: Mapping[str, Any], cache: _Compiled, counts: Mapping[str, int]
) -> tuple[ET.Element, list[_Slot]]:
    root = ET.Element(form.root)
    slots: list[_Slot] = []

    def fill(
        parent_element: ET.Element,
        questions: Sequence[Question],
        values: Mapping[str, Any],
        prefix: str,
        parent_slot: _Slot | None,
    ) -> None:
        for question in questions:
            value = values.get(question.name) if isinstance(values, Mapping) else None
            key = f"{prefix}{question.name}"
            plan = cache.plans[question.path]
            if question.kind == "repeat":
                items = list(value) if isinstance(value, list) else []
                wanted = counts.get(f"{key}", len(items))
                items = items[:wanted] + [{}] * max(0, wanted - len(items))
                group_slot = _Slot(question, plan, key, parent_element, parent_slot, None)
                slots.append(group_slot)
                for index, item in enumerate(items[:MAX_REPEAT_INSTANCES], start=1):
                    element = ET.SubElement(parent_element, question.name)
                    item_key = f"{key}[{index}]"
                    slot = _Slot(question, plan, item_key, element, group_slot, None)
                    if group_slot.first is None:
                        group_slot.first = slot
                    slots.append(slot)
                    fill(
                        element,
                        question.children,
                        item if isinstance(item, Mapping) else {},
                        f"{item_key}/",
                        slot,
                    )
            elif question.kind == "group":
                element = ET.SubElement(parent_element, question.name)
                slot = _Slot(question, plan, key, element, parent_slot, None)
                slots.append(slot)
                fill(
                    element,
                    question.children,
                    value if isinstance(value, Mapping) else {},
                    f"{key}/",
                    slot,
                )
            else:
                element = ET.SubElement(parent_element, question.name)
                # a note takes no answer; an object is reported by _structure_errors
                raw = None if question.kind == "note" or isinstance(value, Mapping) else value
                if not _is_empty(raw) and question.calculate is None:
                    typed, problem = _type_check(question, raw)
                    if problem is None:
                        raw = typed
                element.text = text_of(raw)
                slots.append(_Slot(question, plan, key, element, parent_slot, raw))

    fill(root, form.children, answers, "", None)
    return root, slots


def _is_repeat_container(slot: _Slot) -> bool:
    return slot.question.kind == "repeat" and not slot.key.endswith("]")


_RELATIVE = re.compile(r"(^|[^\w/)\]])\.|current\(\)")


def _repeat_relevance(slot: _Slot, context: OdkContext) -> bool:
    """Relevance of a repeat as a whole (its title and "add" button), like ODK Collect's
    prompt to add an instance: the repeat's relevant evaluated on its first instance, or, when
    there is none, on the enclosing node (an expression relative to the instance, ``../x`` or
    ``current()``, cannot be evaluated there: the repeat is then taken as relevant)."""
    token = slot.plan.relevant
    assert token is not None
    if slot.first is not None:
        return evaluate_boolean(token, context, slot.first.node)
    if _RELATIVE.search(slot.question.relevant or ""):
        return True
    return evaluate_boolean(token, context, slot.node)


def _settle(slots: list[_Slot], context: OdkContext) -> None:
    """Evaluate relevance and calculations until a fixed point is reached.

    A non-relevant group or repeat makes everything inside it non-relevant (dropped, not
    checked), as in ODK Collect; each repeat instance also evaluates the repeat's relevant.
    """
    for _ in range(MAX_PASSES):
        changed = False
        for slot in slots:
            parent_ok = slot.parent.relevant if slot.parent is not None else True
            relevant = parent_ok
            token = slot.plan.relevant
            if relevant and token is not None:
                if _is_repeat_container(slot):
                    relevant = _repeat_relevance(slot, context)
                else:
                    relevant = evaluate_boolean(token, context, slot.node)
            if relevant != slot.relevant:
                slot.relevant = relevant
                changed = True
            if slot.question.kind in ("group", "repeat"):
                continue
            if slot.plan.calculate is not None:
                text = evaluate_string(slot.plan.calculate, context, slot.node) if relevant else ""
            else:
                text = text_of(slot.raw) if relevant else ""
            if slot.element.text != text:
                slot.element.text = text
                changed = True
        if not changed:
            return


def _repeat_counts(slots: list[_Slot], context: OdkContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for slot in slots:
        if _is_repeat_container(slot) and slot.plan.repeat_count is not None:
            parent_node = slot.parent.node if slot.parent is not None else context.root
            value = to_number(evaluate(slot.plan.repeat_count, context, parent_node))
            counts[slot.key] = (
                0 if math.isnan(value) else int(max(0.0, min(value, MAX_REPEAT_INSTANCES)))
            )
    return counts


def _attach_nodes(slots: list[_Slot], context: OdkContext) -> None:
    elements = context.root.tree.elements if context.root is not None else {}
    for slot in slots:
        if _is_repeat_container(slot):
            parent = slot.parent
            slot.node = parent.node if parent is not None else elements.get(slot.element)
        else:
            slot.node = elements.get(slot.element)


# --------------------------------------------------------------------------- checking values


def _type_check(question: Question, raw: object) -> tuple[Any, str | None]:
    """(typed value, French error or None) for a non-empty raw answer."""
    kind = question.kind
    if kind == "integer":
        if isinstance(raw, bool):
            return raw, _TYPE_MESSAGES["integer"]
        whole: int | None = None
        if isinstance(raw, int):
            whole = raw
        elif isinstance(raw, float) and math.isfinite(raw) and raw == int(raw):
            whole = int(raw)
        else:
            text = str(raw).strip()
            if _INT_RE.match(text) and len(text) <= 20:
                whole = int(text)
        if whole is None:
            return raw, _TYPE_MESSAGES["integer"]
        if abs(whole) > MAX_INTEGER:
            return raw, "Saisissez un nombre entier d'au plus 15 chiffres."
        return whole, None
    if kind in ("decimal", "range"):
        if isinstance(raw, bool):
            return raw, _TYPE_MESSAGES[kind]
        if isinstance(raw, (int, float)):
            number = float(raw)
        else:
            try:
                number = float(str(raw).strip().replace(",", "."))
            except ValueError:
                return raw, _TYPE_MESSAGES[kind]
        if math.isnan(number) or math.isinf(number):
            return raw, _TYPE_MESSAGES[kind]
        if kind == "range":
            return _range_check(question, number)
        return number, None
    if kind == "date":
        text = str(raw).strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            return raw, _TYPE_MESSAGES["date"]
    if kind == "time":
        text = str(raw).strip()
        return (text, None) if _TIME_RE.match(text) else (raw, _TYPE_MESSAGES["time"])
    if kind == "datetime":
        text = str(raw).strip()
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return raw, _TYPE_MESSAGES["datetime"]
        return text, None
    if kind == "acknowledge":
        text = str(raw).strip()
        if text.lower() in ("ok", "true", "1", "on", "oui"):
            return "OK", None
        return raw, "Cochez la case pour confirmer."
    if kind == "select_multiple":
        if isinstance(raw, str):
            values = raw.split()
        elif isinstance(raw, (list, tuple)):
            values = [str(v) for v in raw]
        else:
            values = [str(raw)]
        return list(dict.fromkeys(values)), None  # duplicates removed, order kept
    return str(raw), None


def _range_check(question: Question, number: float) -> tuple[Any, str | None]:
    params = question.parameters
    start = float(params.get("start", "1") or 1)
    end = float(params.get("end", "10") or 10)
    step = float(params.get("step", "1") or 1)
    low, high = min(start, end), max(start, end)
    value: Any = int(number) if number == int(number) else number
    if not low <= number <= high:
        return value, f"Saisissez une valeur entre {text_of(low)} et {text_of(high)}."
    if step and abs(((number - start) / step) - round((number - start) / step)) > 1e-9:
        return value, f"Saisissez une valeur par pas de {text_of(step)}."
    return value, None


def _allowed_choices(slot: _Slot, context: OdkContext, cache: _Compiled) -> set[str]:
    question = slot.question
    if slot.plan.itemset is None and (slot.plan.choice_filter is None or not question.list_name):
        return {c.name for c in question.choices}
    return set(_offered(slot, context, cache))


def _offered(slot: _Slot, context: OdkContext, cache: _Compiled) -> list[str]:
    """The choice names offered to a select instance, in list order (choice_filter applied, or
    the answers of a repeat for ``select_one ${name}``; duplicates removed)."""
    question = slot.question
    if slot.plan.itemset is not None:
        return _repeat_choices(slot, context)
    token = slot.plan.choice_filter
    if token is None or question.list_name is None:
        return [c.name for c in question.choices]
    items = cache.items.get(question.list_name, [])
    return [
        choice.name
        for choice, item in zip(question.choices, items, strict=False)
        if evaluate_filter(token, context, item, slot.node)
    ]


def _repeat_choices(slot: _Slot, context: OdkContext) -> list[str]:
    """Values offered by a select whose choices are answers of a repeat (``select_one ${x}``)."""
    assert slot.plan.itemset is not None
    nodes = evaluate(slot.plan.itemset, context, slot.node)
    offered: list[str] = []
    for node in nodes if isinstance(nodes, list) else []:
        if slot.plan.itemset_value is None:
            text = evaluate_string_at(node, context)
        else:
            text = evaluate_filter_string(slot.plan.itemset_value, context, node, slot.node)
        if text and text not in offered:
            offered.append(text)
    return offered


def evaluate_string_at(node: object, context: OdkContext) -> str:
    """String value of an instance node."""
    return to_string(node)


def evaluate_filter_string(
    token: XPathToken, context: OdkContext, item: object, current: object
) -> str:
    """``string(token)`` evaluated on ``item`` with ``current()`` = the question node."""
    context.item = cast(Any, item)
    context.current = current
    context.position = 1
    context.size = 1
    return to_string(token.evaluate(context))


UNKNOWN_KEY_MESSAGE = "Question inconnue dans ce formulaire : « {key} »."


def _structure_errors(form: Form, answers: Mapping[str, Any]) -> list[FieldError]:
    """Keys of ``answers`` that match no question at their place (unknown or wrongly nested,
    e.g. a question of a group given at the top level), groups not given as objects and
    repeats not given as lists of objects. The form's start/end/today metadata names are
    accepted at the top level. ``FieldError.key`` is the flat key of the offending entry."""
    errors: list[FieldError] = []
    metadata = {name for name, _kind in form.metadata}

    def walk(questions: Sequence[Question], values: Mapping[str, Any], prefix: str) -> None:
        by_name = {q.name: q for q in questions}
        for raw_key, value in values.items():
            key = str(raw_key)
            flat = f"{prefix}{key}"
            question = by_name.get(key)
            if question is None:
                if not (prefix == "" and key in metadata):
                    errors.append(FieldError(flat, key, "", UNKNOWN_KEY_MESSAGE.format(key=key)))
                continue
            if value is None:
                continue
            if question.kind == "group":
                if isinstance(value, Mapping):
                    walk(question.children, value, f"{flat}/")
                else:
                    errors.append(_shape_error(flat, question, "un objet ({…})"))
            elif question.kind == "repeat":
                if not isinstance(value, list):
                    errors.append(_shape_error(flat, question, "une liste d'objets ([{…}])"))
                    continue
                if len(value) > MAX_REPEAT_INSTANCES:
                    errors.append(
                        FieldError(
                            flat,
                            question.name,
                            question.label,
                            f"Trop de répétitions pour « {question.name} » : {len(value)} "
                            f"(au plus {MAX_REPEAT_INSTANCES}).",
                        )
                    )
                    continue
                for index, item in enumerate(value, start=1):
                    if isinstance(item, Mapping):
                        walk(question.children, item, f"{flat}[{index}]/")
                    elif item is not None:
                        errors.append(_shape_error(f"{flat}[{index}]", question, "un objet ({…})"))
            elif isinstance(value, Mapping):
                errors.append(_shape_error(flat, question, "une valeur simple"))

    walk(form.children, answers, "")
    return errors


def _shape_error(key: str, question: Question, expected: str) -> FieldError:
    return FieldError(
        key,
        question.name,
        question.label,
        f"Réponse mal structurée pour « {question.name} » : {expected} est attendu.",
    )


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def check_submission(
    form: Form,
    answers: Mapping[str, Any],
    *,
    today: date | None = None,
    now: datetime | None = None,
    options: bool = False,
) -> Checked:
    """Check one submission (nested answers, see :mod:`teletravail.surveys.instance`).

    Evaluates calculations and relevance (irrelevant answers are dropped), then types, required
    ("Réponse obligatoire." or the form's required_message), choice membership (with
    choice_filter; unknown choices refused; a select_multiple's repeated choices kept once, in
    order), constraints (the form's constraint_message or "Réponse non valide."). Keys that match
    no question at their place are reported after the other errors (« Question inconnue dans
    ce formulaire : « x ». », key = the flat key), as are groups not given as objects and repeats
    not given as lists; the start/end/today metadata names are accepted at the top level. ``today`` is used by ``today()`` (default:
    the current date); when ``now`` is given, the form's start/end/today metadata are filled
    (start only if absent from ``answers``). ``options=True`` also lists the choices offered to
    the selects whose choices depend on the answers (``Checked.choices``, for the web form).
    """
    refused = text_errors(answers)
    if refused:  # forbidden or too long texts: nothing else is checked (textcheck)
        return Checked(
            data={},
            errors=tuple(FieldError(k, k.rsplit("/", 1)[-1], "", m) for k, m in refused),
            relevant={},
            values={},
        )
    cache = compiled(form)
    day = today or (now.date() if now is not None else date.today())
    counts: dict[str, int] = {}
    root, slots = _build(form, answers, cache, counts)
    context = make_context(
        ET.ElementTree(root),
        today=day,
        instances=cache.instances,
        choice_labels=cache.choice_labels,
    )
    _attach_nodes(slots, context)
    _settle(slots, context)
    if any(q.repeat_count for q in form.repeats()):
        wanted = _repeat_counts(slots, context)
        current = {
            s.key: sum(1 for x in slots if x.parent is s) for s in slots if _is_repeat_container(s)
        }
        if any(current.get(k) != v for k, v in wanted.items()):
            root, slots = _build(form, answers, cache, wanted)
            context = make_context(
                ET.ElementTree(root),
                today=day,
                instances=cache.instances,
                choice_labels=cache.choice_labels,
            )
            _attach_nodes(slots, context)
            _settle(slots, context)
    checked = _collect(form, slots, context, cache, answers, now, day, options)
    too_large = answer_size_problem(checked.data) if checked.ok else None
    if too_large is not None:  # valid, but over the size any channel may store
        return replace(checked, errors=(FieldError("", "", "", too_large),))
    return checked


def _collect(
    form: Form,
    slots: list[_Slot],
    context: OdkContext,
    cache: _Compiled,
    answers: Mapping[str, Any],
    now: datetime | None,
    day: date,
    options: bool = False,
) -> Checked:
    errors: list[FieldError] = []
    offered: dict[str, tuple[str, ...]] = {}
    relevant: dict[str, bool] = {}
    values: dict[str, Any] = {}
    data: dict[str, Any] = {}
    containers: dict[int, dict[str, Any]] = {}

    def target_for(slot: _Slot) -> dict[str, Any]:
        parent = slot.parent
        if parent is None:
            return data
        return containers.get(id(parent), {})

    for slot in slots:
        question = slot.question
        relevant[slot.key] = slot.relevant
        if question.kind == "group":
            container: dict[str, Any] = {}
            containers[id(slot)] = container
            if slot.relevant:
                target_for(slot)[question.name] = container
            continue
        if question.kind == "repeat":
            if _is_repeat_container(slot):
                items: list[Any] = []
                containers[id(slot)] = {"__items__": items}
                if slot.relevant:
                    target_for(slot)[question.name] = items
            else:
                item: dict[str, Any] = {}
                containers[id(slot)] = item
                parent = slot.parent
                if parent is not None:
                    containers[id(parent)]["__items__"].append(item)
            continue
        if not slot.relevant:
            values[slot.key] = None
            continue
        if question.kind == "note":
            values[slot.key] = None
            continue
        if options and (slot.plan.choice_filter is not None or slot.plan.itemset is not None):
            offered[slot.key] = tuple(_offered(slot, context, cache))
        if question.calculate is not None:
            text = slot.element.text or ""
            values[slot.key] = text or None
            if text:
                target_for(slot)[question.name] = text
            continue
        raw = slot.raw
        value: Any = None
        message: str | None = None
        type_error = False
        if not _is_empty(raw):
            value, message = _type_check(question, raw)
            type_error = message is not None
        if (
            message is None
            and value is not None
            and question.kind
            in (
                "select_one",
                "select_multiple",
            )
        ):
            allowed = _allowed_choices(slot, context, cache)
            chosen = value if isinstance(value, list) else [value]
            unknown = [v for v in chosen if v not in allowed]
            if unknown:
                message = (
                    f"Choix non proposé : « {unknown[0]} »."
                    if len(unknown) == 1
                    else "Choix non proposés : " + ", ".join(f"« {u} »" for u in unknown) + "."
                )
        required = slot.plan.required
        constraint = slot.plan.constraint
        if (
            message is None
            and _is_empty(value)
            and required is not None
            and evaluate_boolean(required, context, slot.node)
        ):
            message = question.required_message or REQUIRED_MESSAGE
        if (
            message is None
            and not _is_empty(value)
            and constraint is not None
            and not evaluate_boolean(constraint, context, slot.node)
        ):
            message = question.constraint_message or CONSTRAINT_MESSAGE
        values[slot.key] = value
        if message is not None:
            errors.append(FieldError(slot.key, question.name, question.label, message))
        if not _is_empty(value) and not type_error:
            target_for(slot)[question.name] = value
    _clean_repeats(data)
    if form.metadata:
        _metadata(form, data, answers, now, day)
    errors.extend(_structure_errors(form, answers))
    return Checked(
        data=data, errors=tuple(errors), relevant=relevant, values=values, choices=offered
    )


def _clean_repeats(data: dict[str, Any]) -> None:
    """Containers keep their order; empty groups are kept as {} only when answered."""
    for key in list(data):
        value = data[key]
        if isinstance(value, dict):
            _clean_repeats(value)
            if not value:
                del data[key]
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _clean_repeats(item)


def _metadata(
    form: Form, data: dict[str, Any], answers: Mapping[str, Any], now: datetime | None, day: date
) -> None:
    for name, kind in form.metadata:
        given = answers.get(name)
        if now is None:
            if isinstance(given, str) and given:
                data[name] = given
            continue
        if kind == "today":
            data[name] = day.isoformat()
        elif kind == "start" and isinstance(given, str) and given:
            data[name] = given
        else:
            data[name] = now.isoformat(timespec="seconds")


def evaluate_defaults(
    form: Form, answers: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """``answers`` completed with the dynamic defaults (``${x}``, ``today()``…) of questions
    outside repeats, evaluated in form order on the instance holding ``answers``.

    Empty results are skipped; numbers are typed like submitted answers. Returns a new dict.
    """
    from teletravail.surveys.instance import typed_answer

    result: dict[str, Any] = {k: v for k, v in answers.items()}
    if not any(q.default_expression for q in form.questions()):
        return result
    cache = compiled(form)
    root, slots = _build(form, result, cache, {})
    context = make_context(
        ET.ElementTree(root),
        today=today or date.today(),
        instances=cache.instances,
        choice_labels=cache.choice_labels,
    )
    _attach_nodes(slots, context)
    _settle(slots, context)
    for slot in slots:
        token = slot.plan.default
        if token is None or "[" in slot.key or slot.question.kind in ("group", "repeat"):
            continue
        if slot.element.text:
            continue
        text = evaluate_string(token, context, slot.node)
        if not text:
            continue
        slot.element.text = text
        slot.raw = text
        target = result
        for step in slot.key.split("/")[:-1]:
            target = target.setdefault(step, {})
        if slot.question.kind == "integer":
            number = to_number(text)
            text = "" if math.isnan(number) or math.isinf(number) else str(math.trunc(number))
        value = typed_answer(slot.question, text)
        if value is not None:
            target[slot.question.name] = value
    return result


def live_state(
    form: Form, answers: Mapping[str, Any], *, today: date | None = None
) -> tuple[Mapping[str, bool], Mapping[str, Any]]:
    """(relevant, values) for the live web form: :func:`check_submission` without the data."""
    checked = check_submission(form, answers, today=today)
    return checked.relevant, checked.values


def offered_choices(
    form: Form, answers: Mapping[str, Any], *, today: date | None = None
) -> Mapping[str, tuple[str, ...]]:
    """Flat key → choice names offered (list order) to every relevant select instance whose
    choices depend on the answers (choice_filter, ``select_one ${x}``)."""
    return check_submission(form, answers, today=today, options=True).choices
