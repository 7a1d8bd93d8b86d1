"""Differential tests: the compiled fast paths (xpath_fast) give exactly what elementpath gives.

Every expression of the four shipped instruments and of tests/fixtures/forms/complet.md is
evaluated on many random instance trees (odd answers included: junk text, negative numbers,
dates, empty values, 0 to 3 repeat instances) with both evaluators, on every node of its
question; then whole submissions are checked both ways and the results compared.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from elementpath.xpath_nodes import XPathNode

from teletravail.surveys import xpath
from teletravail.surveys.form import Form, Question
from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform
from teletravail.surveys.xpath import (
    OdkDate,
    compile_expression,
    evaluate,
    evaluate_filter,
    make_context,
    secondary_instance,
)
from teletravail.surveys.xpath_fast import compile_fast

ROOT = Path(__file__).resolve().parents[2]
FORM_FILES = [
    *sorted((ROOT / "src/teletravail/surveys/instruments").glob("*.md")),
    ROOT / "tests/fixtures/forms/complet.md",
]
ATTRIBUTES = (
    "relevant",
    "required",
    "constraint",
    "calculate",
    "repeat_count",
    "default_expression",
    "itemset",
)
TODAY = date(2026, 3, 15)
JUNK = ["", "", "0", "1", "3", "-2", "2.5", " 7 ", "1e3", "abc", "NaN", "2020-01-01",
        "2031-12-31", "2020-13-45", "08:30", "oui", "non", "autre", "x y"]  # fmt: skip

#: Expressions outside the forms, for corners of the subset (evaluated on complet.md trees).
EXTRA = [
    ". = 3", ". != ''", ". = /data/age", "/data/age + 1", "-/data/age", "- .",
    "/data/age div 0", "-1 div 0", "0 div 0", "/data/age mod 0", "7 mod -3", "/data/age * 2",
    "../lieu_nom", "current()/..", "current()/../lieu_nom", "..", "../..", "./.", ".//x",
    "/data/lieux_freq/visites > 2", "/data/lieux_freq/visites = 3",
    "/data/lieux_freq/lieu_nom = 'oui'", "/data/lieux_freq/lieu_nom != 'oui'",
    "/data/lieux_freq/..", "/data/lieux_freq/visites/..", "/.", "/..", "/data/*", "/*/age",
    "not(/data/nothing)", "not(/data/age)", "/data/age = /data/lieux_freq/visites",
    "/data/lieux_freq/visites < /data/lieux_freq/lieu_nom", "true() = /data/age",
    "/data/age = true()", "false() != /data/nothing", "string-length()", "number()",
    "string()", "string-length(/data/nom)", "count(/data/lieux_freq)", "count(.)",
    "count(/data/nothing)", "concat(/data/age, 'x', /data/lieux_freq/lieu_nom)",
    "coalesce(/data/nom, 'z')", "floor(/data/age div 3)", "abs(-2.5)", "abs(.)",
    "int('12.7')", "int(-2.5)", "ceiling('x')", "ceiling(1e400)", "floor(. * 1e308 * 10)",
    "today() < /data/date_arrivee", "/data/date_arrivee >= '2020-01-01'",
    ". <= today()", "today() = today()", "if(/data/age > 3, /data/age, 'no')",
    "if(/data/nothing, 1, 0)", "5 mod 3", "'2020-01-01' < '2021-01-01'", "boolean(/data/age)",
    "boolean(.)", "boolean(0.0)", "string(/data/age)", "number(/data/age)", "1 and 'x'",
    "0 or ''", "0.5 and /data/age", "(/data/age = 3) = (/data/nom = '')", "/data/age = 3.0",
    "/data/age != 'x'", "'x' = /data/age", "3 = /data/age", "'3' = 3", "/data/age > '2'",
    "selected(/data/pratique/lieux, 'domicile')", "selected(., ' oui ')",
    "count-selected(/data/pratique/lieux)", "count-selected(/data/nothing)",
    "(/data/age)", "((.))", "instance('region')/root/item[name = /data/region]/label",
    "/data/lieux_freq[2]/visites", "position(..)", "format-date(today(), '%Y')",
    "today() and /data/age", "/data/age > 3 or today()", "not(today())",
    "/data/pratique/jours * 7 + /data/age - 1", "/data/nom = /data/nom",
    "/data/lieux_freq/visites = /data/lieux_freq/visites", "concat(.)", "'a' < 'b'",
    "/data/region = 'occitanie' and /data/departement != ''",
    ". != 3", ". = 0.5", ". >= 1e1", ". < -2", "/data/lieux_freq/visites != 2",
    "/data/lieux_freq/visites <= 3", "/data/date_arrivee > 0", "true() > 0", "today() > 3",
    "/data/nothing != 1", "(/data/age > 3) = 1",
]  # fmt: skip


def _leaf_text(question: Question, rng: random.Random) -> str | None:
    """A random answer text: often a plausible value, sometimes junk, sometimes absent."""
    draw = rng.random()
    if draw < 0.2:
        return None
    if draw < 0.5:
        return rng.choice(JUNK)
    names = [c.name for c in question.choices]
    if question.kind == "select_multiple" and names:
        return " ".join(rng.sample(names, rng.randint(0, min(3, len(names)))))
    if names:
        return rng.choice(names)
    if question.kind in ("integer", "decimal", "range"):
        return rng.choice([str(rng.randint(-3, 120)), f"{rng.uniform(-1, 10):.2f}"])
    if question.kind == "date":
        return date(rng.randint(2015, 2030), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    return "".join(rng.choice("abcé ") for _ in range(rng.randint(0, 90)))


def _fill(parent: ET.Element, questions: tuple[Question, ...], rng: random.Random) -> None:
    for question in questions:
        if question.kind == "repeat":
            for _ in range(rng.randint(0, 3)):
                _fill(ET.SubElement(parent, question.name), question.children, rng)
        elif question.kind == "group":
            _fill(ET.SubElement(parent, question.name), question.children, rng)
        else:
            ET.SubElement(parent, question.name).text = _leaf_text(question, rng)


def _tree(form: Form, rng: random.Random) -> tuple[Any, dict[str, list[Any]]]:
    """(context, question path → its elementpath nodes) for a random instance of ``form``."""
    root = ET.Element(form.root)
    _fill(root, form.children, rng)
    instances = {
        name: secondary_instance(name, [{"name": c.name, "label": c.label, **c.extra} for c in cs])
        for name, cs in form.choices.items()
    }
    context = make_context(ET.ElementTree(root), today=TODAY, instances=instances, choice_labels={})
    elements = context.root.tree.elements
    nodes: dict[str, list[Any]] = {}

    def walk(element: ET.Element, path: str) -> None:
        nodes.setdefault(path, []).append(elements[element])
        for child in element:
            walk(child, f"{path}/{child.tag}")

    walk(root, f"/{form.root}")
    return context, nodes


def _norm(value: object) -> object:
    """A comparable image of a result: nodes by identity, NaN equal to itself, types kept."""
    if isinstance(value, list):
        return ("list", type(value).__name__, [_norm(v) for v in value])
    if isinstance(value, XPathNode):
        return ("node", id(value))
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if isinstance(value, OdkDate):
        return ("date", value.value)
    return (type(value).__name__, value)


@contextmanager
def _fast(enabled: bool) -> Iterator[None]:
    saved = xpath.FAST_PATHS
    xpath.FAST_PATHS = enabled
    try:
        yield
    finally:
        xpath.FAST_PATHS = saved


def _both(call: Any) -> tuple[object, object]:
    """(elementpath result, fast result) of ``call()``; an exception is compared by type."""
    results = []
    for enabled in (False, True):
        with _fast(enabled):
            try:
                results.append(_norm(call()))
            except Exception as error:
                results.append(("error", type(error).__name__))
    return results[0], results[1]


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    return {path.name: load_xlsform(path.read_bytes(), path.name) for path in FORM_FILES}


def _expressions(form: Form) -> list[tuple[Question, str, str]]:
    found = []
    for question in form.questions():
        for attribute in ATTRIBUTES:
            expression = getattr(question, attribute)
            if expression:
                found.append((question, attribute, expression))
        if question.choice_filter:
            found.append((question, "choice_filter", question.choice_filter))
    return found


@pytest.mark.parametrize("file", [path.name for path in FORM_FILES])
def test_every_form_expression_matches_elementpath(forms: dict[str, Form], file: str) -> None:
    form = forms[file]
    expressions = _expressions(form)
    assert expressions
    rng = random.Random(file)
    compared = 0
    for _ in range(120):
        context, nodes = _tree(form, rng)
        for question, attribute, expression in expressions:
            token = compile_expression(expression)
            for node in nodes.get(question.path, [])[:3]:
                if attribute == "choice_filter":
                    assert question.list_name is not None
                    root = context.instances[question.list_name].children[0]
                    for item in root.children:
                        slow, fast = _both(partial(evaluate_filter, token, context, item, node))
                        assert slow == fast, (file, expression, item)
                        compared += 1
                    continue
                slow, fast = _both(partial(evaluate, token, context, node))
                assert slow == fast, (file, question.path, expression)
                compared += 1
    assert compared > 1000


def test_extra_expressions_match_elementpath(forms: dict[str, Form]) -> None:
    form = forms["complet.md"]
    rng = random.Random(7)
    for _ in range(60):
        context, nodes = _tree(form, rng)
        items = [n for path, ns in nodes.items() for n in ns if path.count("/") >= 2]
        for expression in EXTRA:
            token = compile_expression(expression)
            for node in rng.sample(items, min(4, len(items))):
                slow, fast = _both(partial(evaluate, token, context, node))
                assert slow == fast, (expression, node)


def test_fast_programs_cover_the_shipped_forms(forms: dict[str, Form]) -> None:
    """Every expression of the shipped forms but a handful gets a compiled program."""
    missing = []
    for form in forms.values():
        for _question, _attribute, expression in _expressions(form):
            if compile_fast(compile_expression(expression)) is None:
                missing.append(expression)
    assert sorted(set(missing)) == ["position(..)"]


def test_unsupported_root_is_left_to_elementpath() -> None:
    assert compile_fast(compile_expression("instance('x')/root/item")) is None
    assert compile_fast(compile_expression("/data/a[1]")) is None
    assert compile_fast(compile_expression("/data/a = 'x'")) is not None


def _random_answers(questions: tuple[Question, ...], rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions:
        if question.kind == "repeat":
            answers[question.name] = [
                _random_answers(question.children, rng) for _ in range(rng.randint(0, 3))
            ]
        elif question.kind == "group":
            answers[question.name] = _random_answers(question.children, rng)
        else:
            text = _leaf_text(question, rng)
            if text is not None:
                split = question.kind == "select_multiple" and rng.random() < 0.5
                answers[question.name] = text.split() if split else text
    return answers


@pytest.mark.parametrize("file", [path.name for path in FORM_FILES])
def test_check_submission_is_unchanged(forms: dict[str, Form], file: str) -> None:
    form = forms[file]
    rng = random.Random(f"check-{file}")
    errors = 0
    for _ in range(60):
        answers = _random_answers(form.children, rng)
        with _fast(False):
            slow = check_submission(form, answers, today=TODAY, options=True)
        with _fast(True):
            fast = check_submission(form, answers, today=TODAY, options=True)
        assert slow == fast
        errors += len(slow.errors)
    assert errors > 0  # the random answers do exercise the constraints
