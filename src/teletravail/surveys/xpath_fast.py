"""Fast evaluation of the common subset of ODK XPath, compiled into Python closures.

Every survey submission evaluates dozens of relevance, constraint and calculation expressions;
through elementpath each simple reference like ``/data/profil/situation`` costs several context
copies and a generic path selection. :func:`compile_fast` turns a parsed expression (an
elementpath token tree from :func:`teletravail.surveys.xpath.compile_expression`) into a closure
``program(context) -> value`` that computes *exactly* what ``token.evaluate(context)`` returns:

* literals, ``.``, ``..``, child name steps, ``current()`` and absolute paths from the root
  (resolved once per instance document and kept on the context, the node tree being fixed);
* comparisons ``= != < > <= >=`` (same XPath 1.0 rules as :mod:`teletravail.surveys.xpath`),
  ``and``/``or``/``not()``, arithmetic ``+ - * div mod``;
* ``selected``, ``count-selected``, ``string-length``, ``if``, ``true``, ``false``, ``today``,
  ``boolean``, ``number``, ``string``, ``concat``, ``coalesce``, ``floor``, ``ceiling``,
  ``abs``, ``int``, ``count``.

Any other sub-expression (``instance()``, predicates, ``format-date``…) is evaluated by
elementpath on a copy of the context, as the generic evaluator does. Node string values are read
from the ElementTree elements at evaluation time, so answers changed between two evaluations
(calculations, blanked irrelevant answers) are seen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from datetime import date
from typing import Any

from elementpath.sequences import xlist
from elementpath.xpath_nodes import DocumentNode, ElementNode, EtreeElementNode, XPathNode
from elementpath.xpath_tokens import XPathToken

from teletravail.surveys.xpath import (
    OdkContext,
    OdkDate,
    _compare_atoms,
    _mod,
    _selected,
    _string_to_number,
    compare_values,
    to_boolean,
    to_number,
    to_string,
)

#: A compiled expression: called with the evaluation context (``item`` and ``current`` set),
#: returns the same value as the elementpath evaluation of the expression.
Program = Callable[[OdkContext], object]

_PATH_CACHE_ATTRIBUTE = "_fast_paths"
_COMPARISONS = frozenset(("=", "!=", "<", ">", "<=", ">="))
_LITERALS = frozenset(("(string)", "(integer)", "(decimal)", "(float)"))
#: Compiled operators and functions that always return a bool.
_BOOLEAN_SYMBOLS = _COMPARISONS | {"and", "or", "not", "true", "false", "selected", "boolean"}
#: Compiled operators and functions that never return a node list.
_SCALAR_SYMBOLS = _BOOLEAN_SYMBOLS | {
    *("+", "-", "*", "div", "mod", "count-selected", "string-length", "today", "number"),
    *("string", "concat", "coalesce", "count", "int", "floor", "ceiling", "abs"),
}


def compile_fast(token: XPathToken) -> Program | None:
    """The closure evaluating ``token``, or None when its root is not in the fast subset (the
    caller then evaluates the token with elementpath). Lists returned are fresh ``xlist``."""
    try:
        program = _compile_node(token)
    except (IndexError, TypeError, ValueError, AttributeError, KeyError):
        return None  # an unforeseen token shape: elementpath evaluates it
    if program is None:
        return None
    if token.symbol in _SCALAR_SYMBOLS:
        return program

    def run(context: OdkContext) -> object:
        value = program(context)
        return xlist(value) if isinstance(value, list) else value

    return run


# --------------------------------------------------------------------------- value helpers


def _text(node: object) -> str:
    """``string()`` of a node; a leaf element is read straight from its ElementTree element."""
    if type(node) is EtreeElementNode and node.xsd_type is None:
        element = node.value
        if not len(element):
            return element.text or ""
    return to_string(node)


def _str(value: object) -> str:
    """XPath ``string()`` of a value (same result as :func:`xpath.to_string`)."""
    if type(value) is str:
        return value
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    if isinstance(value, XPathNode):
        return _text(value)
    return to_string(value)


def _num(value: object) -> float:
    """XPath ``number()`` of a value (same result as :func:`xpath.to_number`)."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    if kind is list or isinstance(value, (list, XPathNode)):
        return _string_to_number(_str(value))
    return to_number(value)


def _ebv(token: XPathToken, value: object) -> bool:
    """elementpath's effective boolean value of the selection of ``value`` (used by ``and``,
    ``or``, ``not``); unusual values are handed to elementpath, errors included."""
    if type(value) is bool:
        return value
    if isinstance(value, list):
        if not value:
            return False
        if isinstance(value[0], XPathNode):
            return True
    return bool(token.boolean_value(value))


# --------------------------------------------------------------------------- compilation


def _compile(token: XPathToken) -> Program:
    """The fast closure of ``token``, or elementpath's evaluation when it has none."""
    return _compile_node(token) or _slow(token)


def _compile_node(token: XPathToken) -> Program | None:
    symbol = token.symbol
    if symbol in _LITERALS:
        constant = token.evaluate()
        return lambda context: constant
    if symbol == "(" and len(token) == 1:
        return _compile_node(token[0])
    steps = _path_steps(token)
    if steps is not None:
        return _compile_path(token, steps)
    builder = _OPERATORS.get(symbol) or _FUNCTIONS.get(symbol)
    return None if builder is None else builder(token)


def _slow(token: XPathToken) -> Program:
    """elementpath evaluation on a copy of the context (what xpath._arg does)."""
    evaluate = token.evaluate
    return lambda context: evaluate(copy(context))


# ----- paths

#: A path step: ("name", name), ("parent", ""), ("self", ""); the first step of a path can
#: also be ("root", "") (absolute path) or ("current", "").
_Step = tuple[str, str]


def _path_steps(token: XPathToken) -> list[_Step] | None:
    """The steps of a simple path (child names, ``.``, ``..``, from the root, the context item
    or ``current()``), or None for anything else (predicates, axes, wildcards, ``//``…)."""
    symbol = token.symbol
    if symbol == "(name)":
        name = str(token.value)
        if ":" in name or "*" in name or token.parser.default_namespace:
            return None
        return [("name", str(token.value))]
    if symbol == "..":
        return [("parent", "")]
    if symbol == ".":
        return [("self", "")]
    if symbol == "current" and len(token) == 0:
        return [("current", "")]
    if symbol != "/" or len(token) == 0:
        return None
    if len(token) == 1:
        last = _path_steps(token[0])
        if last is None or len(last) != 1 or last[0][0] in ("current",):
            return None
        return [("root", ""), *last]
    first, last = _path_steps(token[0]), _path_steps(token[1])
    if first is None or last is None or len(last) != 1 or last[0][0] in ("current",):
        return None
    return [*first, *last]


def _children(node: object, name: str) -> list[Any]:
    if isinstance(node, (ElementNode, DocumentNode)):
        return [c for c in node.children if isinstance(c, ElementNode) and c.name == name]
    return []


def _walk(nodes: Sequence[Any], steps: Sequence[_Step]) -> list[Any]:
    """Apply child/parent/self steps to ``nodes`` like elementpath's ``/`` operator (results
    in order, each node once)."""
    current: list[Any] = list(nodes)
    for kind, name in steps:
        found: list[Any] = []
        if kind == "name":
            for node in current:
                found.extend(_children(node, name))
        elif kind == "parent":
            seen: set[int] = set()
            for node in current:
                parent = node.parent
                if parent is not None and id(parent) not in seen:
                    seen.add(id(parent))
                    found.append(parent)
        else:  # self
            found = current
        current = found
    return current


def _compile_path(token: XPathToken, steps: list[_Step]) -> Program:
    head, rest = steps[0], steps[1:]
    kind = head[0]
    if kind == "root":
        key = tuple(name for _kind, name in rest)
        if any(k != "name" for k, _ in rest):
            return _compile_relative_root(token, rest)
        return _compile_absolute(token, key)
    if not rest:
        return _compile_single(token, head)
    first = _compile_single(token, head)
    slow = _slow(token)
    climbs = any(k == "parent" for k, _ in rest)

    def relative(context: OdkContext) -> object:
        start = first(context)
        nodes = start if isinstance(start, list) else [start]
        if not all(isinstance(n, XPathNode) for n in nodes):
            return slow(context)
        if climbs and context.document is None:
            return slow(context)
        return _walk(nodes, rest)

    return relative


def _compile_single(token: XPathToken, step: _Step) -> Program:
    """One step evaluated on its own, returning what elementpath's token returns."""
    kind, name = step
    if kind == "self":
        return lambda context: context.item
    if kind == "parent":

        def parent(context: OdkContext) -> object:
            item = context.item
            if isinstance(item, XPathNode) and (
                context.document is not None or item is not context.root
            ):
                up = item.parent
                if up is not None:
                    return up
            return []

        return parent
    if kind == "current":

        def current(context: OdkContext) -> object:
            node = getattr(context, "current", None)
            return [] if node is None else [node]

        return current

    def child(context: OdkContext) -> object:
        if context.axis is not None:
            return token.evaluate(copy(context))
        return _children(context.item, name)

    return child


def _compile_absolute(token: XPathToken, key: tuple[str, ...]) -> Program:
    """``/a/b/c``: the nodes, found once per document and kept in a dict on the context."""
    slow = _slow(token)

    def absolute(context: OdkContext) -> object:
        document = context.document
        if not isinstance(document, DocumentNode):
            return slow(context)
        cache = context.__dict__.get(_PATH_CACHE_ATTRIBUTE)
        if cache is None or cache[0] is not document:
            cache = (document, {})
            context.__dict__[_PATH_CACHE_ATTRIBUTE] = cache
        paths: dict[tuple[str, ...], list[Any]] = cache[1]
        nodes = paths.get(key)
        if nodes is None:
            nodes = _walk([document], [("name", n) for n in key])
            paths[key] = nodes
        return nodes

    return absolute


def _compile_relative_root(token: XPathToken, rest: list[_Step]) -> Program:
    slow = _slow(token)

    def absolute(context: OdkContext) -> object:
        document = context.document
        if not isinstance(document, DocumentNode):
            return slow(context)
        return _walk([document], rest)

    return absolute


# ----- operators


def _comparison(token: XPathToken) -> Program:
    op = str(token.symbol)
    left, right = _compile(token[0]), _compile(token[1])
    right_token = token[1]
    if op in ("=", "!=") and right_token.symbol == "(string)":
        literal = str(right_token.value)
        equal = op == "="

        def compare_text(context: OdkContext) -> bool:
            value = left(context)
            if isinstance(value, list):
                for node in value:  # noqa: SIM110 (a loop is faster than any() here)
                    if (_text(node) == literal) is equal:
                        return True
                return False
            if type(value) is bool:
                return _compare_atoms(op, value, literal)
            if isinstance(value, XPathNode):
                return (_text(value) == literal) is equal
            return _compare_atoms(op, value, literal)

        return compare_text

    if right_token.symbol in ("(integer)", "(decimal)", "(float)"):
        return _compare_number(op, left, right_token.evaluate())

    def compare(context: OdkContext) -> bool:
        return compare_values(op, left(context), right(context), _str)

    return compare


_NUMBER_RELATIONS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _compare_number(op: str, left: Program, literal: object) -> Program:
    """``left <op> number``: each node's text as a number (an empty or non-numeric answer is
    NaN: false, but true for ``!=``; the literal never looks like a date)."""
    number = to_number(literal)
    relation = _NUMBER_RELATIONS[op]

    def compare_number(context: OdkContext) -> bool:
        value = left(context)
        if isinstance(value, list):
            for node in value:  # noqa: SIM110 (a loop is faster than any() here)
                if relation(_string_to_number(_str(node)), number):
                    return True
            return False
        if isinstance(value, XPathNode):
            return relation(_string_to_number(_text(value)), number)
        return _compare_atoms(op, value, literal)

    return compare_number


def _logical(token: XPathToken) -> Program:
    left, right = _compile(token[0]), _compile(token[1])
    left_token, right_token = token[0], token[1]
    if left_token.symbol in _BOOLEAN_SYMBOLS and right_token.symbol in _BOOLEAN_SYMBOLS:
        if token.symbol == "and":
            return lambda context: left(context) and right(context)
        return lambda context: left(context) or right(context)
    if token.symbol == "and":
        return lambda context: _ebv(left_token, left(context)) and _ebv(right_token, right(context))
    return lambda context: _ebv(left_token, left(context)) or _ebv(right_token, right(context))


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "mod": _mod,
}


def _arithmetic(token: XPathToken) -> Program | None:
    symbol = str(token.symbol)
    if len(token) == 1 and symbol in ("-", "+"):
        operand = _compile(token[0])
        if symbol == "-":
            return lambda context: -_num(operand(context))
        return lambda context: _num(operand(context))
    if len(token) != 2:
        return None  # the "*" wildcard
    fn = _ARITHMETIC[symbol]
    left, right = _compile(token[0]), _compile(token[1])

    def arithmetic(context: OdkContext) -> float:
        a, b = _num(left(context)), _num(right(context))
        try:
            return fn(a, b)
        except (ZeroDivisionError, OverflowError):
            if math.isnan(a) or math.isnan(b) or a == 0:
                return math.nan
            return math.copysign(math.inf, a) * (math.copysign(1.0, b))

    return arithmetic


_OPERATORS: dict[str, Callable[[XPathToken], Program | None]] = {
    **{op: _comparison for op in _COMPARISONS},
    "and": _logical,
    "or": _logical,
    **{op: _arithmetic for op in _ARITHMETIC},
}


# ----- functions


def _args(token: XPathToken) -> list[Program]:
    return [_compile(child) for child in token]


def _fn_not(token: XPathToken) -> Program:
    (arg,) = _args(token)
    child = token[0]
    return lambda context: not _ebv(child, arg(context))


def _fn_constant(token: XPathToken) -> Program:
    constant = token.symbol == "true"
    return lambda context: constant


def _fn_selected(token: XPathToken) -> Program:
    values, value = _args(token)
    return lambda context: _selected(_str(values(context)), _str(value(context)))


def _fn_count_selected(token: XPathToken) -> Program:
    (arg,) = _args(token)
    return lambda context: float(len(_str(arg(context)).split()))


def _fn_string_length(token: XPathToken) -> Program:
    if len(token) == 0:
        return lambda context: float(len(_str(context.item)))
    (arg,) = _args(token)
    return lambda context: float(len(_str(arg(context))))


def _fn_if(token: XPathToken) -> Program:
    condition, then, otherwise = _args(token)
    return lambda context: then(context) if to_boolean(condition(context)) else otherwise(context)


def _fn_today(token: XPathToken) -> Program:
    return lambda context: OdkDate(getattr(context, "today", None) or date.today())


def _fn_boolean(token: XPathToken) -> Program:
    (arg,) = _args(token)
    return lambda context: to_boolean(arg(context))


def _fn_number(token: XPathToken) -> Program:
    if len(token) == 0:
        return lambda context: _num(context.item)
    (arg,) = _args(token)
    return lambda context: _num(arg(context))


def _fn_string(token: XPathToken) -> Program:
    if len(token) == 0:
        return lambda context: _str(context.item)
    (arg,) = _args(token)
    return lambda context: _str(arg(context))


def _fn_concat(token: XPathToken) -> Program:
    args = _args(token)

    def concat(context: OdkContext) -> str:
        parts: list[str] = []
        for arg in args:
            value = arg(context)
            if isinstance(value, list):
                parts.extend(_str(n) for n in value)
            else:
                parts.append(_str(value))
        return "".join(parts)

    return concat


def _fn_coalesce(token: XPathToken) -> Program:
    args = _args(token)

    def coalesce(context: OdkContext) -> str:
        for arg in args:
            text = _str(arg(context))
            if text:
                return text
        return ""

    return coalesce


def _fn_count(token: XPathToken) -> Program:
    (arg,) = _args(token)

    def count(context: OdkContext) -> float:
        value = arg(context)
        if isinstance(value, list):
            return float(len(value))
        return 1.0 if isinstance(value, XPathNode) else 0.0

    return count


def _fn_int(token: XPathToken) -> Program:
    (arg,) = _args(token)

    def to_int(context: OdkContext) -> float:
        value = _num(arg(context))
        if math.isnan(value) or math.isinf(value):
            return value
        return float(math.trunc(value))

    return to_int


def _number_function(fn: Callable[[float], float]) -> Callable[[XPathToken], Program]:
    def build(token: XPathToken) -> Program:
        (arg,) = _args(token)

        def number_function(context: OdkContext) -> float:
            value = _num(arg(context))
            if math.isnan(value):
                return math.nan
            try:
                return float(fn(value))
            except (ValueError, OverflowError, ZeroDivisionError):
                return math.nan

        return number_function

    return build


_FUNCTIONS: dict[str, Callable[[XPathToken], Program | None]] = {
    "not": _fn_not,
    "true": _fn_constant,
    "false": _fn_constant,
    "selected": _fn_selected,
    "count-selected": _fn_count_selected,
    "string-length": _fn_string_length,
    "if": _fn_if,
    "today": _fn_today,
    "boolean": _fn_boolean,
    "number": _fn_number,
    "string": _fn_string,
    "concat": _fn_concat,
    "coalesce": _fn_coalesce,
    "count": _fn_count,
    "int": _fn_int,
    "floor": _number_function(math.floor),
    "ceiling": _number_function(math.ceil),
    "abs": _number_function(abs),
}
