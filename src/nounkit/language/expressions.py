"""The expression language of noun ``rules`` and ``computed`` values.

Precedence, lowest first::

    or  ·  and  ·  not  ·  == != < <= > >= in, not in, is null, is not null
    + -  ·  * /  ·  unary -  ·  literals, names, calls, [lists], (groups)

Comparisons do not chain. Source is tokenized and parsed once, then compiled
into nested closures; it never reaches ``eval``, ``exec`` or ``compile``.

A dotted path (``shipTo.city``) reads into a value; through a list it reads every
item's (``items.totalPrice`` is the list of the items' totals).

Null follows SQL so that a rule reading a missing optional value holds and a
computed value with missing inputs is null: arithmetic, comparisons and
functions (except ``coalesce``) give null when an operand is null, and so does
division by zero; ``and``, ``or`` and ``not`` use three-valued logic. A name
missing from the values reads as null. Mixing kinds (``'a' + 1``, ``'a' < 1``,
``1 == '1'``) raises `EvaluationError`; ``true`` is not a number. A date meets
a datetime as midnight UTC, and a naive datetime is read as UTC.

Functions: ``min``/``max`` (of their arguments, or of one list argument),
``abs``, ``round(x[, digits])`` (half away from zero, as spreadsheets do),
``len``, ``coalesce``, ``count``, ``sum``, ``avg`` (of a list; nulls left out),
``any(list, condition)``, ``all(list, condition)`` and ``count(list, condition)`` (the
condition reads each item's own values), ``now()`` (UTC, one instant per evaluation),
``today()`` (UTC), ``actor()`` and ``tenant()`` (who acts, and for which tenant: null
outside an act),
``days_between(a, b)`` (floor of b - a in days) and ``seconds_between(a, b)``.
Sources are limited to `MAX_LENGTH` characters and `MAX_DEPTH` levels of nesting,
counting brackets, calls and operands of operators, so neither parsing nor
evaluation can exhaust Python's stack.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
import string
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Any

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Aggregate",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "Scope",
    "parse",
]

MAX_LENGTH = 2000
MAX_DEPTH = 64


# --------------------------------------------------------------------------- errors


def _where(source: str, position: int) -> str:
    start = source.rfind("\n", 0, position) + 1
    column = f"column {position - start + 1}"
    if "\n" not in source:
        return column
    line = source.count("\n", 0, position) + 1
    return f"line {line}, {column}"


def _caret(source: str, position: int) -> str:
    start = source.rfind("\n", 0, position) + 1
    end = source.find("\n", position)
    line = source[start : len(source) if end == -1 else end]
    # Tabs are kept so the caret lines up however the terminal expands them.
    pad = "".join(c if c == "\t" else " " for c in source[start:position])
    return f"{line}\n{pad}^"


class _LocatedError(Exception):
    def __init__(self, message: str, source: str, position: int) -> None:
        # All three go to args so the error survives pickling (worker processes).
        super().__init__(message, source, position)
        self.message = message
        self.source = source
        self.position = position

    def __str__(self) -> str:
        return self.message

    def caret(self) -> str:
        """The offending line of source, then a ``^`` under the position."""
        return _caret(self.source, self.position)


class ExpressionError(_LocatedError):
    """The source is not a valid expression; ``position`` is the 0-based offset of the culprit."""


class EvaluationError(_LocatedError):
    """Evaluation met values it cannot combine, such as ``'a' + 1``."""


class _Mismatch(Exception):
    """Raised by value helpers; the compiled node adds where it happened."""


# ------------------------------------------------------------------------ tokens

_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "true", "false", "null"})
_CONSTANTS = {"true": True, "false": False, "null": None}
# Spellings from other languages that would otherwise read as (always null) property names.
_LOOKALIKES = {
    **{k: k for k in _KEYWORDS},
    "none": "null",
    "nil": "null",
    "&&": "and",
    "||": "or",
}
_IDENT_START = frozenset(string.ascii_letters + "_")
_IDENT = _IDENT_START | frozenset(string.digits)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_OPERATORS = ("==", "!=", "<=", ">=", "+", "-", "*", "/", "(", ")", "[", "]", ",", "<", ">")
_CHAR_HINTS = {
    "=": "did you mean '=='?",
    "!": "did you mean '!=' or 'not'?",
    "&": "did you mean 'and'?",
    "|": "did you mean 'or'?",
    ".": "a path is names joined by '.', as in shipTo.city",
}


class _Token:
    __slots__ = ("kind", "pos", "text", "value")

    def __init__(self, kind: str, text: str, pos: int, value: Any = None) -> None:
        self.kind = kind  # "number", "string", "name", "keyword", "op" or "end"
        self.text = text
        self.pos = pos
        self.value = value

    def describe(self) -> str:
        return "end of expression" if self.kind == "end" else repr(self.text)


def _error(
    source: str, pos: int, culprit: str, rest: str = "", hint: str | None = None
) -> ExpressionError:
    message = f"{culprit} at {_where(source, pos)}{rest}" + (f" ({hint})" if hint else "")
    return ExpressionError(message, source, pos)


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
        elif c in _IDENT_START:
            j = i + 1
            while j < n and source[j] in _IDENT:
                j += 1
            # A dotted path into values, ``shipTo.city``: one name of several segments.
            while j + 1 < n and source[j] == "." and source[j + 1] in _IDENT_START:
                j += 2
                while j < n and source[j] in _IDENT:
                    j += 1
            word = source[i:j]
            keyword = word in _KEYWORDS
            if not keyword and "." in word and any(p in _KEYWORDS for p in word.split(".")):
                raise _error(source, i, f"{word!r} is not a path", hint="a path joins names")
            tokens.append(_Token("keyword" if keyword else "name", word, i, word))
            i = j
        elif c in string.digits:
            tokens.append(_number(source, i))
            i += len(tokens[-1].text)
        elif c in "'\"":
            tokens.append(_string(source, i))
            i += len(tokens[-1].text)
        else:
            op = next((o for o in _OPERATORS if source.startswith(o, i)), None)
            if op is None:
                hint = _CHAR_HINTS.get(c)
                if c == "." and source[i + 1 : i + 2].isdigit():
                    hint = "write a leading digit, as in 0.5"
                if source.startswith(("&&", "||"), i):
                    hint = f"did you mean {_LOOKALIKES[source[i : i + 2]]!r}?"
                raise _error(source, i, f"unexpected character {c!r}", hint=hint)
            tokens.append(_Token("op", op, i))
            i += len(op)
    tokens.append(_Token("end", "", n))
    return tokens


def _number(source: str, i: int) -> _Token:
    match = _NUMBER.match(source, i)
    assert match is not None  # the caller saw a digit
    text = match.group()
    end = match.end()
    if end < len(source) and (source[end] in _IDENT or source[end] == "."):
        while end < len(source) and (source[end] in _IDENT or source[end] == "."):
            end += 1
        raise _error(source, i, f"malformed number {source[i:end]!r}")
    if text.isdigit():
        return _Token("number", text, i, int(text))
    value = float(text)
    if math.isinf(value):
        raise _error(source, i, f"number {text!r}", " is too large")
    return _Token("number", text, i, value)


def _string(source: str, i: int) -> _Token:
    quote = source[i]
    chars: list[str] = []
    j = i + 1
    while j < len(source):
        c = source[j]
        if c == quote:
            return _Token("string", source[i : j + 1], i, "".join(chars))
        if c != "\\":
            chars.append(c)
            j += 1
            continue
        escape, hexits = source[j + 1 : j + 2], source[j + 2 : j + 6]
        if escape and escape in _ESCAPES:
            chars.append(_ESCAPES[escape])
            j += 2
        elif escape == "u" and len(hexits) == 4 and all(h in string.hexdigits for h in hexits):
            chars.append(chr(int(hexits, 16)))
            j += 6
        else:
            shown = source[j : j + 2] if escape != "u" else source[j : j + 6]
            raise _error(
                source,
                j,
                f"unknown escape '{shown}'",
                hint="use \\\\ \\' \\\" \\n \\t \\r \\0 or \\uXXXX",
            )
    raise _error(source, i, "unterminated string starting", hint=f"close it with {quote!r}")


# --------------------------------------------------------------------------- tree


class _Literal:
    __slots__ = ("pos", "value")

    def __init__(self, pos: int, value: Any) -> None:
        self.pos = pos
        self.value = value


class _Name:
    __slots__ = ("name", "pos")

    def __init__(self, pos: int, name: str) -> None:
        self.pos = pos
        self.name = name


class _List:
    __slots__ = ("items", "pos")

    def __init__(self, pos: int, items: list[_Node]) -> None:
        self.pos = pos
        self.items = items


class _Negate:
    __slots__ = ("operand", "pos")

    def __init__(self, pos: int, operand: _Node) -> None:
        self.pos = pos
        self.operand = operand


class _Not:
    __slots__ = ("operand", "pos")

    def __init__(self, pos: int, operand: _Node) -> None:
        self.pos = pos
        self.operand = operand


class _Arith:
    """``first`` followed by same-precedence steps; flat so long sums never nest deeply."""

    __slots__ = ("first", "pos", "rest")

    def __init__(self, pos: int, first: _Node, rest: list[tuple[str, int, _Node]]) -> None:
        self.pos = pos
        self.first = first
        self.rest = rest


class _Logic:
    __slots__ = ("op", "operands", "pos")

    def __init__(self, pos: int, op: str, operands: list[_Node]) -> None:
        self.pos = pos
        self.op = op
        self.operands = operands


class _Compare:
    __slots__ = ("left", "op", "pos", "right")

    def __init__(self, pos: int, op: str, left: _Node, right: _Node) -> None:
        self.pos = pos  # of the operator
        self.op = op
        self.left = left
        self.right = right


class _IsNull:
    __slots__ = ("negated", "operand", "pos")

    def __init__(self, pos: int, negated: bool, operand: _Node) -> None:
        self.pos = pos
        self.negated = negated
        self.operand = operand


class _Call:
    __slots__ = ("args", "name", "pos")

    def __init__(self, pos: int, name: str, args: list[_Node]) -> None:
        self.pos = pos
        self.name = name
        self.args = args


_Node = _Literal | _Name | _List | _Negate | _Not | _Arith | _Logic | _Compare | _IsNull | _Call

# ------------------------------------------------------------------------- parser

# Binding powers; the operand of prefix 'not' binds at _NOT, of unary '-' at _PRODUCT.
_OR, _AND, _NOT, _CMP, _SUM, _PRODUCT = 1, 2, 3, 4, 5, 6
_INFIX = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys(("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is"), _CMP),
    "+": _SUM,
    "-": _SUM,
    "*": _PRODUCT,
    "/": _PRODUCT,
}
_ARITY: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "abs": (1, 1),
    "round": (1, 2),
    "len": (1, 1),
    "coalesce": (1, None),
    "now": (0, 0),
    "today": (0, 0),
    "days_between": (2, 2),
    "seconds_between": (2, 2),
    "count": (1, 2),
    "sum": (1, 1),
    "avg": (1, 1),
    "any": (2, 2),
    "all": (2, 2),
    "actor": (0, 0),
    "tenant": (0, 0),
}
# any(list, condition) and all(list, condition): the condition reads each item's own values.
_SCOPED = frozenset({"any", "all", "count"})
FUNCTIONS: frozenset[str] = frozenset(_ARITY)


def _takes(low: int, high: int | None) -> str:
    if high is None:
        return f"takes at least {low} argument{'s' if low != 1 else ''}"
    if low == high == 0:
        return "takes no arguments"
    if low == high:
        return f"takes {low} argument{'s' if low != 1 else ''}"
    return f"takes {low} or {high} arguments"


class _Parser:
    """A Pratt parser; its depth counter is what keeps Python's stack out of reach."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = -1
        self.names: set[str] = set()  # paths read, as written (``shipTo.city``)
        # any(list, condition): (the list's path, the paths the condition reads, its own scopes)
        self.scopes: list[Scope] = []
        self.calls: set[str] = set()  # the functions called, at any depth

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def is_op(self, token: _Token, text: str) -> bool:
        return token.kind == "op" and token.text == text

    def unexpected(self, token: _Token, hint: str | None = None) -> ExpressionError:
        if hint is None and token.kind == "name" and token.text.lower() in _LOOKALIKES:
            hint = f"did you mean {_LOOKALIKES[token.text.lower()]!r}?"
        return _error(self.source, token.pos, f"unexpected {token.describe()}", hint=hint)

    def parse(self) -> _Node:
        if self.peek().kind == "end":
            raise _error(self.source, 0, "empty expression")
        node = self.expression(0, self.peek())
        token = self.peek()
        if token.kind != "end":
            operand = token.kind in ("name", "number", "string")
            hint = (
                "missing operator?" if operand and token.text.lower() not in _LOOKALIKES else None
            )
            raise self.unexpected(token, hint)
        return node

    def expression(self, rbp: int, opener: _Token) -> _Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(
                self.source, opener.pos, opener.describe(), f" nests deeper than {MAX_DEPTH} levels"
            )
        left = self.prefix(rbp)
        chain = 0  # binding power of the operator that built `left` in this loop
        while True:
            token = self.peek()
            op = self.infix(token)
            if op is None or _INFIX[op] <= rbp:
                break
            bp = _INFIX[op]
            if bp == _CMP:
                if chain == _CMP:
                    raise _error(
                        self.source,
                        token.pos,
                        f"chained comparison {op!r}",
                        hint="join comparisons with 'and'",
                    )
                left = self.comparison(left, op)
            else:
                self.advance()
                right = self.expression(bp, token)
                if bp in (_SUM, _PRODUCT):
                    if chain == bp and isinstance(left, _Arith):
                        left.rest.append((op, token.pos, right))
                    else:
                        left = _Arith(left.pos, left, [(op, token.pos, right)])
                elif chain == bp and isinstance(left, _Logic):
                    left.operands.append(right)
                else:
                    left = _Logic(left.pos, op, [left, right])
            chain = bp
        self.depth -= 1
        return left

    def infix(self, token: _Token) -> str | None:
        if token.kind == "op" and token.text in _INFIX:
            return token.text
        if token.kind == "keyword":
            if token.text in ("and", "or", "in", "is"):
                return token.text
            after = self.peek(1)
            if token.text == "not" and after.kind == "keyword" and after.text == "in":
                return "not in"
        return None

    def comparison(self, left: _Node, op: str) -> _Node:
        token = self.advance()
        if op == "not in":
            self.advance()
        if op == "is":
            negated = self.peek().kind == "keyword" and self.peek().text == "not"
            if negated:
                self.advance()
            after = self.advance()
            if after.kind != "keyword" or after.text != "null":
                hint = "expected 'null' after " + ("'is not'" if negated else "'is'")
                raise self.unexpected(after, hint)
            return _IsNull(token.pos, negated, left)
        return _Compare(token.pos, op, left, self.expression(_CMP, token))

    def prefix(self, rbp: int) -> _Node:
        token = self.advance()
        if token.kind in ("number", "string"):
            return _Literal(token.pos, token.value)
        if token.kind == "keyword":
            if token.text in _CONSTANTS:
                return _Literal(token.pos, _CONSTANTS[token.text])
            if token.text == "not":
                if rbp > _NOT:
                    raise self.unexpected(token, "put 'not ...' in parentheses here")
                return _Not(token.pos, self.expression(_NOT, token))
            raise self.unexpected(token)
        if token.kind == "name":
            if self.is_op(self.peek(), "("):
                return self.call(token)
            if token.text.lower() in _LOOKALIKES:
                # 'True' or 'None' would read as an always-null property; refuse the surprise.
                raise self.unexpected(token)
            self.names.add(token.text)
            return _Name(token.pos, token.text)
        if self.is_op(token, "("):
            inner = self.expression(0, token)
            closer = self.advance()
            if not self.is_op(closer, ")"):
                raise self.unexpected(
                    closer, f"expected ')' to close '(' at {_where(self.source, token.pos)}"
                )
            return inner
        if self.is_op(token, "["):
            return _List(token.pos, self.sequence(token, "]"))
        if self.is_op(token, "-"):
            return _Negate(token.pos, self.expression(_PRODUCT, token))
        raise self.unexpected(token)

    def sequence(self, opener: _Token, closer: str) -> list[_Node]:
        items: list[_Node] = []
        if self.is_op(self.peek(), closer):
            self.advance()
            return items
        while True:
            items.append(self.expression(0, opener))
            token = self.advance()
            if self.is_op(token, closer):
                return items
            if not self.is_op(token, ","):
                where = _where(self.source, opener.pos)
                raise self.unexpected(
                    token, f"expected ',' or '{closer}' to close {opener.text!r} at {where}"
                )

    def call(self, name: _Token) -> _Node:
        function = name.text
        if function not in _ARITY:
            close = difflib.get_close_matches(function.lower(), sorted(FUNCTIONS), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "functions: " + ", ".join(sorted(FUNCTIONS))
            )
            raise _error(self.source, name.pos, f"unknown function {function!r}", hint=hint)
        self.calls.add(function)
        if function in _SCOPED:
            return self.scoped_call(name)
        args = self.sequence(self.advance(), ")")
        low, high = _ARITY[function]
        if len(args) < low or (high is not None and len(args) > high):
            rest = f" {_takes(low, high)}, got {len(args)}"
            raise _error(self.source, name.pos, function, rest)
        return _Call(name.pos, function, args)

    def scoped_call(self, name: _Token) -> _Node:
        """``any(items, quantity > 10)``: the condition reads each item, so its names are
        the item's, kept apart from the expression's own."""
        opener = self.advance()
        usage = (
            " takes a list, and may take a condition, as in count(items, quantity > 1)"
            if name.text == "count"
            else f" takes a list and a condition, as in {name.text}(items, quantity > 1)"
        )
        if self.is_op(self.peek(), ")"):
            raise _error(self.source, name.pos, name.text, usage)
        items = self.expression(0, opener)
        if not isinstance(items, _Name):
            if name.text == "count":  # count([a, b]), count(coalesce(xs, [])): any list
                return self.plain_call(name, opener, items)
            raise _error(self.source, items.pos, f"{name.text}'s first argument", " must be a "
                         "property holding a list")  # fmt: skip
        if name.text == "count" and self.is_op(self.peek(), ")"):
            self.advance()  # count(items): no condition
            return _Call(name.pos, name.text, [items])
        if not self.is_op(self.advance(), ","):
            raise _error(self.source, name.pos, name.text, usage)
        outer_names, outer_scopes = self.names, self.scopes
        self.names, self.scopes = set(), []
        condition = self.expression(0, opener)
        inner = Scope(items.name, frozenset(self.names), tuple(self.scopes))
        self.names, self.scopes = outer_names, outer_scopes
        self.scopes.append(inner)
        closer = self.advance()
        if not self.is_op(closer, ")"):
            raise _error(self.source, name.pos, name.text, usage)
        return _Call(name.pos, name.text, [items, condition])

    def plain_call(self, name: _Token, opener: _Token, first: _Node) -> _Node:
        """count() over a list that is no property: it takes no condition."""
        closer = self.advance()
        if not self.is_op(closer, ")"):
            raise _error(self.source, name.pos, name.text, " takes a condition only over a "
                         "property holding a list, as in count(items, quantity > 1)")  # fmt: skip
        return _Call(name.pos, name.text, [first])


class Scope:
    """What the condition of one ``any``/``all`` reads: paths into each item of ``items``."""

    __slots__ = ("items", "paths", "scopes")

    def __init__(self, items: str, paths: frozenset[str], scopes: tuple[Scope, ...]) -> None:
        self.items, self.paths, self.scopes = items, paths, scopes

    def __repr__(self) -> str:
        return f"Scope({self.items!r}, {sorted(self.paths)!r}, {self.scopes!r})"


# ------------------------------------------------------------------------- values


def _is_number(value: Any) -> bool:
    kind = type(value)
    if kind is int or kind is float:  # the common case first: no bool, no subclass
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _instant(value: date) -> datetime:
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _temporal_pair(a: date, b: date) -> tuple[date, date]:
    # Two plain dates compare exactly; a datetime drags both onto the UTC timeline.
    if not isinstance(a, datetime) and not isinstance(b, datetime):
        return a, b
    return _instant(a), _instant(b)


def _cannot(op: str, a: Any, b: Any) -> _Mismatch:
    return _Mismatch(f"cannot apply {op!r} to {_kind(a)} and {_kind(b)}")


def _add(a: Any, b: Any) -> Any:
    if (_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str)):
        return a + b
    raise _cannot("+", a, b)


def _sub(a: Any, b: Any) -> Any:
    if _is_number(a) and _is_number(b):
        return a - b
    raise _cannot("-", a, b)


def _mul(a: Any, b: Any) -> Any:
    if _is_number(a) and _is_number(b):
        return a * b
    raise _cannot("*", a, b)


def _div(a: Any, b: Any) -> Any:
    if _is_number(a) and _is_number(b):
        return None if b == 0 else a / b
    raise _cannot("/", a, b)


_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": _add, "-": _sub, "*": _mul, "/": _div}


def _equal(a: Any, b: Any, op: str) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, date) and isinstance(b, date):
        x, y = _temporal_pair(a, b)
        return x == y
    kind = _kind(a)
    if kind != _kind(b):
        raise _Mismatch(f"cannot compare {kind} with {_kind(b)} using {op!r}")
    return bool(a == b)


def _ordering(op: str, test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if (_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str)):
            return test(a, b)
        if isinstance(a, date) and isinstance(b, date):
            return test(*_temporal_pair(a, b))
        raise _Mismatch(f"cannot compare {_kind(a)} with {_kind(b)} using {op!r}")

    return compare


def _contains(item: Any, container: Any) -> bool:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise _Mismatch(f"cannot look for a {_kind(item)} in a string")
        return item in container
    if isinstance(container, list | tuple):
        # Lists may mix kinds, so an element of another kind is simply not a match.
        for element in container:
            try:
                if _equal(item, element, "in"):
                    return True
            except _Mismatch:
                pass
        return False
    raise _Mismatch(f"'in' needs a list or a string on its right, got {_kind(container)}")


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: _equal(a, b, "=="),
    "!=": lambda a, b: not _equal(a, b, "!="),
    "<": _ordering("<", operator.lt),
    "<=": _ordering("<=", operator.le),
    ">": _ordering(">", operator.gt),
    ">=": _ordering(">=", operator.ge),
    "in": _contains,
    "not in": lambda a, b: not _contains(a, b),
}


def _extreme(name: str, pick: Callable[..., Any], args: Sequence[Any]) -> Any:
    items = args
    if len(args) == 1 and isinstance(args[0], list | tuple):
        items = args[0]
        if not items or any(item is None for item in items):
            return None
    kinds = {_kind(item) for item in items}
    if kinds in ({"number"}, {"string"}, {"date"}):
        return pick(items)
    if kinds <= {"date", "datetime"}:
        return pick(items, key=_instant)
    got = " and ".join(sorted(kinds))
    raise _Mismatch(f"{name} needs numbers, strings or dates of one kind, got {got}")


def _abs(args: Sequence[Any]) -> Any:
    if not _is_number(args[0]):
        raise _Mismatch(f"abs needs a number, got {_kind(args[0])}")
    return abs(args[0])


def _len(args: Sequence[Any]) -> Any:
    if not isinstance(args[0], str | list | tuple | Mapping):
        raise _Mismatch(f"len needs a string, list or object, got {_kind(args[0])}")
    return len(args[0])


# Wide enough for any float at any clamped digit count, so quantize never signals.
_ROUNDING = Context(prec=1000, Emin=-10_000, Emax=10_000)
_ROUND_LIMIT = 400  # past this many digits either way a float is unchanged or zero


def _round(args: Sequence[Any]) -> Any:
    """Half away from zero, as in spreadsheets and SQL, rather than Python's half to even."""
    x = args[0]
    if not _is_number(x):
        raise _Mismatch(f"round needs a number, got {_kind(x)}")
    digits = 0
    if len(args) == 2:
        digits = args[1]
        if not isinstance(digits, int) or isinstance(digits, bool):
            raise _Mismatch(f"round needs a whole number of digits, got {_kind(digits)}")
    if isinstance(x, int):
        if digits >= 0:
            return int(x)
        step = 10 ** min(-digits, 5000)
        whole = (abs(x) + step // 2) // step * step
        return whole if x >= 0 else -whole
    if not math.isfinite(x):
        raise _Mismatch(f"round cannot round {x}")
    if digits > _ROUND_LIMIT:
        return x
    digits = max(digits, -_ROUND_LIMIT)
    exact = Decimal(repr(x)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_ROUNDING
    )
    return int(exact) if len(args) == 1 else float(exact)


def _between(name: str, args: Sequence[Any]) -> tuple[Any, Any]:
    a, b = args
    if not (isinstance(a, date) and isinstance(b, date)):
        raise _Mismatch(f"{name} needs dates or datetimes, got {_kind(a)} and {_kind(b)}")
    return _temporal_pair(a, b)


def _days_between(args: Sequence[Any]) -> Any:
    a, b = _between("days_between", args)
    return (b - a).days  # timedelta.days is already the floor


def _seconds_between(args: Sequence[Any]) -> Any:
    a, b = _between("seconds_between", args)
    return (b - a).total_seconds()


def _numbers(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Mismatch(f"{name} needs a list, got {_kind(value)}")
    found = [v for v in value if v is not None]  # nulls are left out, as SQL's aggregates do
    for item in found:
        if not _is_number(item):
            raise _Mismatch(f"{name} needs numbers, got {_kind(item)}")
    return found


def _sum(args: Sequence[Any]) -> Any:
    return sum(_numbers("sum", args[0]))


def _avg(args: Sequence[Any]) -> Any:
    found = _numbers("avg", args[0])
    return sum(found) / len(found) if found else None


_STRICT: dict[str, Callable[[Sequence[Any]], Any]] = {
    "sum": _sum,
    "avg": _avg,
    "min": lambda args: _extreme("min", min, args),
    "max": lambda args: _extreme("max", max, args),
    "abs": _abs,
    "round": _round,
    "len": _len,
    "days_between": _days_between,
    "seconds_between": _seconds_between,
}

# ----------------------------------------------------------------------- compiler


class _Context:
    __slots__ = ("_now", "actor", "aggregates", "tenant", "values")

    def __init__(
        self,
        values: Mapping[str, Any],
        now: datetime | None,
        actor: str | None = None,
        tenant: str | None = None,
    ) -> None:
        self.values = values
        self._now = now
        self.actor, self.tenant = actor, tenant
        # Aggregates worked out elsewhere (by storage, in SQL), by the call's position.
        self.aggregates: Mapping[int, Any] | None = None

    def now(self) -> datetime:
        # Fixed on first use, so every now() in one evaluation is the same instant.
        if self._now is None:
            self._now = datetime.now(UTC)
        return self._now


_Run = Callable[[_Context], Any]


class _Compiler:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, pos: int, problem: str) -> EvaluationError:
        where = _where(self.source, pos)
        return EvaluationError(f"{problem} at {where} of {self.source!r}", self.source, pos)

    def compile(self, node: _Node) -> _Run:
        match node:
            case _Literal(value=value):
                return lambda ctx: value
            case _Name(name=name):
                if "." in name:
                    return _path_reader(name.split("."))
                return lambda ctx: ctx.values.get(name)
            case _List(items=items):
                parts = [self.compile(item) for item in items]
                return lambda ctx: [part(ctx) for part in parts]
            case _Negate():
                return self.negate(node)
            case _Not():
                return self.invert(node)
            case _Arith():
                return self.arith(node)
            case _Logic():
                return self.logic(node)
            case _Compare():
                return self.compare(node)
            case _IsNull(negated=negated, operand=operand):
                inner = self.compile(operand)
                if negated:
                    return lambda ctx: inner(ctx) is not None
                return lambda ctx: inner(ctx) is None
            case _Call():
                run = self.call(node)
                if _aggregate_of(node) is None:
                    return run
                key = node.pos

                def given_or_run(ctx: _Context) -> Any:
                    found = ctx.aggregates
                    if found is not None and key in found:
                        return found[key]
                    return run(ctx)

                return given_or_run

    def negate(self, node: _Negate) -> _Run:
        inner, fail, pos = self.compile(node.operand), self.fail, node.pos

        def run(ctx: _Context) -> Any:
            value = inner(ctx)
            if value is None:
                return None
            if not _is_number(value):
                raise fail(pos, f"cannot apply '-' to {_kind(value)}")
            return -value

        return run

    def invert(self, node: _Not) -> _Run:
        inner, fail, pos = self.compile(node.operand), self.fail, node.pos

        def run(ctx: _Context) -> Any:
            value = inner(ctx)
            if value is None:
                return None
            if not isinstance(value, bool):
                raise fail(pos, f"'not' needs true, false or null, got {_kind(value)}")
            return not value

        return run

    def arith(self, node: _Arith) -> _Run:
        first, fail = self.compile(node.first), self.fail
        steps = [(_ARITH[op], op, pos, self.compile(n)) for op, pos, n in node.rest]

        def run(ctx: _Context) -> Any:
            total = first(ctx)
            for apply, op, pos, part in steps:
                if total is None:
                    return None
                value = part(ctx)
                if value is None:
                    return None
                try:
                    total = apply(total, value)
                except _Mismatch as exc:
                    raise fail(pos, str(exc)) from None
                except ArithmeticError:
                    raise fail(pos, f"result of {op!r} is out of range") from None
            return total

        return run

    def logic(self, node: _Logic) -> _Run:
        parts = [(n.pos, self.compile(n)) for n in node.operands]
        fail, op = self.fail, node.op
        # SQL: a decisive operand wins even beside null; otherwise null is contagious.
        decisive = op == "or"

        def run(ctx: _Context) -> Any:
            result: bool | None = not decisive
            for pos, part in parts:
                value = part(ctx)
                if value is None:
                    result = None
                elif not isinstance(value, bool):
                    raise fail(pos, f"{op!r} needs true, false or null, got {_kind(value)}")
                elif value is decisive:
                    return decisive
            return result

        return run

    def compare(self, node: _Compare) -> _Run:
        left, right = self.compile(node.left), self.compile(node.right)
        test, fail, pos, op = _COMPARISONS[node.op], self.fail, node.pos, node.op

        def run(ctx: _Context) -> Any:
            a = left(ctx)
            if a is None:
                return None
            b = right(ctx)
            if b is None:
                return None
            try:
                return test(a, b)
            except _Mismatch as exc:
                raise fail(pos, str(exc)) from None
            except ArithmeticError:
                raise fail(pos, f"{op!r} met a date out of range") from None

        return run

    def call(self, node: _Call) -> _Run:
        parts = [self.compile(arg) for arg in node.args]
        if node.name == "coalesce":

            def first_present(ctx: _Context) -> Any:
                for part in parts:
                    value = part(ctx)
                    if value is not None:
                        return value
                return None

            return first_present
        if node.name == "count" and len(parts) == 2:
            return self.quantified(node, parts)
        if node.name == "count":
            counted, fail, pos = parts[0], self.fail, node.pos

            def count(ctx: _Context) -> Any:
                value = counted(ctx)
                if value is None:
                    return 0  # no list: nothing in it
                if not isinstance(value, list):
                    raise fail(pos, f"count needs a list, got {_kind(value)}")
                return sum(1 for item in value if item is not None)

            return count
        if node.name in _SCOPED:
            return self.quantified(node, parts)
        if node.name == "actor":
            return lambda ctx: ctx.actor
        if node.name == "tenant":
            return lambda ctx: ctx.tenant
        if node.name == "now":
            return lambda ctx: ctx.now()
        if node.name == "today":
            return lambda ctx: ctx.now().date()
        function, fail, pos, name = _STRICT[node.name], self.fail, node.pos, node.name

        def run(ctx: _Context) -> Any:
            args = []
            for part in parts:
                value = part(ctx)
                if value is None:
                    return None
                args.append(value)
            try:
                return function(args)
            except _Mismatch as exc:
                raise fail(pos, str(exc)) from None
            except (ArithmeticError, ValueError) as exc:
                raise fail(pos, f"{name} failed: {exc}") from None

        return run

    def quantified(self, node: _Call, parts: list[_Run]) -> _Run:
        """any/all with SQL's three values: a decisive item wins, else null is contagious;
        count(items, condition): how many items it holds for (a null condition does not)."""
        items, condition = parts
        fail, pos, name = self.fail, node.pos, node.name
        decisive = name == "any"
        if name == "count":

            def counting(ctx: _Context) -> Any:
                found = items(ctx)
                if found is None:
                    return 0
                if not isinstance(found, list):
                    raise fail(pos, f"count needs a list, got {_kind(found)}")
                total = 0
                for item in found:
                    scope = _Context(
                        item if isinstance(item, Mapping) else {}, ctx._now, ctx.actor, ctx.tenant
                    )
                    value = condition(scope)
                    ctx._now = scope._now
                    if value is not None and not isinstance(value, bool):
                        raise fail(pos, f"count's condition must be true or false, got "
                                   f"{_kind(value)}")  # fmt: skip
                    total += value is True
                return total

            return counting

        def run(ctx: _Context) -> Any:
            found = items(ctx)
            if found is None:
                return None
            if not isinstance(found, list):
                raise fail(pos, f"{name} needs a list, got {_kind(found)}")
            result: bool | None = not decisive
            for item in found:
                scope = _Context(
                    item if isinstance(item, Mapping) else {}, ctx._now, ctx.actor, ctx.tenant
                )
                value = condition(scope)
                ctx._now = scope._now  # one instant for the whole evaluation
                if value is None:
                    result = None
                elif not isinstance(value, bool):
                    raise fail(pos, f"{name}'s condition must be true or false, got "
                               f"{_kind(value)}")  # fmt: skip
                elif value is decisive:
                    return decisive
            return result

        return run


def _path_reader(segments: list[str]) -> _Run:
    """A dotted path: each step reads a value's property; over a list, every item's (so
    ``items.totalPrice`` is the list of totals, the items without one left out, as a
    query's path reads them). A missing step reads as null."""

    def step(value: Any, rest: list[str]) -> Any:
        for index, segment in enumerate(rest):
            if isinstance(value, list):
                found = []
                for item in value:
                    got = step(item, rest[index:])
                    if isinstance(got, list):
                        found.extend(got)
                    elif got is not None:
                        found.append(got)
                return found
            if not isinstance(value, Mapping):
                return None
            value = value.get(segment)
        return value

    head, rest = segments[0], segments[1:]

    def read(ctx: _Context) -> Any:
        # The common case, mappings all the way (input.amount, shipTo.city), without
        # the general walk's list handling.
        value = ctx.values.get(head)
        for index, segment in enumerate(rest):
            if type(value) is dict:
                value = value.get(segment)
            else:
                return step(value, rest[index:])
        return value

    return read


# ----------------------------------------------------------------------- public


_AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})
_WHERE_OPS = {"==": None, "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class Aggregate:
    """``function(items[.property][, condition])`` over one list: what storage may work
    out itself. ``condition`` is the condition as a query's ``where``; None when there is
    none, and False when it says more than a query can (it is then worked out here)."""

    __slots__ = ("condition", "function", "items", "key", "property")

    def __init__(
        self, key: int, function: str, items: str, prop: str | None, condition: Any
    ) -> None:
        self.key, self.function, self.items = key, function, items
        self.property, self.condition = prop, condition

    def __repr__(self) -> str:
        return f"Aggregate({self.function}, {self.items!r}, {self.property!r}, {self.condition!r})"


def _aggregate_of(node: _Node) -> Aggregate | None:
    if not isinstance(node, _Call) or node.name not in _AGGREGATES or not node.args:
        return None
    first = node.args[0]
    if not isinstance(first, _Name):
        return None
    if node.name in ("min", "max", "sum", "avg") and len(node.args) != 1:
        return None  # min(a, b): of its arguments, no list
    items, _, prop = first.name.partition(".")
    if node.name != "count" and (not prop or "." in prop):
        return None
    if node.name == "count" and prop:
        return None  # count(items.sku): the items holding one, a path; worked out here
    condition: Any = None
    if len(node.args) == 2:
        condition = _where_of(node.args[1])
        if condition is None:
            condition = False
    return Aggregate(node.pos, node.name, items, prop or None, condition)


def _where_of(node: _Node) -> dict[str, Any] | None:
    """A condition as a query's ``where``, when comparisons of a name with a literal,
    and ``and``/``or`` of them, say it all (they are null-safe as a where is)."""
    match node:
        case _Compare(op=op, left=_Name(name=name), right=_Literal(value=value)) if (
            op in _WHERE_OPS and value is not None
        ):
            test = _WHERE_OPS[op]
            return {name: value if test is None else {test: value}}
        case _Logic(op=op, operands=operands):
            parts = [_where_of(part) for part in operands]
            if any(part is None for part in parts):
                return None
            return {"$and" if op == "and" else "$or": parts}
    return None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


class Expression:
    """A parsed expression; equal and hashed by its source text. Immutable."""

    __slots__ = ("_run", "_tree", "calls", "names", "paths", "scopes", "source")

    source: str
    names: frozenset[str]  # the properties it reads (the first step of each path)
    paths: frozenset[str]  # the paths it reads, as written: ``shipTo.city``
    scopes: tuple[Scope, ...]  # what the conditions of its any() and all() read
    calls: frozenset[str]  # the functions it calls
    _run: _Run
    _tree: _Node

    def __init__(self, source: str) -> None:
        if not isinstance(source, str):
            raise ExpressionError(
                f"an expression must be text, not {type(source).__name__}", str(source), 0
            )
        if len(source) > MAX_LENGTH:
            raise ExpressionError(
                f"expression is longer than {MAX_LENGTH} characters ({len(source)})",
                source,
                MAX_LENGTH,
            )
        try:
            parser = _Parser(source)
            tree = parser.parse()
            run = _Compiler(source).compile(tree)
        except RecursionError:  # the depth limit should prevent this; never let it escape
            raise ExpressionError("expression nests too deeply", source, 0) from None
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "paths", frozenset(parser.names))
        heads = {path.split(".", 1)[0] for path in parser.names}
        heads.update(scope.items.split(".", 1)[0] for scope in parser.scopes)
        object.__setattr__(self, "names", frozenset(heads))
        object.__setattr__(self, "scopes", tuple(parser.scopes))
        object.__setattr__(self, "calls", frozenset(parser.calls))
        object.__setattr__(self, "_run", run)
        object.__setattr__(self, "_tree", tree)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an Expression does not change: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return self.source == other.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __repr__(self) -> str:
        return f"Expression(source={self.source!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Closures do not pickle; the source is all it takes to rebuild.
        return (Expression, (self.source,))

    def aggregates(self) -> tuple[tuple[Aggregate, ...], frozenset[str]]:
        """Its aggregate calls over a property's list (``count(items)``, ``count(items,
        quantity > 1)``, ``sum(items.price)``, ``avg``, ``min``, ``max``), and the names
        it reads outside them."""
        found: list[Aggregate] = []
        outside: set[str] = set()
        pending: list[_Node] = [self._tree]
        while pending:
            node = pending.pop()
            aggregate = _aggregate_of(node)
            if aggregate is not None:
                found.append(aggregate)
                continue
            match node:
                case _Name(name=name):
                    outside.add(name.split(".", 1)[0])
                case _List(items=items):
                    pending.extend(items)
                case _Negate(operand=operand) | _Not(operand=operand) | _IsNull(operand=operand):
                    pending.append(operand)
                case _Arith(first=first, rest=rest):
                    pending.append(first)
                    pending.extend(part for _, _, part in rest)
                case _Logic(operands=operands):
                    pending.extend(operands)
                case _Compare(left=left, right=right):
                    pending.extend((left, right))
                case _Call(name=name, args=args):
                    if name in _SCOPED:
                        pending.append(args[0])  # the condition reads the items' own names
                    else:
                        pending.extend(args)
        return tuple(sorted(found, key=lambda a: a.key)), frozenset(outside)

    def sole(self) -> Aggregate | str | None:
        """What the whole expression is, when it is one thing storage can work out: an
        aggregate call (``count(customers)``), or a path (``customer.status``)."""
        found = _aggregate_of(self._tree)
        if found is not None:
            return found
        return self._tree.name if isinstance(self._tree, _Name) else None

    def result_kind(self, kinds: Callable[[str], str | None]) -> str | None:
        """What the expression gives, as far as its form and ``kinds`` (a name's kind:
        boolean, number, string, date, list, or None for unknown) tell: "boolean",
        "number", "string", "date", "list", or None when it cannot be told before it runs."""
        return _kind_of(self._tree, kinds)

    def evaluate(
        self,
        values: Mapping[str, Any],
        *,
        now: datetime | None = None,
        actor: str | None = None,
        tenant: str | None = None,
        aggregates: Mapping[int, Any] | None = None,
    ) -> Any:
        """The value over ``values`` (a missing name is null); ``now`` fixes the clock,
        ``actor`` and ``tenant`` are what ``actor()`` and ``tenant()`` give;
        ``aggregates`` gives the values of some of :meth:`aggregates`, by their key."""
        try:
            if now is not None and now.tzinfo is not UTC:
                now = _utc(now)
            ctx = _Context(values, now, actor, tenant)
            ctx.aggregates = aggregates
            return self._run(ctx)
        except RecursionError:
            raise EvaluationError(
                f"{self.source!r} nests too deeply to evaluate here", self.source, 0
            ) from None


_NUMBER_FUNCTIONS = frozenset(
    {"count", "sum", "avg", "len", "abs", "round", "days_between", "seconds_between"}
)


def _kind_of(node: _Node, kinds: Callable[[str], str | None]) -> str | None:
    match node:
        case _Literal(value=value):
            if isinstance(value, bool):
                return "boolean"
            if isinstance(value, int | float):
                return "number"
            return "string" if isinstance(value, str) else None
        case _Name(name=name):
            return kinds(name)
        case _List():
            return "list"
        case _Negate():
            return "number"
        case _Not() | _Logic() | _Compare() | _IsNull():
            return "boolean"
        case _Arith(first=first, rest=rest):
            found = {_kind_of(first, kinds), *(_kind_of(part, kinds) for _, _, part in rest)}
            return "number" if found == {"number"} else None
        case _Call(name=name, args=args):
            if name in _NUMBER_FUNCTIONS:
                return "number"
            if name in _SCOPED:
                return "boolean"
            if name in ("actor", "tenant"):
                return "string"
            if name in ("now", "today"):
                return "date"
            found = {_kind_of(arg, kinds) for arg in args}
            return found.pop() if len(found) == 1 and name in ("coalesce",) else None
    return None


def parse(source: str) -> Expression:
    """Parse ``source`` once; raises `ExpressionError` pointing at the culprit.

    Expressions are immutable, so the same text (a rule repeated across nouns) is parsed
    and compiled once per process.
    """
    if type(source) is not str:
        return Expression(source)  # raises, naming the type
    return _parse(source)


@lru_cache(maxsize=4096)
def _parse(source: str) -> Expression:
    return Expression(source)
