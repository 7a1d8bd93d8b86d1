"""Answers as column arrays (numpy), read once from the nested answer dicts of the contract.

A row is the answer dict of one submission without the instance root: groups are nested dicts,
repeats lists of dicts, select_multiple a list of names (a space-separated string is accepted),
numbers int/float (numeric strings accepted), an unanswered question has no key.

Each analysable question becomes one :class:`Column` over its *units*: the submissions for a
question outside any repeat (``owner[i] == i``), the repeat instances for a question inside a
repeat (``owner`` gives the submission index of each instance).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from teletravail.surveys.form import Form, Question

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CLOSED = frozenset({"select_one", "select_multiple"})
NUMERIC = frozenset({"integer", "decimal", "range"})
TEXT = frozenset({"text"})
OTHER_LABEL = "Autre"
NAN = float("nan")


@dataclass(frozen=True, slots=True)
class Placed:
    """A question with the keys leading to it: ``steps`` is a tuple of key tuples, one per
    nesting level separated by repeats (``(("g", "r"), ("x",))`` for /data/g/r/x with r a
    repeat); ``repeat`` is the innermost repeat's name or None."""

    question: Question
    steps: tuple[tuple[str, ...], ...]
    repeat: str | None


def placed_questions(form: Form) -> Iterator[Placed]:
    """Every non-container question of ``form`` with the keys leading to it (depth-first)."""

    def walk(
        nodes: Sequence[Question],
        prefix: tuple[str, ...],
        outer: tuple[tuple[str, ...], ...],
        repeat: str | None,
    ) -> Iterator[Placed]:
        for q in nodes:
            here = (*prefix, q.name)
            if q.kind == "repeat":
                yield from walk(q.children, (), (*outer, here), q.name)
            elif q.kind == "group":
                yield from walk(q.children, here, outer, repeat)
            else:
                yield Placed(q, (*outer, here), repeat)

    yield from walk(form.children, (), (), None)


EMPTY: Mapping[str, Any] = {}
Steps = tuple[tuple[str, ...], ...]


def _as_mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else EMPTY


class _Nodes:
    """The answer dicts at each nesting level, computed once and shared by all questions.

    ``containers(outer)``: the dicts holding the questions after the repeat steps ``outer`` (the
    rows for ``()``, the repeat instances otherwise) and the submission index of each;
    ``group(outer, keys)``: per container, the group dict at ``keys`` (EMPTY when absent).
    """

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows = rows
        self._containers: dict[Steps, tuple[Sequence[Mapping[str, Any]], list[int]]] = {}
        self._groups: dict[tuple[Steps, tuple[str, ...]], list[Mapping[str, Any]]] = {}

    def containers(self, outer: Steps) -> tuple[Sequence[Mapping[str, Any]], list[int]]:
        found = self._containers.get(outer)
        if found is not None:
            return found
        if not outer:
            found = (self.rows, list(range(len(self.rows))))
        else:
            _, parent_owners = self.containers(outer[:-1])
            holders = self.values(outer[:-1], outer[-1])
            dicts: list[Mapping[str, Any]] = []
            owners: list[int] = []
            for held, owner in zip(holders, parent_owners, strict=True):
                if isinstance(held, list):
                    for instance in held:
                        if isinstance(instance, Mapping):
                            dicts.append(instance)
                            owners.append(owner)
                elif isinstance(held, Mapping):
                    dicts.append(held)
                    owners.append(owner)
            found = (dicts, owners)
        self._containers[outer] = found
        return found

    def group(self, outer: Steps, keys: tuple[str, ...]) -> list[Mapping[str, Any]]:
        found = self._groups.get((outer, keys))
        if found is None:
            parents = self.containers(outer)[0] if len(keys) == 1 else self.group(outer, keys[:-1])
            k = keys[-1]
            found = [g if type(g := p.get(k)) is dict else _as_mapping(g) for p in parents]
            self._groups[(outer, keys)] = found
        return found

    def values(self, outer: Steps, keys: tuple[str, ...]) -> list[Any]:
        """Raw values at ``keys`` in each container of ``outer``."""
        parents = self.containers(outer)[0] if len(keys) == 1 else self.group(outer, keys[:-1])
        k = keys[-1]
        return [p.get(k) for p in parents]


def _raw_values(nodes: _Nodes, placed: Placed) -> tuple[list[Any], list[int]]:
    """Raw values and the submission index of each unit."""
    outer = placed.steps[:-1]
    values = nodes.values(outer, placed.steps[-1])
    return values, nodes.containers(outer)[1]


@dataclass(slots=True)
class Column:
    """One question's answers over its units.

    ``owner``: submission index of each unit. select_one: ``codes`` (index in ``names``, −1 when
    unanswered). select_multiple: ``matrix`` (units × names, True when chosen) and ``answered``.
    Numbers: ``numbers`` (NaN when unanswered or not a number). Text: ``texts`` (None when
    unanswered). ``names``/``labels``: the choices, then values met outside the list.
    """

    placed: Placed
    owner: IntArray
    names: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    codes: IntArray | None = None
    matrix: BoolArray | None = None
    answered: BoolArray | None = None
    numbers: FloatArray | None = None
    texts: list[str | None] | None = None

    @property
    def question(self) -> Question:
        """The question of the column."""
        return self.placed.question

    @property
    def per_submission(self) -> bool:
        """True when the question is outside any repeat (one unit per submission)."""
        return self.placed.repeat is None


def as_number(value: object) -> float:
    """``value`` as a float (numbers, numeric strings with a dot or a comma), NaN otherwise."""
    if isinstance(value, bool) or value is None:
        return np.nan
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text:
            return np.nan
        try:
            return float(text)
        except ValueError:
            return np.nan
    return np.nan


def _choice_names(question: Question) -> tuple[list[str], list[str]]:
    names = [c.name for c in question.choices]
    labels = [c.label or c.name for c in question.choices]
    if question.or_other and "other" not in names:
        names.append("other")
        labels.append(OTHER_LABEL)
    return names, labels


def build_column(nodes: _Nodes, placed: Placed) -> Column:
    """Read one question's answers into a :class:`Column`."""
    raw, owners = _raw_values(nodes, placed)
    column = Column(placed, np.asarray(owners, dtype=np.intp))
    kind = placed.question.kind
    if kind in CLOSED:
        names, labels = _choice_names(placed.question)
        position = {name: i for i, name in enumerate(names)}

        def code(value: str) -> int:
            found = position.get(value)
            if found is None:
                found = position[value] = len(names)
                names.append(value)
                labels.append(value)
            return found

        if kind == "select_one":
            found = [-1 if v is None else position.get(v, -2) for v in raw]
            if -2 in found:  # values outside the list (or empty strings)
                for i, v in enumerate(raw):
                    if found[i] == -2:
                        found[i] = -1 if v == "" else code(str(v))
            column.codes = np.asarray(found, dtype=np.intp)
        else:
            answered = np.zeros(len(raw), dtype=np.bool_)
            units: list[int] = []
            picks: list[int] = []
            for i, v in enumerate(raw):
                if v is None:
                    continue
                chosen = v.split() if isinstance(v, str) else v
                answered[i] = True
                for name in chosen:
                    units.append(i)
                    picks.append(code(str(name)))
            matrix = np.zeros((len(raw), len(names)), dtype=np.bool_)
            matrix[np.asarray(units, dtype=np.intp), np.asarray(picks, dtype=np.intp)] = True
            column.matrix = matrix
            column.answered = answered
        column.names, column.labels = names, labels
    elif kind in NUMERIC:
        column.numbers = np.asarray(
            [v if type(v) is float else (NAN if v is None else as_number(v)) for v in raw],
            dtype=np.float64,
        )
    else:
        column.texts = [
            None if v is None or (isinstance(v, str) and not v.strip()) else str(v) for v in raw
        ]
    return column


class Columns:
    """Lazy cache of the columns of ``form`` over ``rows`` (each question read at most once)."""

    def __init__(self, form: Form, rows: Sequence[Mapping[str, Any]]) -> None:
        self.form = form
        self.rows = rows
        self.n = len(rows)
        self.placed = {p.question.name: p for p in placed_questions(form)}
        self._nodes = _Nodes(rows)
        self._cache: dict[str, Column] = {}

    def has(self, name: str) -> bool:
        """True when the form has a non-container question ``name``."""
        return name in self.placed

    def get(self, name: str) -> Column:
        """The column of question ``name`` (KeyError when absent)."""
        cached = self._cache.get(name)
        if cached is None:
            cached = self._cache[name] = build_column(self._nodes, self.placed[name])
        return cached
