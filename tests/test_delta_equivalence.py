"""The δ-equivalence suite: for random MLPs, every correct hand-written convention in `manual`
equals the adjoints that autodiff derives on an `nn.MLP` — δˡ = ∂E/∂zˡ, ∂E/∂aˡ, ∂E/∂Wˡ,
∂E/∂bˡ — and one SGD step gives the same weights in every convention that is the same update.
The error-first scheme (the derivative only at the update) is not one of them: it is shown to
differ from gradient descent below the output layer."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import manual, nn, optim

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
LOSSES = ["half_sse", "softmax_cross_entropy"]


def setup(sizes, activation, loss, batch, seed):
    rng = np.random.default_rng(seed)
    output_activation = "identity" if loss == "softmax_cross_entropy" else activation
    net = manual.Network.random(sizes, activation, output_activation, rng=rng)
    x = rng.standard_normal((batch, sizes[0])) if batch else rng.standard_normal(sizes[0])
    out_shape = (batch, sizes[-1]) if batch else (sizes[-1],)
    if loss == "half_sse":
        target = rng.uniform(0, 1, out_shape)
    else:  # one-hot rows
        labels = rng.integers(0, sizes[-1], batch or 1)
        target = np.eye(sizes[-1])[labels].reshape(out_shape)
    return net, x, target


def autodiff(net, x, target, loss):
    """The same network as an nn.MLP; E.backward() with every zˡ and aˡ retaining its adjoint."""
    model = nn.MLP.from_arrays(net.weights, net.biases, net.activation, net.output_activation)
    out, trace = model.forward_trace(x)
    for t in trace.z + trace.a[1:]:
        t.retain_grad()
    if loss == "half_sse":
        e = nn.half_sum_squared_error(out, target)
    else:
        labels = np.argmax(np.atleast_2d(target), axis=-1)
        e = nn.cross_entropy(out.reshape(-1, out.shape[-1]), labels, reduction="sum")
    e.backward()
    return model, trace, e


def assert_close_lists(ours, theirs, rtol):
    """Equal relative to the largest entry of all layers (tiny entries are compared to it)."""
    scale = max(float(np.abs(np.asarray(a)).max()) for a in theirs) or 1.0
    for layer, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale, err_msg=f"layer {layer + 1}")


CASES = [
    ([3, 3, 3, 1], "sigmoid", "half_sse", 1),
    ([3, 3, 3, 1], "sigmoid", "half_sse", 0),  # one 1-D sample
    ([4, 32, 1], "tanh", "half_sse", 16),
    ([5, 7, 6, 4, 3, 2], "relu", "half_sse", 16),
    ([2, 1, 2], "identity", "half_sse", 16),
    ([6, 8, 8, 4], "tanh", "softmax_cross_entropy", 16),
    ([3, 5, 3], "sigmoid", "softmax_cross_entropy", 1),
    ([8, 16, 16, 16, 16, 5], "relu", "softmax_cross_entropy", 16),
]


@pytest.mark.parametrize(("sizes", "activation", "loss", "batch"), CASES)
def test_every_convention_equals_autodiff(sizes, activation, loss, batch):
    net, x, target = setup(sizes, activation, loss, batch, seed=len(sizes) + batch)
    model, trace, e = autodiff(net, x, target, loss)
    grads = manual.backprop_matrix(net, x, target, loss)
    adjoint_z = [z.grad.data for z in trace.z]
    assert grads.loss == pytest.approx(e.item(), rel=1e-12)
    # 1. the matrix recursion: δˡ is ∂E/∂zˡ
    assert_close_lists(grads.deltas, adjoint_z, 1e-10)
    assert_close_lists(
        grads.weight_grads, [layer.weight.grad.data for layer in model.layers], 1e-10
    )
    assert_close_lists(grads.bias_grads, [layer.bias.grad.data for layer in model.layers], 1e-10)
    # 2. the tutorial's per-neuron loops: its delta is −∂E/∂z
    tutorial = manual.per_neuron_deltas(net, x, target, loss)
    assert_close_lists([-d for d in tutorial], adjoint_z, 1e-10)
    # 4. the recursion on ∂E/∂a, and δˡ = dˡ ⊙ φ′(zˡ)
    d = manual.backprop_activation_grads(net, x, target, loss)
    assert_close_lists(d, [a.grad.data for a in trace.a[1:]], 1e-10)
    zs, _ = manual.forward(net, x)
    phi_prime = [manual.activation_derivative(n, z) for n, z in zip(net.names, zs, strict=True)]
    assert_close_lists([dl * p for dl, p in zip(d, phi_prime, strict=True)], adjoint_z, 1e-10)


@pytest.mark.parametrize(("sizes", "activation", "loss", "batch"), CASES[:6])
def test_finite_differences_agree_with_autodiff(sizes, activation, loss, batch):
    net, x, target = setup(sizes, activation, loss, batch, seed=7)
    model, trace, _ = autodiff(net, x, target, loss)
    fd = manual.finite_differences(net, x, target, loss)
    assert_close_lists(fd.deltas, [z.grad.data for z in trace.z], 1e-6)
    assert_close_lists(fd.weight_grads, [layer.weight.grad.data for layer in model.layers], 1e-6)


@settings(max_examples=25, deadline=None)
@given(
    depth=st.integers(1, 5),
    width=st.integers(1, 32),
    activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(LOSSES),
    batch=st.sampled_from([1, 16]),
    seed=st.integers(0, 10_000),
)
def test_random_mlps_delta_is_dE_dz(depth, width, activation, loss, batch, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 8))] + [width] * (depth - 1) + [int(rng.integers(2, 5))]
    net, x, target = setup(sizes, activation, loss, batch, seed)
    model, trace, _ = autodiff(net, x, target, loss)
    grads = manual.backprop_matrix(net, x, target, loss)
    assert_close_lists(grads.deltas, [z.grad.data for z in trace.z], 1e-10)
    assert_close_lists(
        grads.weight_grads, [layer.weight.grad.data for layer in model.layers], 1e-10
    )


@pytest.mark.parametrize("loss", LOSSES)
def test_one_sgd_step_is_the_same_update_in_every_equivalent_convention(loss):
    net, x, target = setup([4, 6, 5, 3], "sigmoid", loss, 16, seed=3)
    lr = 0.1
    model, _, _ = autodiff(net, x, target, loss)
    optim.SGD(model.parameters(), lr=lr).step()
    grads = manual.backprop_matrix(net, x, target, loss)
    by_matrix = manual.sgd_step(net, grads.weight_grads, grads.bias_grads, lr)
    by_tutorial = manual.sgd_step_per_neuron(net, x, target, lr, loss)
    for step in (by_matrix, by_tutorial):
        assert_close_lists(step.weights, [layer.weight.data for layer in model.layers], 1e-12)
        assert_close_lists(step.biases, [layer.bias.data for layer in model.layers], 1e-12)


def test_error_first_scheme_differs_from_gradient_descent_below_the_output_layer():
    net, x, target = setup([3, 4, 4, 2], "sigmoid", "half_sse", 1, seed=5)
    lr = 0.5
    model, _, _ = autodiff(net, x, target, "half_sse")
    optim.SGD(model.parameters(), lr=lr).step()
    article = manual.sgd_step_error_first(net, x, target, lr)
    true_step = [layer.weight.data for layer in model.layers]
    np.testing.assert_allclose(article.weights[-1], true_step[-1], rtol=1e-12)
    for layer in range(len(true_step) - 1):
        change = np.abs(true_step[layer] - net.weights[layer]).max()
        assert np.abs(article.weights[layer] - true_step[layer]).max() > 0.01 * change


def test_chain_rule_product_for_w_2_1_1_is_autodiffs_gradient_of_that_weight():
    net, x, target = setup([3, 3, 3, 1], "sigmoid", "half_sse", 0, seed=11)
    model, _, _ = autodiff(net, x, target, "half_sse")
    product = manual.chain_rule_product(net, x, target[0])
    assert product == pytest.approx(model.layers[1].weight.grad.data[0, 0], rel=1e-12)


def test_series_error_and_its_gradient_are_sums_over_observations():
    net, x, target = setup([2, 5, 1], "tanh", "half_sse", 16, seed=13)
    model, _, e = autodiff(net, x, target, "half_sse")
    per_observation_e = []
    per_observation_grad = np.zeros_like(model.layers[0].weight.data)
    for xi, ti in zip(x, target, strict=True):
        m, _, ei = autodiff(net, xi, ti, "half_sse")
        per_observation_e.append(ei.item())
        per_observation_grad += m.layers[0].weight.grad.data
    assert e.item() == pytest.approx(sum(per_observation_e), rel=1e-12)
    np.testing.assert_allclose(model.layers[0].weight.grad.data, per_observation_grad, rtol=1e-10)
