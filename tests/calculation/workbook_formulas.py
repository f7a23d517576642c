"""A small evaluator of the spreadsheet formulas the run workbook writes, so that the tests can
recompute every formula cell from the workbook alone, as a spreadsheet program would.

Home-made for a reason: no formula engine (``formulas``, ``pycel``) is among the project's
dependencies, and the workbook uses only a handful of functions — SUM, SUMPRODUCT, ABS, NPV, IF,
OR, MAX, MIN, INDEX and ISNUMBER — over single-column ranges. A formula using anything else
raises, so the tests notice when the workbook grows beyond what is checked here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openpyxl.utils import column_index_from_string

TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
  | (?P<ref>(?:'(?:[^']|'')+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
  | (?P<number>\d+(?:\.\d+)?(?:E[+-]?\d+)?)
  | (?P<function>[A-Z]+)\(
  | (?P<op><=|>=|<>|[-+*/^=<>(),])
    )""",
    re.VERBOSE,
)
CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def tokens(formula: str) -> list[tuple[str, str]]:
    found, position = [], 0
    formula = formula.rstrip()
    while position < len(formula):
        match = TOKEN.match(formula, position)
        if not match:
            raise ValueError(f"cannot read {formula[position:]!r} in {formula!r}")
        kind = match.lastgroup
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class Evaluator:
    """The value of any cell of a workbook (openpyxl, formulas kept), computed from its inputs."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache: dict[tuple[str, int, int], Any] = {}

    def value(self, sheet: str, address: str) -> Any:
        column, row = CELL.fullmatch(address).groups()
        return self.cell(sheet, row=int(row), column=column_index_from_string(column))

    def cell(self, sheet: str, *, row: int, column: int) -> Any:
        key = (sheet, row, column)
        if key not in self.cache:
            raw = self.workbook[sheet].cell(row=row, column=column).value
            if isinstance(raw, str) and raw.startswith("="):
                self.cache[key] = _Parser(self, sheet, tokens(raw[1:])).formula()
            else:
                self.cache[key] = raw
        return self.cache[key]

    def reference(self, sheet: str, text: str) -> Any:
        if "!" in text:
            quoted, text = text.rsplit("!", 1)
            sheet = quoted.strip("'").replace("''", "'")
        first, _, last = text.partition(":")
        if not last:
            return self.value(sheet, first)
        (c1, r1), (c2, r2) = (CELL.fullmatch(part).groups() for part in (first, last))
        if c1 != c2 and r1 != r2:
            raise ValueError(f"only one row or one column: {text}")
        return [
            _number(self.cell(sheet, row=r, column=c))
            for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1)
            for r in range(int(r1), int(r2) + 1)
        ]


def _number(value: Any) -> Any:
    return 0.0 if value is None else value


def _flat(values) -> list:
    flat = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if isinstance(v, int | float) and not isinstance(v, bool)]


def _sumproduct(*arrays):
    total = 0.0
    for items in zip(*arrays, strict=True):
        product = 1.0
        for item in items:
            product *= _number(item)
        total += product
    return total


def _npv(rate, *flows):
    return sum(flow / (1 + rate) ** (n + 1) for n, flow in enumerate(_flat(flows)))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SUM": lambda *values: sum(_flat(values)),
    "SUMPRODUCT": _sumproduct,
    "ABS": lambda value: [abs(v) for v in value] if isinstance(value, list) else abs(value),
    "NPV": _npv,
    "OR": lambda *values: any(values),
    "MAX": lambda *values: max(_flat(values)),
    "MIN": lambda *values: min(_flat(values)),
    "INDEX": lambda values, n: values[int(n) - 1],
    "ISNUMBER": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
}

COMPARE = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


class _Parser:
    """Recursive descent over the tokens: comparison < sum < product < power < unary < atom.
    IF evaluates only the branch it takes, as a spreadsheet does."""

    def __init__(self, evaluator: Evaluator, sheet: str, items: list[tuple[str, str]]):
        self.evaluator, self.sheet, self.items, self.at = evaluator, sheet, items, 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> tuple[str, str]:
        item = self.items[self.at]
        self.at += 1
        return item

    def expect(self, op: str) -> None:
        kind, text = self.take()
        if (kind, text) != ("op", op):
            raise ValueError(f"expected {op}, found {text}")

    def formula(self) -> Any:
        value = self.comparison()
        if self.peek() is not None:
            raise ValueError(f"left over: {self.items[self.at :]}")
        return value

    def comparison(self) -> Any:
        left = self.additive()
        while (item := self.peek()) and item[0] == "op" and item[1] in COMPARE:
            self.take()
            left = COMPARE[item[1]](left, self.additive())
        return left

    def additive(self) -> Any:
        left = self.multiplicative()
        while (item := self.peek()) and item in (("op", "+"), ("op", "-")):
            self.take()
            right = self.multiplicative()
            left = _number(left) + _number(right) if item[1] == "+" else left - _number(right)
        return left

    def multiplicative(self) -> Any:
        left = self.power()
        while (item := self.peek()) and item in (("op", "*"), ("op", "/")):
            self.take()
            right = self.power()
            left = _number(left) * _number(right) if item[1] == "*" else left / right
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            left = _number(left) ** _number(self.unary())
        return left

    def unary(self) -> Any:
        if self.peek() == ("op", "-"):
            self.take()
            return -_number(self.unary())
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            value = self.evaluator.reference(self.sheet, text)
            return _number(value) if not isinstance(value, list) else value
        if (kind, text) == ("op", "("):
            value = self.comparison()
            self.expect(")")
            return value
        if kind == "function":
            return self.call(text)
        raise ValueError(f"unexpected {text}")

    def call(self, function: str) -> Any:
        if function == "IF":
            return self._if()
        if function not in FUNCTIONS:
            raise ValueError(f"function not evaluated here: {function}")
        arguments = []
        if self.peek() != ("op", ")"):
            arguments.append(self.comparison())
            while self.peek() == ("op", ","):
                self.take()
                arguments.append(self.comparison())
        self.expect(")")
        return FUNCTIONS[function](*arguments)

    def _if(self) -> Any:
        condition = self.comparison()
        self.expect(",")
        if condition:
            value = self.comparison()
            self.expect(",")
            self._skip()
        else:
            self._skip()
            self.expect(",")
            value = self.comparison()
        self.expect(")")
        return value

    def _skip(self) -> None:
        """Pass over one argument without evaluating it."""
        depth = 0
        while True:
            item = self.peek()
            if item is None:
                return
            if item[0] == "function" or item == ("op", "("):
                depth += 1
            elif item == ("op", ")"):
                if depth == 0:
                    return
                depth -= 1
            elif item == ("op", ",") and depth == 0:
                return
            self.take()
