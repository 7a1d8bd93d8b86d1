"""Server-side rendering of a survey form: posted fields → flat answers, and the node tree the
DSFR templates draw (labels with ``${x}`` substituted, current relevance, errors, repeats).

Flat keys are the instance paths without the root, repeat instances 1-based: ``"lieux[2]/lieu"``
(see ``teletravail.surveys.instance``). Each repeat's number of instances travels in a hidden field
``_n:<repeat key>``; the buttons "Ajouter"/"Retirer" post ``_action`` = ``ajouter:<repeat key>`` or
``retirer:<repeat key>[<i>]``, so that repeats work without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.http import QueryDict

from teletravail.surveys.form import Form, Question

FlatValue = str | list[str]
V = TypeVar("V")
COUNT_PREFIX = "_n:"
MAX_INSTANCES = 50
_NO_INPUT = frozenset({"calculate", "hidden"})
_INPUT_TYPES = {
    "text": "text",
    "integer": "number",
    "decimal": "number",
    "range": "number",
    "date": "date",
    "time": "time",
    "datetime": "datetime-local",
}
_FALSE = frozenset({"", "false()", "false", "no", "non", "0"})
_REF = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")
_OUTPUT = re.compile(r"<output\s+value=\"\s*([^\"]+?)\s*\"\s*/>")
_RADIO_MAX = 10  # more choices than this: a drop-down list


def dom_id(key: str) -> str:
    """An HTML id for a flat key (``"lieux[2]/lieu"`` → ``"q-lieux-2-lieu"``)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")


def _literal_count(q: Question) -> int | None:
    if q.repeat_count and q.repeat_count.strip().isdigit():
        return min(int(q.repeat_count.strip()), MAX_INSTANCES)
    return None


def instance_keys(
    questions: Iterable[Question], counts: Mapping[str, int], prefix: str = ""
) -> Iterator[tuple[Question, str]]:
    """Every (question, flat key) of the form given the repeat counts, depth-first; groups and
    repeats included (a repeat's key has no index, its instances' children have one)."""
    for q in questions:
        key = prefix + q.name
        yield q, key
        if q.kind == "group":
            yield from instance_keys(q.children, counts, key + "/")
        elif q.kind == "repeat":
            for i in range(1, repeat_count(q, key, counts) + 1):
                yield from instance_keys(q.children, counts, f"{key}[{i}]/")


def repeat_count(q: Question, key: str, counts: Mapping[str, int]) -> int:
    """Number of instances of repeat ``q`` at ``key`` (a fixed ``repeat_count`` wins; default 1)."""
    fixed = _literal_count(q)
    if fixed is not None:
        return fixed
    return max(0, min(counts.get(key, 1), MAX_INSTANCES))


def read_post(form: Form, post: QueryDict) -> tuple[dict[str, FlatValue], dict[str, int]]:
    """The flat answers and repeat counts of a posted form (a ``QueryDict``): empty values dropped,
    select_multiple as lists, unknown fields ignored."""
    counts: dict[str, int] = {}
    for name in post:
        if name.startswith(COUNT_PREFIX):
            try:
                counts[name[len(COUNT_PREFIX) :]] = int(post.get(name, "1"))
            except ValueError:
                continue
    flat: dict[str, FlatValue] = {}
    for q, key in instance_keys(form.children, counts):
        if q.kind in ("group", "repeat", "note") or q.kind in _NO_INPUT:
            continue
        if q.kind == "select_multiple":
            values = [v for v in post.getlist(key) if v.strip()]
            if values:
                flat[key] = values
        else:
            value = str(post.get(key, "")).strip()
            if value:
                flat[key] = value
    return flat, counts


def apply_action(
    action: str, flat: dict[str, FlatValue], counts: dict[str, int]
) -> tuple[dict[str, FlatValue], dict[str, int]]:
    """Add a repeat instance (``ajouter:<key>``) or remove one (``retirer:<key>[i]``, the next
    instances renumbered); anything else changes nothing."""
    verb, _, target = action.partition(":")
    if verb == "ajouter" and target:
        counts = dict(counts)
        counts[target] = min(counts.get(target, 1) + 1, MAX_INSTANCES)
        return flat, counts
    match = re.fullmatch(r"(.+)\[(\d+)\]", target) if verb == "retirer" else None
    if match is None:
        return flat, counts
    rep, index = match.group(1), int(match.group(2))
    new_flat = _drop_instance(flat, rep, index)
    new_counts = _drop_instance(counts, rep, index)
    new_counts[rep] = max(counts.get(rep, 1) - 1, 0)
    return new_flat, new_counts


def _drop_instance(values: Mapping[str, V], rep: str, index: int) -> dict[str, V]:
    out: dict[str, V] = {}
    head = rep + "["
    for key, value in values.items():
        if key.startswith(head):
            number, _, rest = key[len(head) :].partition("]")
            if number.isdigit():
                n = int(number)
                if n == index:
                    continue
                if n > index:
                    key = f"{head}{n - 1}]{rest}"
        out[key] = value
    return out


@dataclass
class Node:
    """What the templates draw for one question instance."""

    question: Question
    key: str
    id: str
    kind: str
    label: str
    hint: str
    required: bool
    relevant: bool
    error: str = ""
    value: str = ""
    selected: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    widget: str = ""  # input | textarea | radios | select | checkboxes | acknowledge
    input_type: str = "text"
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    count_name: str = ""
    count: int = 0
    hidden_choices: frozenset[str] = frozenset()  # filtered out by a choice_filter
    dynamic: str = ""  # "filtre" (choice_filter) or "repetition" (choices from a repeat's answers)
    live_text: bool = False  # label or hint with ``${x}``: updated live
    purpose: str = ""  # the form's stated purpose when the question asks for personal data

    @property
    def focus_id(self) -> str:
        """The id of the element the error summary links to (the first shown option of a list
        of radios or checkboxes, else the field itself)."""
        if self.widget in ("radios", "checkboxes"):
            for position, (value, _label) in enumerate(self.choices, start=1):
                if value not in self.hidden_choices:
                    return f"{self.id}-{position}"
        return self.id


@dataclass
class Instance:
    """One instance of a repeat: its 1-based index, its flat key and its nodes."""

    index: int
    key: str
    children: list[Node]


@dataclass(frozen=True)
class ErrorLink:
    """An entry of the error summary: anchor, question label, message."""

    id: str
    label: str
    message: str


def substitute(text: str, prefix: str, form: Form, values: Mapping[str, Any]) -> str:
    """``text`` with ``${name}`` (and pyxform's ``<output value="/data/…/name"/>``) replaced by the
    current value of that question, looked up in the same repeat instance first."""

    def lookup(name: str) -> str:
        try:
            q = form.question(name)
        except KeyError:
            return ""
        key = _flat_template(form, q)
        candidates = [_with_indices(key, prefix), key]
        for candidate in candidates:
            if candidate in values and values[candidate] not in (None, ""):
                value = values[candidate]
                return " ".join(map(str, value)) if isinstance(value, list) else str(value)
        return ""

    text = _REF.sub(lambda m: lookup(m.group(1)), text)
    return _OUTPUT.sub(lambda m: lookup(m.group(1).rstrip("/").split("/")[-1]), text)


def _flat_template(form: Form, q: Question) -> str:
    head = f"/{form.root}/"
    return q.path[len(head) :] if q.path.startswith(head) else q.path.lstrip("/")


def _with_indices(key: str, prefix: str) -> str:
    """Put the repeat indices of ``prefix`` (``"lieux[2]/"``) into ``key`` (``"lieux/lieu"``)."""
    for match in re.finditer(r"([^/\[\]]+)\[(\d+)\]", prefix):
        name, index = match.group(1), match.group(2)
        key = re.sub(rf"(^|/){re.escape(name)}(/|$)", rf"\g<1>{name}[{index}]\g<2>", key, count=1)
    return key


def build_nodes(
    form: Form,
    flat: Mapping[str, FlatValue],
    counts: Mapping[str, int],
    *,
    relevant: Mapping[str, bool],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    options: Mapping[str, Sequence[str]] | None = None,
) -> list[Node]:
    """The node tree of the form for the current answers (``flat``), relevance, computed values,
    error messages and the choices offered to selects whose choices depend on the answers
    (``options``, see ``Checked.choices``), all keyed by flat key."""
    return _nodes(form, form.children, "", flat, counts, relevant, values, errors, options or {})


def _nodes(
    form: Form,
    questions: Sequence[Question],
    prefix: str,
    flat: Mapping[str, FlatValue],
    counts: Mapping[str, int],
    relevant: Mapping[str, bool],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    options: Mapping[str, Sequence[str]],
) -> list[Node]:
    out: list[Node] = []
    for q in questions:
        if q.kind in _NO_INPUT:
            continue
        key = prefix + q.name
        node = Node(
            question=q,
            key=key,
            id=dom_id(key),
            kind=q.kind,
            label=substitute(q.label, prefix, form, values) or q.name,
            hint=substitute(q.hint, prefix, form, values),
            required=(q.required or "").strip().lower() not in _FALSE,
            relevant=bool(relevant.get(key, True)),
            error=errors.get(key, ""),
            live_text=has_references(q),
            purpose=q.donnee_personnelle,
        )
        current = flat.get(key, "")
        if q.kind == "group":
            node.children = _nodes(
                form, q.children, key + "/", flat, counts, relevant, values, errors, options
            )
        elif q.kind == "repeat":
            node.count = repeat_count(q, key, counts)
            node.count_name = COUNT_PREFIX + key
            node.attrs = {"fixed": "1"} if _literal_count(q) is not None else {}
            for i in range(1, node.count + 1):
                ikey = f"{key}[{i}]"
                node.instances.append(
                    Instance(
                        i,
                        ikey,
                        _nodes(
                            form,
                            q.children,
                            ikey + "/",
                            flat,
                            counts,
                            relevant,
                            values,
                            errors,
                            options,
                        ),
                    )
                )
        elif q.kind in ("select_one", "select_multiple"):
            _choices(node, q, options.get(key))
            if q.kind == "select_multiple":
                node.widget = "checkboxes"
                chosen = current if isinstance(current, list) else str(current).split()
                node.selected = tuple(v for v in chosen if v not in node.hidden_choices)
            else:
                many = len(node.choices) > _RADIO_MAX or "minimal" in q.appearance
                node.widget = "select" if many else "radios"
                node.value = "" if str(current) in node.hidden_choices else str(current)
        elif q.kind == "acknowledge":
            node.widget = "acknowledge"
            node.value = str(current)
        elif q.kind != "note":
            node.value = " ".join(current) if isinstance(current, list) else str(current)
            node.widget = "textarea" if "multiline" in q.appearance else "input"
            node.input_type = _INPUT_TYPES.get(q.kind, "text")
            if q.kind == "integer":
                node.attrs = {"step": "1", "inputmode": "numeric"}
            elif q.kind == "decimal":
                node.attrs = {"step": "any", "inputmode": "decimal"}
            elif q.kind == "range":
                node.attrs = {
                    k: str(q.parameters[p])
                    for k, p in (("min", "start"), ("max", "end"), ("step", "step"))
                    if p in q.parameters
                }
        out.append(node)
    return out


def _choices(node: Node, q: Question, offered: Sequence[str] | None) -> None:
    """Fill ``node.choices``: every choice of the list, those a choice_filter leaves out in
    ``hidden_choices`` (drawn hidden and disabled, shown live); for choices taken from a
    repeat's answers, the answers themselves (value and label)."""
    if q.itemset is not None:
        node.dynamic = "repetition"
        node.choices = tuple((v, v) for v in offered or ())
        return
    node.choices = tuple((c.name, c.label or c.name) for c in q.choices)
    if q.choice_filter is not None:
        node.dynamic = "filtre"
        allowed = set(offered or ())
        node.hidden_choices = frozenset(c.name for c in q.choices if c.name not in allowed)


def has_references(q: Question) -> bool:
    """True when the label or hint of ``q`` shows answers (``${x}`` or ``<output/>``)."""
    return bool(_REF.search(q.label) or _OUTPUT.search(q.label)) or bool(
        _REF.search(q.hint) or _OUTPUT.search(q.hint)
    )


def live_texts(
    form: Form, counts: Mapping[str, int], values: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """(labels, hints) by flat key of the question instances whose label or hint shows answers,
    with the current ``values`` substituted (for the live form)."""
    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    for q, key in instance_keys(form.children, counts):
        if q.kind in _NO_INPUT or not has_references(q):
            continue
        prefix = key[: len(key) - len(q.name)]
        labels[key] = substitute(q.label, prefix, form, values) or q.name
        hints[key] = substitute(q.hint, prefix, form, values)
    return labels, hints


def error_links(nodes: Iterable[Node]) -> list[ErrorLink]:
    """The error summary entries, in the order of the form, each linked to its field."""
    links: list[ErrorLink] = []
    for node in nodes:
        if node.error:
            links.append(ErrorLink(node.focus_id, node.label, node.error))
        links.extend(error_links(node.children))
        for instance in node.instances:
            links.extend(error_links(instance.children))
    return links
