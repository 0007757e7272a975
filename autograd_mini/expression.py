"""Expressions typed on the command line, such as `tanh(x*w + b)`, evaluated safely on Tensors.

The text is parsed with Python's `ast` and checked against an allow-list before anything runs:
numbers, variable names, the operators + - * / ** @ and unary -, and calls of the engine's
functions by name. Everything else (attributes, subscripts, imports, lambdas, comprehensions,
strings, calls of anything not listed, names starting with `_`) is refused with an error that
names the construct. Nothing is ever passed to eval(); the checked tree is walked by hand.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from . import routines

MAX_LENGTH = 1000  # characters
MAX_DEPTH = 32  # nesting of the syntax tree
MAX_EXPONENT = 100  # |c| in x ** c
MAX_ELEMENTS = 10_000  # in a variable's value

FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(routines, name)
    for name in (
        "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu",
        "softplus", "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax",
        "maximum", "minimum",
    )
}  # fmt: skip
KEYWORDS = ("axis", "keepdims", "negative_slope")
BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
CONSTRUCTS = {  # how a refused node is named in the error
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts (indexing)",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehensions",
    ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Starred: "starred arguments (*args)",
    ast.List: "list displays",
    ast.Tuple: "tuples",
    ast.Dict: "dict displays",
    ast.Set: "set displays",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}
ALLOWED = "numbers, variables, + - * / ** @, unary -, and the functions " + ", ".join(FUNCTIONS)


class ExpressionError(ValueError):
    """The expression is refused (or its text is not an expression); nothing was evaluated."""


class TooLargeError(ExpressionError):
    """A step of the expression would make an array of more than `max_elements` elements."""


def parse(source: str) -> ast.Expression:
    """The syntax tree of `source`, checked: raises ExpressionError naming what is not allowed."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"expression too long: {len(source)} characters (at most {MAX_LENGTH})"
        )
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not a valid expression: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise ExpressionError(f"not a valid expression: {error}") from None
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)")
        stack.extend((child, depth + 1) for child in _checked_children(node))
    return tree


def variables(tree: ast.Expression) -> list[str]:
    """The variable names used in a checked tree, in order of first appearance."""
    first: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            where = (node.lineno, node.col_offset)
            first[node.id] = min(first.get(node.id, where), where)
    return sorted(first, key=first.__getitem__)


def evaluate(
    source: str | ast.Expression, values: Mapping[str, Any], max_elements: int | None = None
) -> Any:
    """The value of the expression, with `values` for its variables (Tensors, usually).

    With `max_elements`, a step whose result would have more elements is refused with
    TooLargeError before it runs: broadcasting `x * y` of a 10,000-vector and a 10,000×1 column
    would otherwise allocate 10⁸ numbers (and as many again for the gradients). A tree is
    checked as its source would be (one that parse() did not make may hold anything)."""
    tree = parse(source if isinstance(source, str) else ast.unparse(source))
    missing = [name for name in variables(tree) if name not in values]
    if missing:
        raise ExpressionError(f"no value given for {', '.join(map(repr, missing))}")
    with np.errstate(all="ignore"):  # 1/0 and overflow give inf, as on tensors
        return _evaluate(tree.body, values, max_elements)


def parse_value(text: str) -> np.ndarray:
    """A number or a (nested) list of numbers, such as `-3` or `[[1, 2], [3, 4]]`, read with
    ast.literal_eval (which evaluates literals only), as a float64 array."""
    if len(text) > 100_000:
        raise ExpressionError("value too long")
    try:
        return np.array(float(text))  # also nan, inf, 1e-3
    except ValueError:
        pass
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ExpressionError(f"not a number or a list of numbers: {text!r}") from None
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            count += 1
        else:
            raise ExpressionError(f"not a number or a list of numbers: {text!r}")
        if count > MAX_ELEMENTS:
            raise ExpressionError(f"value too large: more than {MAX_ELEMENTS} numbers")
    try:
        return np.array(value, dtype=np.float64)
    except (ValueError, OverflowError) as error:
        raise ExpressionError(f"not a rectangular array of numbers: {text!r} ({error})") from None


def _checked_children(node: ast.AST) -> list[ast.AST]:
    """The sub-expressions of an allowed node; raises ExpressionError for any other node."""
    where = f" (at column {node.col_offset + 1})" if hasattr(node, "col_offset") else ""
    if isinstance(node, ast.Constant):
        _check_number(node.value, where)
        return []
    if isinstance(node, ast.Name):
        _check_name(node.id, where)
        if node.id in FUNCTIONS:
            raise ExpressionError(f"function {node.id!r} used as a value{where}; call it")
        return []
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return [node.operand]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right, where)
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return _check_call(node, where)
    construct = CONSTRUCTS.get(type(node), f"{type(node).__name__} expressions")
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        construct = f"the operator {type(node.op).__name__}"
    raise ExpressionError(f"{construct} not allowed{where}; only {ALLOWED}")


def _check_number(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = "string" if isinstance(value, (str, bytes)) else type(value).__name__
        raise ExpressionError(f"{kind} literals not allowed{where}; only {ALLOWED}")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise ExpressionError(f"number too large{where}")


def _check_name(name: str, where: str) -> None:
    if name.startswith("_"):
        raise ExpressionError(f"names starting with '_' ({name}) not allowed{where}")


def _check_exponent(exponent: ast.AST, where: str) -> None:
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(exponent)):
        raise ExpressionError(f"nested powers (a ** b ** c) not allowed{where}")
    number = exponent.operand if isinstance(exponent, ast.UnaryOp) else exponent
    if isinstance(number, ast.Constant) and isinstance(number.value, (int, float)):
        if abs(number.value) > MAX_EXPONENT:
            raise ExpressionError(
                f"exponent {ast.unparse(exponent)} too large{where}: at most {MAX_EXPONENT}"
            )


def _check_call(node: ast.Call, where: str) -> list[ast.AST]:
    if not isinstance(node.func, ast.Name):
        _checked_children(node.func)  # raises, naming the attribute, lambda, ...
        raise ExpressionError(f"calling the result of an expression not allowed{where}")
    name = node.func.id
    _check_name(name, where)
    if name not in FUNCTIONS:
        raise ExpressionError(
            f"call of {name!r} not allowed{where}; functions: {', '.join(FUNCTIONS)}"
        )
    for keyword in node.keywords:
        if keyword.arg is None:
            raise ExpressionError(f"**keyword arguments not allowed{where}")
        if keyword.arg not in KEYWORDS:
            raise ExpressionError(
                f"keyword {keyword.arg!r} not allowed{where}; keywords: {', '.join(KEYWORDS)}"
            )
        if not _is_option(keyword.value):
            raise ExpressionError(
                f"{keyword.arg}= takes a number, True/False or a tuple of integers{where}"
            )
    return list(node.args)  # a Starred argument is refused when checked


def _is_option(node: ast.AST) -> bool:
    """A keyword's value: a literal number, bool or tuple of integers (checked, not evaluated)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, bool)) and abs(node.value) < 1e6
    if isinstance(node, ast.Tuple):
        return all(_is_option(e) and not isinstance(e, ast.Tuple) for e in node.elts)
    return False


def _evaluate(node: ast.AST, values: Mapping[str, Any], limit: int | None = None) -> Any:
    if isinstance(node, ast.Constant):
        return np.float64(node.value)  # NumPy's arithmetic: (-8) ** 0.5 is nan, not complex
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return UNARY[type(node.op)](_evaluate(node.operand, values, limit))
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values, limit), _evaluate(node.right, values, limit)
        if limit is not None:
            matmul = isinstance(node.op, ast.MatMult)
            _check_size(node, (_matmul_size if matmul else _broadcast_size)(left, right), limit)
        return BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        args = [_evaluate(a, values, limit) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        if limit is not None:  # the other functions keep or shrink their argument's shape
            _check_size(node, _broadcast_size(*args), limit)
        return FUNCTIONS[node.func.id](*args, **kwargs)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # parse() refuses the rest


def _check_size(node: ast.AST, size: int | None, limit: int) -> None:
    if size is not None and size > limit:
        raise TooLargeError(
            f"{ast.unparse(node)!r} would make an array of {size:,} elements, more than the "
            f"limit of {limit:,}"
        )


def _broadcast_size(*operands: Any) -> int | None:
    """Elements of the broadcast of the operands' shapes; None if they do not broadcast (the op
    itself then raises its own error, naming the shapes)."""
    try:
        return math.prod(np.broadcast_shapes(*(np.shape(a) for a in operands)))
    except ValueError:
        return None


def _matmul_size(a: Any, b: Any) -> int | None:
    """Elements of a @ b from the shapes alone (1-D operands as NumPy's matmul promotes them)."""
    a, b = np.shape(a), np.shape(b)
    if not a or not b:
        return None
    a, b = (1, *a) if len(a) == 1 else a, (*b, 1) if len(b) == 1 else b
    try:
        batch = np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        return None
    return math.prod(batch) * a[-2] * b[-1]
