"""ODK XPath 1.0 evaluation on top of elementpath.

:class:`OdkParser` is an ``elementpath.XPath1Parser`` subclass with its own symbol table: it adds
the ODK/JavaRosa functions (``selected``, ``if``, ``coalesce``, ``today``, ``format-date``…) and
replaces the comparison and arithmetic operators by strict XPath 1.0 semantics (an empty answer
is ``NaN`` in arithmetic, ``'3' = 3`` is true, dates compare as dates). The parent
``XPath1Parser`` is left untouched.

Expressions are compiled once with :func:`compile_expression` (cached) and evaluated with
:func:`evaluate` against an :class:`OdkContext` built on the instance ElementTree; the context item
is the question node, so ``.`` and ``../x`` work inside repeat instances. ``current()`` returns the
question node, ``instance('list')`` the secondary instance of a choice list.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from copy import copy
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, ClassVar, cast
from xml.etree import ElementTree as ET

from elementpath import XPath1Parser, XPathContext
from elementpath.exceptions import ElementPathError, MissingContextError
from elementpath.tree_builders import get_node_tree
from elementpath.xpath_nodes import DocumentNode, ElementNode, XPathNode
from elementpath.xpath_tokens import XPathToken

JR_NAMESPACE = "http://openrosa.org/javarosa"
_RANDOM = random.SystemRandom()
_EPOCH = date(1970, 1, 1)
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


class XPathCompileError(ValueError):
    """An expression cannot be parsed; ``str()`` is a French explanation."""


class OdkDate:
    """A date value produced by ``today()``/``date()`` (compares and subtracts as days)."""

    __slots__ = ("value",)

    def __init__(self, value: date) -> None:
        self.value = value

    def days(self) -> float:
        """Days since 1970-01-01."""
        return float((self.value - _EPOCH).days)

    def __str__(self) -> str:
        return self.value.isoformat()


class OdkContext(XPathContext):
    """An XPath context carrying what ODK functions need.

    Attributes set by :func:`make_context`: ``current`` (the question node, for ``current()``),
    ``today`` (date used by ``today()``/``now()``), ``instances`` (choice list name → document
    node of its secondary instance), ``choice_labels`` (path → {choice name: label}, for
    ``jr:choice-name``).
    """

    current: object
    today: date
    instances: Mapping[str, Any]
    choice_labels: Mapping[str, Mapping[str, str]]


def make_context(
    tree: ET.ElementTree[Any],
    *,
    today: date,
    instances: Mapping[str, Any],
    choice_labels: Mapping[str, Mapping[str, str]],
) -> OdkContext:
    """Build the evaluation context for one instance document (done once per check)."""
    ctx = OdkContext(tree)
    ctx.current = ctx.root
    ctx.today = today
    ctx.instances = instances
    ctx.choice_labels = choice_labels
    return ctx


def secondary_instance(list_name: str, items: Iterable[Mapping[str, str]]) -> DocumentNode:
    """Document node of ``<root><item><name/>…</item></root>`` for a choice list.

    Each mapping gives the children of one item (name, label, and extra columns).
    """
    root = ET.Element("root")
    for values in items:
        item = ET.SubElement(root, "item")
        for key, value in values.items():
            ET.SubElement(item, key).text = value
    return cast(DocumentNode, get_node_tree(ET.ElementTree(root)))


# --------------------------------------------------------------------------- value conversions


def _first_node_string(seq: list[Any]) -> str:
    if not seq:
        return ""
    return to_string(seq[0])


def format_number(value: float) -> str:
    """XPath string of a number: integers without ``.0``, NaN as "NaN"."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def to_string(value: object) -> str:
    """XPath 1.0 ``string()`` of an evaluation result."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, Decimal):
        return format_number(float(value))
    if isinstance(value, list):
        return _first_node_string(value)
    if isinstance(value, XPathNode):
        return str(value.string_value)
    if isinstance(value, OdkDate):
        return str(value)
    if value is None:
        return ""
    return str(value)


def _string_to_number(text: str) -> float:
    text = text.strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        match = _DATE_RE.match(text)
        if match and len(text) == 10:
            try:
                return float((date.fromisoformat(text) - _EPOCH).days)
            except ValueError:
                return math.nan
        return math.nan


def to_number(value: object) -> float:
    """XPath 1.0 ``number()``; an empty answer gives NaN, a YYYY-MM-DD string its day count."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, OdkDate):
        return value.days()
    return _string_to_number(to_string(value))


def to_boolean(value: object) -> bool:
    """XPath 1.0 ``boolean()``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return len(value) > 0
    if isinstance(value, (int, float, Decimal)):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    if isinstance(value, XPathNode):
        return True
    if isinstance(value, OdkDate):
        return True
    return bool(to_string(value))


def to_date(value: object) -> date | None:
    """A date from a date value, a YYYY-MM-DD(…) string or a day count; None when not a date."""
    if isinstance(value, OdkDate):
        return value.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isnan(value):
            return None
        return _EPOCH + timedelta(days=math.floor(value))
    text = to_string(value).strip()
    match = _DATE_RE.match(text)
    if match is None:
        number = _string_to_number(text)
        return None if math.isnan(number) else _EPOCH + timedelta(days=math.floor(number))
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _nodes(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, XPathNode):
        return [value]
    return []


# --------------------------------------------------------------------------- the parser


def _eval(token: XPathToken, context: XPathContext | None) -> object:
    """Evaluate a sub-token on a copy of the context (paths move the context item)."""
    return token.evaluate(copy(context))


def _arg(token: XPathToken, index: int, context: XPathContext | None) -> object:
    return _eval(token[index], context)


def _need(context: XPathContext | None) -> XPathContext:
    """The context, or MissingContextError during the parser's static evaluation."""
    if context is None:
        raise MissingContextError("dynamic context required")
    return context


class OdkParser(XPath1Parser):
    """XPath 1.0 parser with the ODK function library and XPath 1.0 comparison semantics."""

    symbol_table: ClassVar[dict[str, Any]] = dict(XPath1Parser.symbol_table)  # type: ignore[misc]
    DEFAULT_NAMESPACES: ClassVar[dict[str, str]] = {
        **XPath1Parser.DEFAULT_NAMESPACES,
        "jr": JR_NAMESPACE,
    }
    PATH_STEP_SYMBOLS: ClassVar[set[str]] = XPath1Parser.PATH_STEP_SYMBOLS | {
        "instance",
        "current",
    }


def _override(symbol: str, evaluate: Callable[..., Any], **attrs: object) -> None:
    """Replace ``symbol`` in OdkParser's table by a subclass of its token with a new evaluate."""
    base = OdkParser.symbol_table[symbol]
    namespace: dict[str, Any] = {"evaluate": evaluate, "__module__": __name__, **attrs}
    OdkParser.symbol_table[symbol] = type(base)(f"_Odk{base.__name__}", (base,), namespace)


def _define(name: str, nargs: int | tuple[int, int | None], evaluate: Callable[..., Any]) -> None:
    """Add (or replace) the function ``name`` in OdkParser only."""
    key = name.split(":")[-1]
    if ":" in name:
        prefix = name.split(":")[0]
        namespace_uri = OdkParser.DEFAULT_NAMESPACES[prefix]
        lookup = f"{{{namespace_uri}}}{key}"
        if lookup in OdkParser.symbol_table:
            del OdkParser.symbol_table[lookup]
        token_class = OdkParser.function(key, prefix=prefix, nargs=nargs)
    else:
        if key in OdkParser.symbol_table:
            del OdkParser.symbol_table[key]
        token_class = OdkParser.function(key, nargs=nargs)
    token_class.evaluate = evaluate  # type: ignore[method-assign]


# ----- comparisons (XPath 1.0 section 3.4)


def _compare_atoms(op: str, left: object, right: object) -> bool:
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            result = to_boolean(left) == to_boolean(right)
        elif isinstance(left, OdkDate) or isinstance(right, OdkDate):
            result = to_date(left) == to_date(right)
        elif isinstance(left, (int, float, Decimal)) or isinstance(right, (int, float, Decimal)):
            result = to_number(left) == to_number(right)
        else:
            result = to_string(left) == to_string(right)
        return result if op == "=" else not result
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        left_text, right_text = to_string(left), to_string(right)
        if _DATE_RE.match(left_text) and _DATE_RE.match(right_text):
            a_key, b_key = left_text.strip(), right_text.strip()
            return _RELATIONS[op](a_key, b_key)
        return False
    return _RELATIONS[op](a, b)


_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def compare_values(
    op: str, left: object, right: object, string: Callable[[object], str] = to_string
) -> bool:
    """XPath 1.0 comparison ``left op right`` of two evaluated operands, node-sets included
    (true when any pair of their string values compares true); ``string`` is the ``string()``
    function to apply to nodes (the compiled fast path passes its own, equivalent one)."""
    if isinstance(left, list) and isinstance(right, list):
        left_values = [string(n) for n in left]
        right_values = [string(n) for n in right]
        return any(_compare_atoms(op, a, b) for a in left_values for b in right_values)
    if isinstance(left, list):
        if isinstance(right, bool):
            return _compare_atoms(op, bool(left), right)
        return any(_compare_atoms(op, string(n), right) for n in left)
    if isinstance(right, list):
        if isinstance(left, bool):
            return _compare_atoms(op, left, bool(right))
        return any(_compare_atoms(op, left, string(n)) for n in right)
    return _compare_atoms(op, left, right)


def _comparison(self: XPathToken, context: XPathContext | None = None) -> bool:
    return compare_values(self.symbol, _arg(self, 0, context), _arg(self, 1, context))


for _symbol in ("=", "!=", "<", ">", "<=", ">="):
    _override(_symbol, _comparison)


# ----- arithmetic


def _arith(fn: Callable[[float, float], float]) -> Callable[..., Any]:
    def evaluate(self: XPathToken, context: XPathContext | None = None) -> float:
        if len(self) == 1:
            value = to_number(_arg(self, 0, context))
            return -value if self.symbol == "-" else value
        a, b = to_number(_arg(self, 0, context)), to_number(_arg(self, 1, context))
        try:
            return fn(a, b)
        except (ZeroDivisionError, OverflowError):
            if math.isnan(a) or math.isnan(b) or a == 0:
                return math.nan
            return math.copysign(math.inf, a) * (math.copysign(1.0, b))

    return evaluate


def _mod(a: float, b: float) -> float:
    if b == 0 or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


_override("+", _arith(lambda a, b: a + b))
_override("-", _arith(lambda a, b: a - b))
_override("*", _arith(lambda a, b: a * b))
_override("div", _arith(lambda a, b: a / b))
_override("mod", _arith(_mod))


# ----- ODK / XPath functions


def _string_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose arguments are all converted to strings."""

    def evaluate(self: XPathToken, context: XPathContext | None = None) -> object:
        return fn(*(to_string(_arg(self, k, context)) for k in range(len(self))))

    return evaluate


def _number_fn(fn: Callable[..., float]) -> Callable[..., Any]:
    def evaluate(self: XPathToken, context: XPathContext | None = None) -> object:
        args = [to_number(_arg(self, k, context)) for k in range(len(self))]
        if any(math.isnan(a) for a in args):
            return math.nan
        try:
            return float(fn(*args))
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.nan

    return evaluate


def _selected(values: str, value: str) -> bool:
    return value.strip() in values.split()


def _count_selected(self: XPathToken, context: XPathContext | None = None) -> float:
    return float(len(to_string(_arg(self, 0, context)).split()))


def _selected_at(self: XPathToken, context: XPathContext | None = None) -> str:
    parts = to_string(_arg(self, 0, context)).split()
    index = to_number(_arg(self, 1, context))
    if math.isnan(index) or not 0 <= int(index) < len(parts):
        return ""
    return parts[int(index)]


def _if(self: XPathToken, context: XPathContext | None = None) -> object:
    branch = 1 if to_boolean(_arg(self, 0, context)) else 2
    return _arg(self, branch, context)


def _coalesce(self: XPathToken, context: XPathContext | None = None) -> str:
    for k in range(len(self)):
        text = to_string(_arg(self, k, context))
        if text:
            return text
    return ""


def _concat(self: XPathToken, context: XPathContext | None = None) -> str:
    parts: list[str] = []
    for k in range(len(self)):
        value = _arg(self, k, context)
        if isinstance(value, list):
            parts.extend(to_string(n) for n in value)
        else:
            parts.append(to_string(value))
    return "".join(parts)


def _join(self: XPathToken, context: XPathContext | None = None) -> str:
    separator = to_string(_arg(self, 0, context))
    values: list[str] = []
    for k in range(1, len(self)):
        value = _arg(self, k, context)
        values.extend(to_string(n) for n in value) if isinstance(value, list) else values.append(
            to_string(value)
        )
    return separator.join(values)


def _string_length(self: XPathToken, context: XPathContext | None = None) -> float:
    if len(self) == 0:
        return float(len(to_string(_need(context).item)))
    return float(len(to_string(_arg(self, 0, context))))


def _regex(text: str, pattern: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _today(self: XPathToken, context: XPathContext | None = None) -> OdkDate:
    _need(context)
    return OdkDate(getattr(context, "today", None) or date.today())


def _now(self: XPathToken, context: XPathContext | None = None) -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def _int(self: XPathToken, context: XPathContext | None = None) -> float:
    value = to_number(_arg(self, 0, context))
    if math.isnan(value) or math.isinf(value):
        return value
    return float(math.trunc(value))


def _number(self: XPathToken, context: XPathContext | None = None) -> float:
    value = _need(context).item if len(self) == 0 else _arg(self, 0, context)
    return to_number(value)


def _string(self: XPathToken, context: XPathContext | None = None) -> str:
    value = _need(context).item if len(self) == 0 else _arg(self, 0, context)
    return to_string(value)


def _boolean(self: XPathToken, context: XPathContext | None = None) -> bool:
    return to_boolean(_arg(self, 0, context))


def _round(self: XPathToken, context: XPathContext | None = None) -> float:
    value = to_number(_arg(self, 0, context))
    digits = 0.0 if len(self) < 2 else to_number(_arg(self, 1, context))
    if math.isnan(value) or math.isinf(value) or math.isnan(digits):
        return value
    try:
        quantum = Decimal(1).scaleb(-int(digits))
        return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return value


def _date(self: XPathToken, context: XPathContext | None = None) -> object:
    value = to_date(_arg(self, 0, context))
    return "" if value is None else OdkDate(value)


def _decimal_date_time(self: XPathToken, context: XPathContext | None = None) -> float:
    value = _arg(self, 0, context)
    text = to_string(value).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        day = to_date(value)
        return math.nan if day is None else float((day - _EPOCH).days)
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta())
    return (moment - datetime(1970, 1, 1)).total_seconds() / 86400.0


_MONTHS = ("jan", "fév", "mar", "avr", "mai", "juin", "juil", "aoû", "sep", "oct", "nov", "déc")
_DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")


def _format_date(self: XPathToken, context: XPathContext | None = None) -> str:
    raw = _arg(self, 0, context)
    fmt = to_string(_arg(self, 1, context))
    text = to_string(raw).strip()
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(text) if "T" in text else None
    except ValueError:
        moment = None
    if moment is None:
        day = to_date(raw)
        if day is None:
            return ""
        moment = datetime(day.year, day.month, day.day)
    codes = {
        "Y": f"{moment.year:04d}",
        "y": f"{moment.year % 100:02d}",
        "m": f"{moment.month:02d}",
        "n": str(moment.month),
        "b": _MONTHS[moment.month - 1],
        "d": f"{moment.day:02d}",
        "e": str(moment.day),
        "a": _DAYS[moment.weekday()],
        "H": f"{moment.hour:02d}",
        "h": str(moment.hour),
        "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}",
        "%": "%",
    }
    return re.sub(r"%(.)", lambda m: codes.get(m[1], m[0]), fmt)


def _once(self: XPathToken, context: XPathContext | None = None) -> object:
    ctx = _need(context)
    current = to_string(getattr(ctx, "current", None) or ctx.item)
    return current if current else _arg(self, 0, context)


def _uuid(self: XPathToken, context: XPathContext | None = None) -> str:
    return str(uuid.uuid4())


def _sibling_position(node: object) -> float:
    parent = getattr(node, "parent", None)
    if not isinstance(node, ElementNode) or parent is None:
        return 1.0
    position = 0
    for sibling in parent.children:
        if isinstance(sibling, ElementNode) and sibling.name == node.name:
            position += 1
        if sibling is node:
            break
    return float(position)


def _position(self: XPathToken, context: XPathContext | None = None) -> float:
    _need(context)
    if len(self) == 0:
        if context is not None and context.position:
            return float(context.position)
        return _sibling_position(context.item if context is not None else None)
    nodes = _nodes(_arg(self, 0, context))
    return _sibling_position(nodes[0]) if nodes else math.nan


def _instance_select(self: XPathToken, context: XPathContext | None = None) -> Iterator[object]:
    _need(context)
    name = to_string(_arg(self, 0, context))
    instances = getattr(context, "instances", {}) or {}
    doc = instances.get(name)
    if doc is None:
        return iter(())
    return iter((doc,))


def _instance(self: XPathToken, context: XPathContext | None = None) -> list[object]:
    return list(_instance_select(self, context))


def _current(self: XPathToken, context: XPathContext | None = None) -> list[Any]:
    _need(context)
    node = getattr(context, "current", None)
    return [] if node is None else [node]


def _current_select(self: XPathToken, context: XPathContext | None = None) -> Iterator[object]:
    return iter(_current(self, context))


def _sum(self: XPathToken, context: XPathContext | None = None) -> float:
    total = 0.0
    for node in _nodes(_arg(self, 0, context)):
        text = to_string(node).strip()
        if text:
            total += _string_to_number(text)
    return total


def _extreme(pick: Callable[[Iterable[float]], float]) -> Callable[..., float]:
    def evaluate(self: XPathToken, context: XPathContext | None = None) -> float:
        values: list[float] = []
        for k in range(len(self)):
            value = _arg(self, k, context)
            items = value if isinstance(value, list) else [value]
            values.extend(to_number(v) for v in items if to_string(v).strip() != "")
        if not values or any(math.isnan(v) for v in values):
            return math.nan
        return pick(values)

    return evaluate


def _count(self: XPathToken, context: XPathContext | None = None) -> float:
    return float(len(_nodes(_arg(self, 0, context))))


def _choice_name(self: XPathToken, context: XPathContext | None = None) -> str:
    value = to_string(_arg(self, 0, context))
    path_value = _arg(self, 1, context)
    if isinstance(path_value, list) and path_value:
        path = _node_path(path_value[0])
    else:
        path = re.sub(r"\[[^\]]*\]", "", to_string(path_value)).strip()
    labels = getattr(context, "choice_labels", {}).get(path, {})
    return str(labels.get(value, ""))


def _node_path(node: object) -> str:
    names: list[str] = []
    while isinstance(node, ElementNode):
        names.append(str(node.name))
        node = node.parent
    return "/" + "/".join(reversed(names))


def _indexed_repeat(self: XPathToken, context: XPathContext | None = None) -> list[Any]:
    targets = _nodes(_arg(self, 0, context))
    k = 1
    for k in range(1, len(self) - 1, 2):
        repeats = _nodes(_arg(self, k, context))
        index = to_number(_arg(self, k + 1, context))
        if math.isnan(index) or not 1 <= int(index) <= len(repeats):
            return []
        chosen = repeats[int(index) - 1]
        targets = [t for t in targets if _has_ancestor(t, chosen)]
    return targets[:1]


def _has_ancestor(node: object, ancestor: object) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = getattr(node, "parent", None)
    return False


def _substr(self: XPathToken, context: XPathContext | None = None) -> str:
    text = to_string(_arg(self, 0, context))
    start = to_number(_arg(self, 1, context))
    end = to_number(_arg(self, 2, context)) if len(self) > 2 else float(len(text))
    if math.isnan(start) or math.isnan(end):
        return ""
    return text[max(int(start), 0) : max(int(end), 0)]


def _count_non_empty(self: XPathToken, context: XPathContext | None = None) -> float:
    return float(sum(1 for n in _nodes(_arg(self, 0, context)) if to_string(n) != ""))


def _random(self: XPathToken, context: XPathContext | None = None) -> float:
    return _RANDOM.random()


def _pi(self: XPathToken, context: XPathContext | None = None) -> float:
    return math.pi


def _checklist(weighted: bool) -> Callable[..., bool]:
    """ODK checklist(min, max, v…) / weighted-checklist(min, max, v, w…): count (or sum of
    weights) of true values between min and max; a negative bound means no bound."""

    def evaluate(self: XPathToken, context: XPathContext | None = None) -> bool:
        low = to_number(_arg(self, 0, context))
        high = to_number(_arg(self, 1, context))
        values: list[object] = []
        for k in range(2, len(self)):
            value = _arg(self, k, context)
            values.extend(value) if isinstance(value, list) else values.append(value)
        total = 0.0
        if weighted:
            for flag, weight in zip(values[0::2], values[1::2], strict=False):
                if to_boolean(to_string(flag) if isinstance(flag, XPathNode) else flag):
                    total += to_number(weight)
        else:
            total = float(
                sum(
                    1 for v in values if to_boolean(to_string(v) if isinstance(v, XPathNode) else v)
                )
            )
        return (low < 0 or total >= low) and (high < 0 or total <= high)

    return evaluate


def _decimal_time(self: XPathToken, context: XPathContext | None = None) -> float:
    text = to_string(_arg(self, 0, context)).strip()
    match = re.match(r"^(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:\d{2})?$", text)
    if match is None:
        return math.nan
    seconds = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3] or 0)
    zone = match[4]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return (seconds % 86400) / 86400.0


def _digest(self: XPathToken, context: XPathContext | None = None) -> str:
    import base64
    import hashlib

    data = to_string(_arg(self, 0, context)).encode("utf-8")
    algorithm = to_string(_arg(self, 1, context)).replace("-", "").lower()
    encoding = to_string(_arg(self, 2, context)).lower() if len(self) > 2 else "base64"
    if algorithm not in ("md5", "sha1", "sha256", "sha384", "sha512"):
        return ""
    digest = hashlib.new(algorithm, data).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")


def _base64_decode(self: XPathToken, context: XPathContext | None = None) -> str:
    import base64
    import binascii

    try:
        return base64.b64decode(to_string(_arg(self, 0, context))).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _randomize(self: XPathToken, context: XPathContext | None = None) -> list[Any]:
    nodes = list(_nodes(_arg(self, 0, context)))
    if len(self) > 1:
        seed = to_number(_arg(self, 1, context))
        random.Random(0 if math.isnan(seed) else int(seed)).shuffle(nodes)
    else:
        _RANDOM.shuffle(nodes)
    return nodes


def _atan2(y: float, x: float) -> float:
    return math.atan2(y, x)


_define("selected", 2, _string_fn(_selected))
_define("count-non-empty", 1, _count_non_empty)
_define("random", 0, _random)
_define("pi", 0, _pi)
_define("sin", 1, _number_fn(math.sin))
_define("cos", 1, _number_fn(math.cos))
_define("tan", 1, _number_fn(math.tan))
_define("asin", 1, _number_fn(math.asin))
_define("acos", 1, _number_fn(math.acos))
_define("atan", 1, _number_fn(math.atan))
_define("atan2", 2, _number_fn(_atan2))
_define("exp10", 1, _number_fn(lambda x: 10.0**x))
_define("checklist", (2, None), _checklist(False))
_define("weighted-checklist", (2, None), _checklist(True))
_define("decimal-time", 1, _decimal_time)
_define("digest", (2, 3), _digest)
_define("base64-decode", 1, _base64_decode)
_define("randomize", (1, 2), _randomize)
_define("count-selected", 1, _count_selected)
_define("selected-at", 2, _selected_at)
_define("jr:choice-name", 2, _choice_name)
_define("if", 3, _if)
_define("coalesce", 2, _coalesce)
_define("concat", (1, None), _concat)
_define("join", (2, None), _join)
_define("string-length", (0, 1), _string_length)
_define("regex", 2, _string_fn(_regex))
_define("today", 0, _today)
_define("now", 0, _now)
_define("int", 1, _int)
_define("number", (0, 1), _number)
_define("string", (0, 1), _string)
_define("boolean", 1, _boolean)
_define("boolean-from-string", 1, _string_fn(lambda s: s.strip() in ("true", "1")))
_define("round", (1, 2), _round)
_define("pow", 2, _number_fn(math.pow))
_define("abs", 1, _number_fn(abs))
_define("sqrt", 1, _number_fn(math.sqrt))
_define("exp", 1, _number_fn(math.exp))
_define("log", 1, _number_fn(math.log))
_define("log10", 1, _number_fn(math.log10))
_define("floor", 1, _number_fn(math.floor))
_define("ceiling", 1, _number_fn(math.ceil))
_define("date", 1, _date)
_define("decimal-date-time", 1, _decimal_date_time)
_define("format-date", 2, _format_date)
_define("format-date-time", 2, _format_date)
_define("once", 1, _once)
_define("uuid", (0, 1), _uuid)
_define("position", (0, 1), _position)
_define("sum", 1, _sum)
_define("max", (1, None), _extreme(max))
_define("min", (1, None), _extreme(min))
_define("count", 1, _count)
_define("indexed-repeat", (3, None), _indexed_repeat)
_define("substr", (2, 3), _substr)
_define("ends-with", 2, _string_fn(lambda s, suffix: s.endswith(suffix)))
_define("contains", 2, _string_fn(lambda s, part: part in s))
_define("starts-with", 2, _string_fn(lambda s, prefix: s.startswith(prefix)))
_define("instance", 1, _instance)
_define("current", 0, _current)
OdkParser.symbol_table["instance"].select = _instance_select
OdkParser.symbol_table["current"].select = _current_select
OdkParser.build()

_PARSER = OdkParser(namespaces={"jr": JR_NAMESPACE})


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> XPathToken:
    """Parse an ODK XPath expression once (cached); raises :class:`XPathCompileError`."""
    try:
        token = _PARSER.parse(expression)
    except ElementPathError as error:
        raise XPathCompileError(_explain(error, expression)) from None
    except (SyntaxError, ValueError, TypeError, KeyError) as error:
        raise XPathCompileError(f"expression « {expression} » illisible ({error}).") from None
    from teletravail.surveys.xpath_fast import compile_fast  # imports this module

    setattr(token, _FAST_ATTRIBUTE, compile_fast(token))
    return token


#: False evaluates every expression with elementpath only (differential tests, benchmarks).
FAST_PATHS = True
_FAST_ATTRIBUTE = "odk_fast_program"


def _run(token: XPathToken, context: OdkContext) -> object:
    """``token.evaluate(context)``, through its compiled closure (xpath_fast) when it has one."""
    program = getattr(token, _FAST_ATTRIBUTE, None) if FAST_PATHS else None
    return token.evaluate(context) if program is None else program(context)


#: ODK functions deliberately not provided, with the reason shown at import.
_UNSUPPORTED_FUNCTIONS = {
    "pulldata": "elle lit un fichier CSV joint au formulaire ; recopiez les valeurs dans la "
    "feuille « choices » et utilisez instance('liste')",
    "area": "les questions géographiques ne sont pas collectées",
    "distance": "les questions géographiques ne sont pas collectées",
    "geofence": "les questions géographiques ne sont pas collectées",
    "extract-signed": "les données signées ne sont pas prises en charge",
    "jr:itext": "les traductions ne sont pas évaluées par le serveur",
}


def _explain(error: Exception, expression: str) -> str:
    text = str(error)
    unknown = re.search(r"unknown function \W?([\w:\-]+)", text, re.IGNORECASE)
    if unknown and unknown[1] in _UNSUPPORTED_FUNCTIONS:
        return (
            f"la fonction « {unknown[1]} » n'est pas prise en charge "
            f"({_UNSUPPORTED_FUNCTIONS[unknown[1]]}) dans l'expression « {expression} »."
        )
    if unknown:
        return f"fonction « {unknown[1]} » inconnue dans l'expression « {expression} »."
    if "XPST0017" in text:
        name = re.search(r"'(?:fn:)?([\w:\-]+)' function", text)
        which = f"« {name[1]} »" if name else ""
        return (
            f"mauvais nombre d'arguments pour la fonction {which} dans l'expression "
            f"« {expression} »."
        ).replace("fonction  dans", "fonction dans")
    column = re.search(r"column (\d+)", text)
    where = f" vers le caractère {column[1]}" if column else ""
    return f"expression « {expression} » mal formée{where} (parenthèse, guillemet ou opérateur ?)."


def evaluate(token: XPathToken, context: OdkContext, item: object) -> object:
    """Evaluate a compiled expression with ``item`` (an elementpath node) as ``.`` and current()."""
    context.item = cast(Any, item)
    context.current = item
    context.position = 1
    context.size = 1
    return _run(token, context)


def evaluate_boolean(token: XPathToken, context: OdkContext, item: object) -> bool:
    """``boolean(expression)`` evaluated at ``item``."""
    return to_boolean(evaluate(token, context, item))


def evaluate_string(token: XPathToken, context: OdkContext, item: object) -> str:
    """``string(expression)`` at ``item``; NaN numbers give "" (an empty calculated value)."""
    value = evaluate(token, context, item)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return to_string(value)


def evaluate_filter(token: XPathToken, context: OdkContext, item: object, current: object) -> bool:
    """A choice_filter predicate evaluated on a choice ``item`` with ``current()`` = question."""
    context.item = cast(Any, item)
    context.current = current
    context.position = 1
    context.size = 1
    return to_boolean(_run(token, context))


def is_document(node: object) -> bool:
    """True for an elementpath document node."""
    return isinstance(node, DocumentNode)
