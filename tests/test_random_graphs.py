"""Hypothesis builds random expression graphs — shared nodes, broadcasting, reductions — and
their gradients must match central finite differences."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_mini as am

# Ops that are smooth and bounded enough for finite differences on any input.
UNARY = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "sin": lambda a: am.sin(a),
    "square": lambda a: a * a,
    "softplus": lambda a: a.softplus(),
    "exp_tanh": lambda a: a.tanh().exp(),
    "neg": lambda a: -a,
    "scale": lambda a: 0.5 * a + 1.0,
    "softmax": lambda a: a.softmax(axis=-1),
    "log_softmax": lambda a: a.log_softmax(axis=-1),
    "sum_keep": lambda a: a.sum(axis=-1, keepdims=True),
    "mean_keep0": lambda a: a.mean(axis=0, keepdims=True),
    "transpose_back": lambda a: a.T.T,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "maximum_smooth": lambda a, b: am.logsumexp(am.stack([a + 0 * b, b + 0 * a]), axis=0),
}
SHAPES = [(3, 4), (1, 4), (3, 1), (4,), (1, 1)]


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from(SHAPES)) for _ in range(n_inputs)]
    steps = []
    for k in range(draw(st.integers(1, 8))):
        available = n_inputs + k
        if draw(st.booleans()):
            steps.append(
                ("u", draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, available - 1)))
            )
        else:
            i, j = draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))
            steps.append(("b", draw(st.sampled_from(sorted(BINARY))), i, j))
    seed = draw(st.integers(0, 2**16))
    return shapes, steps, seed


def run(steps, inputs):
    values = list(inputs)
    for step in steps:
        if step[0] == "u":
            values.append(UNARY[step[1]](values[step[2]]))
        else:
            values.append(BINARY[step[1]](values[step[2]], values[step[3]]))
    out = values[-1]
    for v in values[len(inputs) : -1]:  # every intermediate feeds the loss: shared nodes
        out = out + 0.1 * v.sum()
    return (out * out).sum()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_match_finite_differences(program):
    shapes, steps, seed = program
    rng = np.random.default_rng(seed)
    inputs = [rng.uniform(-1.5, 1.5, shape) for shape in shapes]
    assert am.gradcheck(lambda *xs: run(steps, xs), inputs, atol=1e-5, rtol=1e-4)


@settings(max_examples=30, deadline=None)
@given(programs())
def test_gradient_is_linear_in_the_seed(program):
    """backward(gradient=c·v) = c · backward(gradient=v): the vjp is linear in its adjoint."""
    shapes, steps, seed = program
    rng = np.random.default_rng(seed)
    inputs = [rng.uniform(-1.5, 1.5, shape) for shape in shapes]
    grads = []
    for scale in (1.0, 3.0):
        xs = [am.tensor(x, requires_grad=True) for x in inputs]
        run(steps, xs).backward(gradient=np.array(scale))
        grads.append([np.zeros(x.shape) if x.grad is None else x.grad.data for x in xs])
    for g1, g3 in zip(*grads, strict=True):
        np.testing.assert_allclose(g3, 3.0 * g1, rtol=1e-12, atol=1e-12)
