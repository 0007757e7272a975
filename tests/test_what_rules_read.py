"""What each derivative rule reads, as primitive.py works it out from the rule's bytecode, equals
what the rule's source reads.

Which names a rule reads decides what a node saves (`ans` or not) and which in-place writes
refuse a backward pass (PyTorch's "saved tensors"). The bytecode changes from one Python to the
next (3.12 inlines comprehensions, 3.13 fuses two loads into one instruction), and a name
dropped there lets an in-place write through unnoticed: a wrong gradient, no error. So every
rule of every primitive in the package is checked here against an oracle that reads the
rule's source with `ast`, which no Python version changes.

The oracle's reading: a parameter of the rule is read if its name is loaded anywhere in the
rule's body, in a nested lambda, def or comprehension too (unless a name of that scope hides
it), except as `name.shape`, `.dtype`, `.ndim` or `.size` (an in-place write changes none of
them). Only the rule's parameters are compared (g, ans, the inputs, the keyword parameters):
the engine asks about `ans` and the inputs, and the locals a rule assigns are its own business.

What the oracle does not model (as primitive.py does not): the order of statements (a parameter
assigned anew and then read counts as read), a read through `x.T.shape` (x counts as read), and
a class, `global` or `nonlocal` inside a rule (the oracle raises).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

import numpy as np
import pytest

import autograd_mini
import autograd_mini as am
from autograd_mini.primitive import Primitive

# The attributes that say nothing about an array's values
METADATA = frozenset({"shape", "dtype", "ndim", "size"})

Function = ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef


def package_primitives() -> list[Primitive]:
    """Every Primitive that a module of the package holds as a global, each once."""
    found: dict[int, Primitive] = {}
    for module_info in pkgutil.walk_packages(autograd_mini.__path__, "autograd_mini."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Primitive):
                found.setdefault(id(value), value)
    return sorted(found.values(), key=lambda p: p.name)


def rules_that_run(primitive: Primitive) -> list[tuple[str, Any, list[Any]]]:
    """(label, rule, `wanted` for reads()) for each rule the engine calls: vjp_all if the op
    has one, else one vjp per input (reads() then asks about that input alone)."""
    if primitive.vjp_all is not None:
        return [("vjp_all", primitive.vjp_all, [object()])]
    count = len(primitive.vjps)
    return [
        (f"vjp{i}", rule, [None] * i + [object()] + [None] * (count - i - 1))
        for i, rule in enumerate(primitive.vjps)
    ]


PRIMITIVES = [p for p in package_primitives() if p.differentiable]
RULES = [
    pytest.param(primitive, rule, wanted, id=f"{primitive.name}-{label}")
    for primitive in PRIMITIVES
    for label, rule, wanted in rules_that_run(primitive)
]


# --- the oracle: the rule's definition in its source, and the parameters it reads --------------


@cache
def _parsed(filename: str) -> ast.Module:
    return ast.parse(Path(filename).read_text(encoding="utf-8"), filename)


def _parameters(arguments: ast.arguments) -> list[str]:
    """The names in the order a code object lists them (co_varnames)."""
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return names


def _code_parameters(code: CodeType) -> list[str]:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return list(code.co_varnames[:count])


def _first_line(node: Function) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def _spans(code: CodeType) -> list[tuple[int, int, int, int]]:
    """Where the code's instructions come from in the source, as (line, column, end line, end
    column): Python 3.11 and later record it. Empty spans (RESUME, at column 0) tell nothing."""
    positions = getattr(code, "co_positions", None)
    if positions is None:
        return []
    return [
        (line, column, end_line, end_column)
        for line, end_line, column, end_column in positions()
        if line is not None and column is not None and (line, column) != (end_line, end_column)
    ]


def _contains(node: Function, span: tuple[int, int, int, int]) -> bool:
    line, column, end_line, end_column = span
    return (node.lineno, node.col_offset) <= (line, column) and (end_line, end_column) <= (
        node.end_lineno,
        node.end_col_offset,
    )


def definition(rule: Any) -> Function:
    """The lambda or def in the source whose code object is `rule`'s: the one on the code's
    first line with its parameters, and where several are (two lambdas on a line, one inside
    the other), the innermost that holds every instruction's position."""
    code = rule.__code__
    parameters = _code_parameters(code)
    candidates = [
        node
        for node in ast.walk(_parsed(code.co_filename))
        if isinstance(node, Function)
        and _first_line(node) == code.co_firstlineno
        and _parameters(node.args) == parameters
    ]
    spans = _spans(code)
    if spans:
        candidates = [n for n in candidates if all(_contains(n, s) for s in spans)]
        candidates.sort(key=lambda n: (n.lineno, n.col_offset), reverse=True)  # innermost first
        candidates = candidates[:1]
    if len(candidates) != 1:
        where = f"{code.co_filename}:{code.co_firstlineno}"
        raise AssertionError(f"{len(candidates)} definitions of {code.co_name} at {where}")
    return candidates[0]


class _ParametersRead(ast.NodeVisitor):
    """The names in `visible` that the visited code loads, by Python's scoping rules."""

    def __init__(self, visible: set[str], read: set[str]) -> None:
        self.visible = visible
        self.read = read

    def _inner(self, hidden: set[str]) -> _ParametersRead:
        return _ParametersRead(self.visible - hidden, self.read)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.visible:
            self.read.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in METADATA and isinstance(node.value, ast.Name):
            return  # x.shape: x's values are not read
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and node.target.id in self.visible:
            self.read.add(node.target.id)  # x += 1 reads x
        self.generic_visit(node)

    def _defaults(self, arguments: ast.arguments) -> None:
        for default in (*arguments.defaults, *arguments.kw_defaults):
            if default is not None:
                self.visit(default)  # evaluated where the function is made

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._defaults(node.args)
        self._inner(set(_parameters(node.args))).visit(node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._defaults(node.args)
        inner = self._inner(set(_parameters(node.args)) | _assigned(node.body))
        for statement in node.body:
            inner.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _comprehension(self, node: ast.AST, results: list[ast.expr]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # the first iterable is evaluated outside
        targets = {n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        inner = self._inner(targets)
        for i, generator in enumerate(generators):
            if i:
                inner.visit(generator.iter)
            for condition in generator.ifs:
                inner.visit(condition)
        for result in results:
            inner.visit(result)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def _not_modelled(self, node: ast.AST) -> None:
        raise NotImplementedError(f"the oracle does not model {type(node).__name__} in a rule")

    visit_ClassDef = visit_Global = visit_Nonlocal = _not_modelled  # type: ignore[assignment]


def _assigned(body: list[ast.stmt]) -> set[str]:
    """The names a def's body binds (its locals), not looking into nested scopes."""
    names: set[str] = set()
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.GeneratorExp):
            continue
        if isinstance(node, ast.DictComp):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return names


def parameters_read(rule: Any) -> set[str]:
    """The oracle: the rule's parameters that its source reads."""
    node = definition(rule)
    read: set[str] = set()
    visitor = _ParametersRead(set(_parameters(node.args)), read)
    if isinstance(node, ast.Lambda):
        visitor.visit(node.body)
    else:
        for statement in node.body:
            visitor.visit(statement)
    return read


# --- the checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(("primitive", "rule", "wanted"), RULES)
def test_a_rule_reads_the_names_its_source_reads(primitive, rule, wanted):
    parameters = set(_code_parameters(rule.__code__))
    assert primitive.reads(wanted) & parameters == parameters_read(rule)


def test_every_primitive_the_package_makes_is_checked():
    # one Primitive(...) in the source for each one found as a module's global: one made
    # elsewhere (in a function, a dict) would escape the checks above
    package = Path(autograd_mini.__file__).parent
    made = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(_parsed(str(path)))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Primitive"
    ]
    found = package_primitives()
    assert len(made) == len(found), made
    assert am.ops.logsumexp in found and am.ops.stack in found


@pytest.mark.parametrize("primitive", PRIMITIVES, ids=lambda p: p.name)
def test_an_op_saves_its_output_when_a_rule_reads_it(primitive):
    read = set().union(*(parameters_read(rule) for _, rule, _ in rules_that_run(primitive)))
    assert primitive.saves_output == ("ans" in read)


# Rules written the ways that one Python or another compiles in its own way: each comment says
# which, and what primitive.py once got wrong there.


def _ans_then_a_shape(g, ans, x):
    return np.reshape(ans, x.shape) * g  # 3.13 loads ans and x at once: ans was dropped with x


def _read_after_a_store(g, ans, x):
    return sum([x * g for _ in range(2)])  # 3.13 stores _ and loads x at once: x was not seen


def _shape_in_a_comprehension(g, ans, x):
    return [g * x.shape[0] for _ in range(2)]  # 3.10 and 3.11 capture x: it counted as read


def _shape_in_a_lambda(g, ans, x):
    return (lambda: g.reshape(x.shape))()  # x is captured, its values are not read


def _value_in_a_lambda(g, ans, x):
    return (lambda: g * x)() * ans.shape[0]


def _hidden_by_a_comprehension(g, ans, x, y):
    return sum([x * g for x in y])  # 3.12 inlines the comprehension: its x counted as input x


def _hidden_in_a_nested_function(g, ans, x):
    def inner(x):
        return x

    return inner(g)


def _augmented(g, ans, x):
    g += x.shape[0]
    return g


PATTERNS = [
    _ans_then_a_shape,
    _read_after_a_store,
    _shape_in_a_comprehension,
    _shape_in_a_lambda,
    _value_in_a_lambda,
    _hidden_by_a_comprehension,
    _hidden_in_a_nested_function,
    _augmented,
]


@pytest.mark.parametrize("rule", PATTERNS, ids=lambda rule: rule.__name__.strip("_"))
def test_a_rule_compiled_differently_by_each_python_reads_what_its_source_reads(rule):
    inputs = len(_code_parameters(rule.__code__)) - 2
    primitive = Primitive("pattern", np.add, *[rule] * inputs)
    parameters = set(_code_parameters(rule.__code__))
    assert primitive.reads([object()] * inputs) & parameters == parameters_read(rule)


def test_the_oracle_sees_what_each_pattern_reads():
    # written out by hand, so that the oracle itself is checked
    expected = {
        _ans_then_a_shape: {"ans", "g"},
        _read_after_a_store: {"g", "x"},
        _shape_in_a_comprehension: {"g"},
        _shape_in_a_lambda: {"g"},
        _value_in_a_lambda: {"g", "x"},
        _hidden_by_a_comprehension: {"g", "y"},
        _hidden_in_a_nested_function: {"g"},
        _augmented: {"g"},
    }
    assert {rule: parameters_read(rule) for rule in PATTERNS} == expected


square = Primitive("square", np.square, lambda g, ans, x: sum([x * g for _ in range(2)]))


def test_an_input_read_right_after_a_store_refuses_a_backward_once_written():
    # On 3.13 a comprehension's store of `_` and the load of x that follows it are one
    # instruction: x was missed, so that writing it in place went unnoticed and the gradient
    # came out of the new values (6 instead of 4)
    x = am.tensor([2.0], requires_grad=True)
    y = square(x)
    with am.no_grad():
        x += 1.0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()
