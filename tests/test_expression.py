"""The expression language of `autograd-mini draw`: Python's arithmetic on Tensors, nothing more."""

import ast
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import expression
from autograd_mini.expression import ExpressionError, evaluate, parse, parse_value, variables


def leaves(**values):
    return {n: am.tensor(v, requires_grad=True, name=n) for n, v in values.items()}


def test_operators_keep_pythons_precedence_and_act_on_tensors():
    v = leaves(x=2.0, y=-3.0)
    result = evaluate("-x ** 2 + x * y / 4 - (x - y) ** -1", v)
    assert isinstance(result, am.Tensor) and result.requires_grad
    assert result.item() == pytest.approx(-(2**2) + 2 * -3 / 4 - (2 + 3) ** -1)


def test_functions_and_their_keywords_are_the_engines():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    result = evaluate("sum(softmax(z, axis=-1), axis=0, keepdims=True)", leaves(z=z))
    np.testing.assert_allclose(result.data, am.softmax(am.tensor(z)).data.sum(0, keepdims=True))
    a = leaves(A=[[1.0, 2.0], [3.0, 4.0]], v=[1.0, -1.0])
    np.testing.assert_allclose(evaluate("A @ v", a).data, [-1.0, -1.0])


def test_variables_are_listed_in_order_of_appearance():
    assert variables(parse("tanh(x*w + b) + x")) == ["x", "w", "b"]
    assert variables(parse("exp(2)")) == []


def test_numpy_arithmetic_for_constants_gives_nan_and_inf_not_exceptions():
    v = leaves(x=1.0)
    assert math.isnan(evaluate("x * (-8) ** 0.5", v).item())
    assert evaluate("x / 0", v).item() == math.inf


@pytest.mark.parametrize(
    "source, construct",
    [
        ("x.T", "attribute access"),
        ("x[0:2]", "subscripts"),
        ("lambda x: x", "lambda"),
        ("[1, 2]", "list displays"),
        ("(1, 2)", "tuples"),
        ("{1: 2}", "dict displays"),
        ("{x}", "set displays"),
        ("True * x", "bool literals"),
        ("None", "NoneType literals"),
        ("1j * x", "complex literals"),
        ("b'x'", "string literals"),
        ("x // 2", "the operator FloorDiv"),
        ("x % 2", "the operator Mod"),
        ("~x", "the operator Invert"),
        ("not x", "the operator Not"),
        ("x << 1", "the operator LShift"),
        ("_private", "names starting with '_'"),
        ("__builtins__", "names starting with '_'"),
        ("exp(x, base=2)", "keyword 'base'"),
        ("sum(x, axis=(0, (1,)))", "axis= takes a number"),
        ("sum(x, axis=10**9)", "axis= takes a number"),
        ("x ** -1000", "exponent -1000 too large"),
        ("x ** (2 ** 3)", "nested powers"),
        ("1e400 * x", "number too large"),
        ("", "not a valid expression"),
        ("x +", "not a valid expression"),
        ("x\0", "not a valid expression"),
    ],
)
def test_refusals_name_the_construct(source, construct):
    with pytest.raises(ExpressionError, match=construct.replace("(", r"\(").replace("*", r"\*")):
        parse(source)


def test_a_refused_expression_is_never_evaluated(monkeypatch):
    calls = []
    monkeypatch.setitem(expression.FUNCTIONS, "exp", lambda *a: calls.append(a))
    with pytest.raises(ExpressionError):
        evaluate("exp(x) + x.__class__", leaves(x=1.0))
    assert calls == []


def test_limits_on_size_and_depth():
    parse("tanh(" * 30 + "x" + ")" * 30)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("tanh(" * 40 + "x" + ")" * 40)
    with pytest.raises(ExpressionError, match="too long"):
        parse("x" + "+x" * expression.MAX_LENGTH)
    with pytest.raises(ExpressionError, match="not a valid expression"):
        parse("(" * 300 + "x" + ")" * 300)  # the parser's own limit, turned into a clear error


def test_missing_values_are_named():
    with pytest.raises(ExpressionError, match="no value given for 'w'"):
        evaluate("x * w", leaves(x=1.0))


def test_values_are_numbers_or_rectangular_lists_read_as_literals():
    assert parse_value("-3").item() == -3.0 and parse_value("-3").dtype == np.float64
    np.testing.assert_array_equal(parse_value("[[1, 2.5], [3, 4]]"), [[1, 2.5], [3, 4]])
    assert math.isinf(parse_value("inf").item())
    for text in ["'3'", "True", "[1, None]", "{1: 2}", "__import__('os')", "x", "1+2j", "[[1], 2]"]:
        with pytest.raises(ExpressionError):
            parse_value(text)
    with pytest.raises(ExpressionError, match="too large"):
        parse_value(repr([0.0] * (expression.MAX_ELEMENTS + 1)))


# Random arithmetic from the allowed grammar evaluates as Python does on floats.
_leaf = st.sampled_from(["x", "y", "2", "0.5", "3"])
_unary = st.sampled_from(["tanh", "sigmoid", "exp", "abs", "relu"])


def _expr(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(_unary, children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c}) ** 2"),
    )


REFERENCE = {
    "tanh": math.tanh,
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
    "exp": math.exp,
    "abs": abs,
    "relu": lambda v: max(v, 0.0),
}


@settings(max_examples=60, deadline=None)
@given(st.recursive(_leaf, _expr, max_leaves=8), st.floats(-2, 2), st.floats(0.3, 2))
def test_random_expressions_evaluate_as_python_does(source, x, y):
    try:
        # the reference: Python itself, on a tree this test built (never on user input)
        expected = eval(compile(ast.parse(source, mode="eval"), "<test>", "eval"),
                        {"__builtins__": {}, **REFERENCE}, {"x": x, "y": y})  # fmt: skip
    except (ZeroDivisionError, OverflowError):
        return
    with np.errstate(all="ignore"):
        result = evaluate(source, leaves(x=x, y=y))
    assert float(result.data if isinstance(result, am.Tensor) else result) == pytest.approx(
        expected, rel=1e-9, abs=1e-12, nan_ok=True
    )


def test_a_tree_is_checked_as_its_source_would_be():
    # a syntax tree that parse() did not make: the string literal would otherwise be evaluated
    tree = ast.parse("'1.5' * x", mode="eval")
    with pytest.raises(ExpressionError):
        evaluate(tree, {"x": am.tensor(2.0)})
    assert evaluate(parse("x * 2"), {"x": am.tensor(2.0)}).item() == 4.0
