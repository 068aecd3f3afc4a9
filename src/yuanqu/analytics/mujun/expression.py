"""A small, safe expression language for per-mu indicators and scope conditions.

Formulas such as ``tax / land_mu`` or ``above_scale and land_mu >= 3`` are tokenised and parsed by a
Pratt parser into a tree, type-checked (number or boolean), and compiled to a Polars expression.
Nothing is ever handed to ``eval``. Errors name the line, the column and the reason in Chinese and
English: "第 1 行第 7 列：未知字段 taxx / line 1 col 7: unknown field taxx".

Grammar, loosest binding first::

    or          a or b
    and         a and b
    not         not a
    comparison  a < b, <=, >, >=, ==, !=      (not chainable)
    sum         a + b, a - b
    product     a * b, a / b
    unary       -a, +a
    atom        number, field, true, false, min(a, b, ...), max(a, b, ...), abs(a), ( expr )

Division compiles to null where the denominator is zero, and arithmetic on a missing figure gives
null; ``checks`` lists, in a stable order, which missing figure or zero denominator made a value null,
so the engine can apply the method's rule and say why.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

# Yearly figures of EnterpriseYear (plus years in production): numeric fields usable in formulas.
NUMERIC_FIELDS: dict[str, tuple[str, str]] = {
    "tax": ("实缴税收", "tax paid"),
    "revenue": ("营业收入", "revenue"),
    "industrial_output": ("工业总产值", "industrial output"),
    "value_added": ("工业增加值", "value added"),
    "energy_tce": ("综合能耗", "energy use"),
    "electricity": ("用电量", "electricity use"),
    "emissions": ("主要污染物排放量", "main pollutant emissions"),
    "rd_spending": ("研发经费", "R&D spending"),
    "employees": ("从业人员", "employees"),
    "land_mu": ("用地面积", "land area"),
    "production_years": ("投产年限", "years in production"),
}
# Yes/no figures, usable in scope conditions, additions, deductions and vetoes.
BOOLEAN_FIELDS: dict[str, tuple[str, str]] = {
    "above_scale": ("规上企业", "above scale"),
    "high_tech": ("高新技术企业", "high-tech enterprise"),
    "incident": ("发生安全或环保事故", "safety or environmental incident"),
}
FIELDS: dict[str, tuple[str, str]] = {**NUMERIC_FIELDS, **BOOLEAN_FIELDS}

# name -> (fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[int, int | None]] = {"min": (2, None), "max": (2, None), "abs": (1, 1)}
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})

NUMBER = "number"
BOOLEAN = "boolean"
KIND_NAMES = {NUMBER: ("数值", "a number"), BOOLEAN: ("真假值", "a yes/no value")}

# Full-width characters people type in Chinese input methods, with the ASCII they meant.
FULL_WIDTH = {
    "（": "(",
    "）": ")",
    "＋": "+",
    "－": "-",
    "×": "*",
    "＊": "*",
    "÷": "/",
    "／": "/",
    "，": ",",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "．": ".",
    "　": " ",
}


def describe(text: str, *, zh: bool = True) -> str:
    """A formula as a reader writes it: the figures by their names, ÷ and × for / and * ("tax / land_mu" →
    "实缴税收 ÷ 用地面积"), for documents that are read, not run."""
    import re

    def name(match: re.Match) -> str:
        word = match.group(0)
        if word in FIELDS:
            return FIELDS[word][0 if zh else 1]
        return word

    readable = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", name, text)
    readable = re.sub(r"\s*/\s*", " ÷ ", readable)
    return re.sub(r"\s*\*\s*", " × ", readable).strip()


class ExpressionError(ValueError):
    """A formula that cannot be parsed or does not type-check; carries line, column and both languages."""

    def __init__(self, *, line: int, column: int, reason_zh: str, reason_en: str):
        self.line = line
        self.column = column
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"第 {line} 行第 {column} 列：{reason_zh} / line {line} col {column}: {reason_en}")


# ---------------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    offset: int
    line: int
    column: int


def tokenize(text: str) -> list[Token]:
    """Split a formula into tokens; refuses characters the language does not have."""
    tokens: list[Token] = []
    i = 0
    line, line_start = 1, 0
    n = len(text)

    def fail(at: int, zh: str, en: str) -> ExpressionError:
        return ExpressionError(line=line, column=at - line_start + 1, reason_zh=zh, reason_en=en)

    while i < n:
        ch = text[i]
        if ch == "\n":
            i += 1
            line, line_start = line + 1, i
            continue
        if ch in " \t\r":
            i += 1
            continue
        start = i
        column = i - line_start + 1
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            while i < n and (text[i].isdigit() or text[i] == "."):
                i += 1
            if i < n and text[i] in "eE":
                j = i + 1
                if j < n and text[j] in "+-":
                    j += 1
                if j < n and text[j].isdigit():
                    i = j
                    while i < n and text[i].isdigit():
                        i += 1
            literal = text[start:i]
            try:
                float(literal)
            except ValueError:
                raise fail(start, f"无法识别的数字 {literal}", f"malformed number {literal}") from None
            if i < n and (text[i].isalpha() or text[i] == "_"):
                raise fail(i, f"数字 {literal} 后面紧跟字母", f"a letter directly after the number {literal}")
            tokens.append(Token(NUMBER, literal, start, line, column))
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            tokens.append(Token("name", text[start:i], start, line, column))
            continue
        two = text[i : i + 2]
        if two in ("<=", ">=", "==", "!="):
            tokens.append(Token("op", two, start, line, column))
            i += 2
            continue
        if ch in "+-*/(),<>":
            tokens.append(Token("op", ch, start, line, column))
            i += 1
            continue
        if ch == "=":
            raise fail(start, "比较相等请用 ==", "use == to compare for equality")
        if ch in FULL_WIDTH:
            ascii_ch = FULL_WIDTH[ch]
            raise fail(start, f"全角字符 {ch}，请改用半角 {ascii_ch}", f"full-width {ch}: use ASCII {ascii_ch}")
        if ch in "&|!":
            raise fail(start, f"不支持 {ch}，请用 and / or / not", f"{ch} is not supported: use and / or / not")
        raise fail(start, f"无法识别的字符 {ch!r}", f"unexpected character {ch!r}")
    tokens.append(Token("end", "", n, line, n - line_start + 1))
    return tokens


# ---------------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class Node:
    line: int
    column: int
    start: int  # offsets into the source text, for quoting a sub-expression in messages
    end: int


@dataclass(frozen=True)
class Number(Node):
    value: float


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-", "+", "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / < <= > >= == != and or
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


ARITHMETIC = frozenset("+-*/")
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
LOGICAL = frozenset({"and", "or"})
BINDING = {"or": 10, "and": 20, **dict.fromkeys(COMPARISONS, 40), "+": 50, "-": 50, "*": 60, "/": 60}
NOT_BINDING = 30
UNARY_BINDING = 70


class _Parser:
    """Pratt parser over the token list; builds the tree and checks kinds as it goes."""

    def __init__(self, text: str, fields: dict[str, tuple[str, str]]):
        self.text = text
        self.fields = fields
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def error(self, token: Token | Node, zh: str, en: str) -> ExpressionError:
        return ExpressionError(line=token.line, column=token.column, reason_zh=zh, reason_en=en)

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.error(self.peek(), "公式为空", "the formula is empty")
        node = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            raise self.error(token, f"多余的 {token.text}", f"unexpected {token.text} after a complete formula")
        return node

    def binding(self, token: Token) -> int:
        if token.kind == "op" or (token.kind == "name" and token.text in LOGICAL):
            return BINDING.get(token.text, 0)
        return 0

    def expression(self, right_binding: int) -> Node:
        left = self.prefix(self.advance())
        while right_binding < self.binding(self.peek()):
            left = self.infix(self.advance(), left)
        return left

    def prefix(self, token: Token) -> Node:
        if token.kind == NUMBER:
            return Number(token.line, token.column, token.offset, token.offset + len(token.text), float(token.text))
        if token.kind == "name":
            return self.name(token)
        if token.text == "(":
            inner = self.expression(0)
            closing = self.advance()
            if closing.text != ")":
                raise self.error(
                    closing,
                    f"缺少右括号 )，此处为 {closing.text or '公式结尾'}",
                    f"missing ) — found {closing.text or 'the end of the formula'}",
                )
            return _replace_span(inner, token.offset, closing.offset + 1)
        if token.text in ("-", "+"):
            operand = self.expression(UNARY_BINDING)
            self.expect(operand, NUMBER, f"一元 {token.text}", f"unary {token.text}")
            return Unary(token.line, token.column, token.offset, operand.end, token.text, operand)
        if token.kind == "end":
            raise self.error(token, "公式不完整，结尾缺少运算数", "the formula ends where a value is expected")
        raise self.error(
            token,
            f"此处应为数值、字段或括号，而不是 {token.text}",
            f"expected a number, a field or ( but found {token.text}",
        )

    def name(self, token: Token) -> Node:
        text = token.text
        end = token.offset + len(text)
        if text in ("true", "false"):
            return Boolean(token.line, token.column, token.offset, end, text == "true")
        if text == "not":
            operand = self.expression(NOT_BINDING)
            self.expect(operand, BOOLEAN, "not", "not")
            return Unary(token.line, token.column, token.offset, operand.end, "not", operand)
        if text in KEYWORDS:
            raise self.error(token, f"{text} 前缺少条件", f"a condition is missing before {text}")
        if self.peek().text == "(":
            return self.call(token)
        if text in FUNCTIONS:
            raise self.error(token, f"函数 {text} 后应有括号", f"function {text} needs parentheses")
        if text not in self.fields:
            raise self.error(
                token,
                f"未知字段 {text}{_suggest(text, self.fields, zh=True)}",
                f"unknown field {text}{_suggest(text, self.fields, zh=False)}",
            )
        return Field(token.line, token.column, token.offset, end, text)

    def call(self, token: Token) -> Node:
        name = token.text
        if name not in FUNCTIONS:
            raise self.error(
                token,
                f"未知函数 {name}{_suggest(name, FUNCTIONS, zh=True)}（可用 min、max、abs）",
                f"unknown function {name}{_suggest(name, FUNCTIONS, zh=False)} (use min, max, abs)",
            )
        self.advance()  # "("
        args: list[Node] = []
        if self.peek().text != ")":
            while True:
                arg = self.expression(0)
                self.expect(arg, NUMBER, f"函数 {name} 的参数", f"an argument of {name}")
                args.append(arg)
                if self.peek().text == ",":
                    self.advance()
                    continue
                break
        closing = self.advance()
        if closing.text != ")":
            raise self.error(closing, f"函数 {name} 缺少右括号 )", f"missing ) after the arguments of {name}")
        fewest, most = FUNCTIONS[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            wanted_zh = f"{fewest} 个" if most == fewest else f"至少 {fewest} 个"
            wanted_en = f"{fewest}" if most == fewest else f"at least {fewest}"
            raise self.error(
                token,
                f"函数 {name} 需要{wanted_zh}参数，给了 {len(args)} 个",
                f"{name} takes {wanted_en} argument(s), got {len(args)}",
            )
        return Call(token.line, token.column, token.offset, closing.offset + 1, name, tuple(args))

    def infix(self, token: Token, left: Node) -> Node:
        op = token.text
        right = self.expression(BINDING[op])
        if op in LOGICAL:
            self.expect(left, BOOLEAN, op, op)
            self.expect(right, BOOLEAN, op, op)
        else:
            self.expect(left, NUMBER, op, op)
            self.expect(right, NUMBER, op, op)
        if op in COMPARISONS and self.peek().text in COMPARISONS:
            raise self.error(
                self.peek(),
                "比较不能连写，请用 and 连接（如 a >= 1 and a < 5）",
                "comparisons cannot be chained: join them with and (e.g. a >= 1 and a < 5)",
            )
        if op == "/":
            constant = _constant_value(right)
            if constant == 0:
                raise self.error(right, "除数恒为零，无法相除", "division by a constant zero")
        return Binary(left.line, left.column, left.start, right.end, op, left, right)

    def expect(self, node: Node, kind: str, where_zh: str, where_en: str) -> None:
        actual = kind_of(node, self.fields)
        if actual != kind:
            wanted_zh, wanted_en = KIND_NAMES[kind]
            got_zh, got_en = KIND_NAMES[actual]
            snippet = self.text[node.start : node.end]
            raise self.error(
                node,
                f"{where_zh} 需要{wanted_zh}，而 {snippet} 是{got_zh}",
                f"{where_en} needs {wanted_en}, but {snippet} is {got_en}",
            )


def _replace_span(node: Node, start: int, end: int) -> Node:
    """The same node, spanning its parentheses too (so a quoted denominator keeps them)."""
    return dataclasses.replace(node, start=start, end=end)


def _suggest(name: str, choices, *, zh: bool) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"（是否应为 {close[0]}？）" if zh else f" (did you mean {close[0]}?)"


def kind_of(node: Node, fields: dict[str, tuple[str, str]] = FIELDS) -> str:
    """Number or boolean: what the node yields."""
    if isinstance(node, Boolean):
        return BOOLEAN
    if isinstance(node, Field):
        return BOOLEAN if node.name in BOOLEAN_FIELDS else NUMBER
    if isinstance(node, Unary):
        return BOOLEAN if node.op == "not" else NUMBER
    if isinstance(node, Binary):
        return NUMBER if node.op in ARITHMETIC else BOOLEAN
    return NUMBER


def _constant_value(node: Node) -> float | None:
    """The value of a sub-expression made only of numbers, or None if it reads a field."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Unary) and node.op in "+-":
        inner = _constant_value(node.operand)
        if inner is None:
            return None
        return -inner if node.op == "-" else inner
    if isinstance(node, Binary) and node.op in ARITHMETIC:
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right
    if isinstance(node, Call):
        values = [_constant_value(arg) for arg in node.args]
        if any(v is None for v in values):
            return None
        if node.function == "abs":
            return abs(values[0])
        return min(values) if node.function == "min" else max(values)
    return None


# ---------------------------------------------------------------------------------------------------
# Compiled expression


@dataclass(frozen=True)
class Check:
    """One reason a formula's value can be undefined for a row: a missing figure or a zero denominator."""

    code: str  # "missing:emissions" or "zero:land_mu"
    reason_zh: str
    reason_en: str
    condition: pl.Expr = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Expression:
    """A parsed formula: its source text, its kind (number or boolean) and the fields it reads."""

    text: str
    root: Node = field(repr=False)

    @property
    def kind(self) -> str:
        return kind_of(self.root)

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """Fields in order of first appearance."""
        seen: dict[str, None] = {}
        for node in _walk(self.root):
            if isinstance(node, Field):
                seen.setdefault(node.name, None)
        return tuple(seen)

    @cached_property
    def is_single_field(self) -> bool:
        return isinstance(self.root, Field)

    def to_polars(self) -> pl.Expr:
        """The formula as a Polars expression over columns named like the fields (numbers as Float64)."""
        return _compile(self.root)

    def checks(self) -> list[Check]:
        """Why a row's value may be null: missing figures first (in order of appearance), then zero
        denominators (left to right)."""
        found: list[Check] = []
        for name in self.fields:
            if name in BOOLEAN_FIELDS:
                continue  # prepared frames hold no missing yes/no values
            zh, en = FIELDS[name]
            found.append(
                Check(f"missing:{name}", f"缺少{zh}（{name}）", f"{en} ({name}) missing", pl.col(name).is_null())
            )
        codes = {c.code for c in found}
        for node in _walk(self.root):
            if isinstance(node, Binary) and node.op == "/":
                denominator = self.text[node.right.start : node.right.end].strip()
                code = f"zero:{denominator}"
                if code in codes:
                    continue
                codes.add(code)
                if isinstance(node.right, Field):
                    zh, en = FIELDS[node.right.name]
                    reason_zh, reason_en = f"{zh}（{denominator}）为零", f"{en} ({denominator}) is zero"
                else:
                    reason_zh, reason_en = f"分母 {denominator} 为零", f"the denominator {denominator} is zero"
                found.append(Check(code, reason_zh, reason_en, _compile(node.right) == 0))
        return found


def _walk(node: Node):
    """Nodes in source order (left before right), parents before children."""
    yield node
    if isinstance(node, Unary):
        yield from _walk(node.operand)
    elif isinstance(node, Binary):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk(arg)


def _compile(node: Node) -> pl.Expr:
    if isinstance(node, Number):
        return pl.lit(node.value, dtype=pl.Float64)
    if isinstance(node, Boolean):
        return pl.lit(node.value, dtype=pl.Boolean)
    if isinstance(node, Field):
        return pl.col(node.name)
    if isinstance(node, Unary):
        operand = _compile(node.operand)
        if node.op == "not":
            return ~operand
        return -operand if node.op == "-" else operand
    if isinstance(node, Binary):
        left, right = _compile(node.left), _compile(node.right)
        op = node.op
        if op == "/":
            # A zero denominator gives null rather than inf; the engine applies the method's rule.
            return pl.when(right != 0).then(left / right)
        operators = {
            "+": lambda: left + right,
            "-": lambda: left - right,
            "*": lambda: left * right,
            "<": lambda: left < right,
            "<=": lambda: left <= right,
            ">": lambda: left > right,
            ">=": lambda: left >= right,
            "==": lambda: left == right,
            "!=": lambda: left != right,
            "and": lambda: left & right,
            "or": lambda: left | right,
        }
        return operators[op]()
    if isinstance(node, Call):
        args = [_compile(arg) for arg in node.args]
        if node.function == "abs":
            return args[0].abs()
        combined = pl.min_horizontal(*args) if node.function == "min" else pl.max_horizontal(*args)
        # Polars' horizontal min/max skip nulls; a formula over a missing figure must stay undefined.
        return pl.when(pl.any_horizontal(*[a.is_null() for a in args])).then(None).otherwise(combined)
    raise TypeError(f"unknown node {node!r}")


def parse(text: str, *, kind: str | None = None, fields: dict[str, tuple[str, str]] | None = None) -> Expression:
    """Parse a formula; ``kind`` ("number" or "boolean") requires the whole formula to yield that kind.

    Raises ExpressionError naming the line, the column and the reason in Chinese and English.
    """
    if not isinstance(text, str):
        raise ExpressionError(line=1, column=1, reason_zh="公式应为文本", reason_en="a formula must be text")
    parser = _Parser(text, FIELDS if fields is None else fields)
    root = parser.parse()
    if kind is not None and kind_of(root) != kind:
        wanted_zh, wanted_en = KIND_NAMES[kind]
        got_zh, got_en = KIND_NAMES[kind_of(root)]
        raise ExpressionError(
            line=root.line,
            column=root.column,
            reason_zh=f"此处需要{wanted_zh}的公式，而该公式得到{got_zh}",
            reason_en=f"this needs a formula giving {wanted_en}, but it gives {got_en}",
        )
    return Expression(text=text, root=root)
