"""The form model: frozen dataclasses built from an XLSForm by :mod:`teletravail.surveys.xlsform`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Question kinds the engine supports (anything else is refused at import).
KINDS = frozenset(
    {
        "text",
        "integer",
        "decimal",
        "select_one",
        "select_multiple",
        "date",
        "time",
        "datetime",
        "note",
        "calculate",
        "hidden",
        "acknowledge",
        "range",
        "group",
        "repeat",
    }
)


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice of a list: ``name`` (stored value), ``label`` (French label shown),
    ``extra`` (other columns of the choices sheet, e.g. used by a choice_filter)."""

    name: str
    label: str
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Question:
    """One node of the form: a question, a group or a repeat.

    ``path`` is the XForm instance path without repeat indices ("/data/pratique/jours").
    Expressions (required, relevant, constraint, calculate, choice_filter) are XPath strings as
    written in the XForm binds (``${x}`` already translated), ``None`` when absent.
    ``analyse``, ``donnee_personnelle`` and ``theme`` are the custom XLSForm columns ("" if absent).
    ``default`` is a literal default; a dynamic default (``${x}``, ``today()``…) is in
    ``default_expression`` (XPath, evaluated when the form is opened) and ``default`` is None.
    ``itemset``/``itemset_value`` describe choices taken from answers of a repeat
    (``select_one ${name}``): the XPath node-set of the repeat instances and the path, relative
    to each instance, of the value; ``choices`` is then empty.
    """

    path: str
    name: str
    kind: str
    label: str = ""
    hint: str = ""
    required: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str = ""
    calculate: str | None = None
    choice_filter: str | None = None
    default: str | None = None
    readonly: bool = False
    appearance: str = ""
    list_name: str | None = None
    choices: tuple[Choice, ...] = ()
    or_other: bool = False
    analyse: str = ""
    donnee_personnelle: str = ""
    theme: str = ""
    children: tuple[Question, ...] = ()
    required_message: str = ""
    repeat_count: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    default_expression: str | None = None
    itemset: str | None = None
    itemset_value: str = ""

    def questions(self) -> Iterator[Question]:
        """Depth-first iterator over this node's descendants (not the node itself)."""
        for child in self.children:
            yield child
            yield from child.questions()

    @property
    def is_container(self) -> bool:
        """True for groups and repeats."""
        return self.kind in ("group", "repeat")


@dataclass(frozen=True, slots=True)
class Form:
    """An imported form.

    ``root`` is the XForm instance root element name ("data"); ``xform`` the XForm XML produced by
    pyxform; ``sha256`` the hex digest of the source file bytes; ``warnings`` French notes about
    things dropped at import (e.g. device metadata not collected); ``default_language`` the
    XLSForm language whose labels were kept; ``metadata`` (name, type) of the start/end/today
    fields the server fills at submission.
    """

    form_id: str
    title: str
    version: str
    root: str
    children: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    xform: str
    sha256: str
    warnings: tuple[str, ...] = ()
    default_language: str = ""
    metadata: tuple[tuple[str, str], ...] = ()

    def questions(self) -> Iterator[Question]:
        """Depth-first iterator over every Question, groups and repeats included."""
        for child in self.children:
            yield child
            yield from child.questions()

    def question(self, name: str) -> Question:
        """The question named ``name``; raises ``KeyError`` when absent."""
        index = _name_index(self)
        return index[name]

    def repeats(self) -> tuple[Question, ...]:
        """Every repeat of the form, depth-first order."""
        return tuple(q for q in self.questions() if q.kind == "repeat")

    def by_path(self, path: str) -> Question:
        """The question at instance ``path`` ("/data/g/x"); raises ``KeyError`` when absent."""
        return _path_index(self)[path]


_NAME_INDEX: dict[int, tuple[Form, dict[str, Question]]] = {}
_PATH_INDEX: dict[int, tuple[Form, dict[str, Question]]] = {}


def _name_index(form: Form) -> dict[str, Question]:
    cached = _NAME_INDEX.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    index = {q.name: q for q in form.questions()}
    if len(_NAME_INDEX) >= 64:
        _NAME_INDEX.pop(next(iter(_NAME_INDEX)))
    _NAME_INDEX[id(form)] = (form, index)
    return index


def _path_index(form: Form) -> dict[str, Question]:
    cached = _PATH_INDEX.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    index = {q.path: q for q in form.questions()}
    if len(_PATH_INDEX) >= 64:
        _PATH_INDEX.pop(next(iter(_PATH_INDEX)))
    _PATH_INDEX[id(form)] = (form, index)
    return index
