"""Hand-written backprop (autograd_mini.manual): every convention against central finite
differences and against each other. NumPy only; no number here is copied from the code."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import manual
from autograd_mini.manual import Network

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]


def make_case(sizes, activation, output_activation, loss="half_sse", batch=None, seed=0):
    """A random network, input and target; ``batch=None`` is one 1-D sample. For ReLU, redraw
    until no pre-activation is within 1e-4 of the kink, so finite differences stay smooth."""
    rng = np.random.default_rng(seed)
    while True:
        net = Network.random(sizes, activation, output_activation, rng=rng)
        shape = (sizes[0],) if batch is None else (batch, sizes[0])
        x = rng.normal(size=shape)
        out_shape = shape[:-1] + (sizes[-1],)
        if loss == "half_sse":
            target = rng.uniform(-1, 1, size=out_shape)
        else:  # probability rows
            logits = rng.normal(size=out_shape)
            target = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        zs, _ = manual.forward(net, x)
        if "relu" not in (activation, output_activation) or min(np.abs(z).min() for z in zs) > 1e-4:
            return net, x, target


def assert_layers_close(actual, expected, rel, what=""):
    """Each layer equal within ``rel`` of the largest entry over all layers (a relative error
    that does not blow up on entries that happen to be tiny)."""
    assert len(actual) == len(expected)
    scale = max(np.abs(e).max() for e in expected)
    for layer, (a, e) in enumerate(zip(actual, expected, strict=True), start=1):
        assert np.shape(a) == np.shape(e), f"{what} layer {layer}"
        np.testing.assert_allclose(
            a, e, rtol=rel, atol=rel * scale, err_msg=f"{what} layer {layer}"
        )


def relative_difference(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max())


# (sizes, hidden φ, output φ, loss, batch): depths 1–5, widths 1–32, every φ, both losses.
CASES = [
    ([3, 3, 3, 1], "sigmoid", "sigmoid", "half_sse", None),  # the chain-rule question's net
    ([4, 1], "tanh", "identity", "half_sse", 1),
    ([1, 1], "relu", "relu", "half_sse", None),
    ([2, 32, 5], "relu", "identity", "softmax_cross_entropy", 16),
    ([5, 7, 1, 6, 3, 2], "tanh", "sigmoid", "half_sse", 16),
    ([3, 8, 8, 4], "identity", "identity", "half_sse", 16),
    ([6, 4, 4, 3], "sigmoid", "identity", "softmax_cross_entropy", 1),
    ([2, 5, 4, 3, 2, 4], "relu", "tanh", "half_sse", 16),
]
CASE_IDS = ["-".join(map(str, c[0])) + f"-{c[1]}-{c[2]}-{c[3]}-b{c[4]}" for c in CASES]

random_cases = st.tuples(
    st.lists(st.integers(1, 6), min_size=2, max_size=6),  # depth 1–5
    st.sampled_from(ACTIVATIONS),
    st.sampled_from(ACTIVATIONS),
    st.sampled_from(["half_sse", "softmax_cross_entropy"]),
    st.sampled_from([None, 1, 16]),
    st.integers(0, 2**32 - 1),
)


def build(case):
    sizes, activation, output_activation, loss, batch, *seed = case
    if loss == "softmax_cross_entropy":
        output_activation = "identity"
    return make_case(sizes, activation, output_activation, loss, batch, *seed)


# ── Activations ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivatives_equal_finite_differences_of_the_activation(name):
    z = np.array([-3.0, -0.7, 0.2, 1.5, 4.0])
    numeric = (manual.activate(name, z + 1e-6) - manual.activate(name, z - 1e-6)) / 2e-6
    np.testing.assert_allclose(manual.activation_derivative(name, z), numeric, rtol=1e-8)
    output = manual.activate(name, z)
    np.testing.assert_allclose(manual.transfer_derivative(output, name), numeric, rtol=1e-8)


def test_relu_derivative_at_zero_is_zero():
    assert manual.activation_derivative("relu", np.array([0.0]))[0] == 0.0
    assert manual.transfer_derivative(np.array([0.0]), "relu")[0] == 0.0


def test_sigmoid_is_the_logistic_function_and_never_overflows():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(manual.activate("sigmoid", z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    with np.errstate(all="raise"):
        assert manual.activate("sigmoid", np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


# ── Forward pass and layout ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("batch", [None, 1, 16])
def test_forward_starts_with_the_input_and_keeps_its_layout(batch):
    net, x, _ = make_case([3, 5, 2], "tanh", "sigmoid", batch=batch)
    zs, activations = manual.forward(net, x)
    assert np.array_equal(activations[0], x)
    rows = () if batch is None else (batch,)
    assert [z.shape for z in zs] == [rows + (5,), rows + (2,)]
    assert [a.shape for a in activations] == [rows + (3,), rows + (5,), rows + (2,)]
    x_rows = np.atleast_2d(x)  # zˡ = Wˡ aˡ⁻¹ + bˡ written on rows
    np.testing.assert_allclose(np.atleast_2d(zs[0]), x_rows @ net.weights[0].T + net.biases[0])


def test_a_batch_gives_the_same_rows_as_its_samples_one_by_one():
    net, x, t = make_case([3, 4, 2], "sigmoid", "sigmoid", batch=16)
    batch = manual.backprop_matrix(net, x, t)
    for s in range(16):
        single = manual.backprop_matrix(net, x[s], t[s])
        assert_layers_close([d[s] for d in batch.deltas], single.deltas, 1e-14)


# ── Convention 1 (matrix recursion) against finite differences ───────────────────────────────


def check_matrix_recursion_against_finite_differences(net, x, target, loss):
    grads = manual.backprop_matrix(net, x, target, loss)
    numeric = manual.finite_differences(net, x, target, loss, eps=1e-6)
    assert_layers_close(grads.deltas, numeric.deltas, 1e-6, "δ")
    assert_layers_close(grads.weight_grads, numeric.weight_grads, 1e-6, "∂E/∂W")
    assert_layers_close(grads.bias_grads, numeric.bias_grads, 1e-6, "∂E/∂b")
    assert grads.loss == pytest.approx(manual.loss_value(net, x, target, loss), rel=1e-14)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_matrix_recursion_equals_finite_differences(case):
    check_matrix_recursion_against_finite_differences(*build(case), case[3])


@settings(max_examples=25, deadline=None)
@given(random_cases)
def test_matrix_recursion_equals_finite_differences_on_random_networks(case):
    check_matrix_recursion_against_finite_differences(*build(case), case[3])


def test_losses_are_the_textbook_formulas_summed_over_the_batch():
    net, x, t = make_case([3, 4, 2], "tanh", "sigmoid", batch=16)
    out = manual.forward(net, x)[1][-1]
    assert manual.loss_value(net, x, t) == pytest.approx(0.5 * np.sum((t - out) ** 2))
    net, x, t = make_case([3, 4, 3], "tanh", "identity", "softmax_cross_entropy", batch=16)
    z = manual.forward(net, x)[0][-1]
    log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert manual.loss_value(net, x, t, "softmax_cross_entropy") == pytest.approx(
        -np.sum(t * log_softmax)
    )
    delta_out = manual.backprop_matrix(net, x, t, "softmax_cross_entropy").deltas[-1]
    np.testing.assert_allclose(delta_out, np.exp(log_softmax) - t, atol=1e-14)  # softmax − T


# ── Convention 2 (per-neuron loops of the tutorial) ────────────────────────────────────────────


def check_per_neuron_against_matrix(net, x, target, loss):
    deltas = manual.backprop_matrix(net, x, target, loss).deltas
    tutorial = manual.per_neuron_deltas(net, x, target, loss)
    assert_layers_close([-d for d in tutorial], deltas, 1e-10, "−delta vs δ")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_per_neuron_loops_equal_matrix_recursion(case):
    check_per_neuron_against_matrix(*build(case), case[3])


@settings(max_examples=25, deadline=None)
@given(
    st.tuples(
        st.lists(st.integers(1, 32), min_size=2, max_size=6),
        st.sampled_from(ACTIVATIONS),
        st.sampled_from(ACTIVATIONS),
        st.sampled_from(["half_sse", "softmax_cross_entropy"]),
        st.sampled_from([None, 1, 16]),
        st.integers(0, 2**32 - 1),
    )
)
def test_per_neuron_loops_equal_matrix_recursion_on_random_networks(case):
    check_per_neuron_against_matrix(*build(case), case[3])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_per_neuron_update_equals_one_gradient_descent_step(case):
    net, x, target = build(case)
    grads = manual.backprop_matrix(net, x, target, case[3])
    descent = manual.sgd_step(net, grads.weight_grads, grads.bias_grads, lr=0.3)
    tutorial = manual.sgd_step_per_neuron(net, x, target, lr=0.3, loss=case[3])
    assert_layers_close(tutorial.weights, descent.weights, 1e-12, "W")
    assert_layers_close(tutorial.biases, descent.biases, 1e-12, "b")


def test_sgd_step_subtracts_the_scaled_gradient_and_lowers_the_loss():
    net, x, t = make_case([3, 3, 3, 1], "sigmoid", "sigmoid", batch=16)
    grads = manual.backprop_matrix(net, x, t)
    stepped = manual.sgd_step(net, grads.weight_grads, grads.bias_grads, lr=0.01)
    for w_new, w, g in zip(stepped.weights, net.weights, grads.weight_grads, strict=True):
        np.testing.assert_array_equal(w_new, w - 0.01 * g)
    assert manual.loss_value(stepped, x, t) < grads.loss


# ── Convention 3 (error first, derivative at the update: the agh.edu.pl article) ─────────────


def gradient_step_and_article_step(net, x, target, loss="half_sse", lr=0.5):
    grads = manual.backprop_matrix(net, x, target, loss)
    descent = manual.sgd_step(net, grads.weight_grads, grads.bias_grads, lr)
    return descent, manual.sgd_step_error_first(net, x, target, lr, loss)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_error_first_output_layer_update_equals_gradient_descent(case):
    descent, article = gradient_step_and_article_step(*build(case), loss=case[3])
    assert relative_difference(article.weights[-1], descent.weights[-1]) < 1e-12
    assert relative_difference(article.biases[-1], descent.biases[-1]) < 1e-12


@pytest.mark.parametrize("batch", [None, 16])
def test_error_first_equals_gradient_descent_when_all_activations_are_identity(batch):
    net, x, t = make_case([4, 6, 5, 3, 2], "identity", "identity", batch=batch)
    descent, article = gradient_step_and_article_step(net, x, t)
    assert_layers_close(article.weights, descent.weights, 1e-12, "W")
    assert_layers_close(article.biases, descent.biases, 1e-12, "b")


# Which layers does the article update correctly? Layer l is right exactly when φ′ = 1 in every
# layer above l: its error skips those derivatives. (hidden φ, output φ) → per layer l = 1..4.
WHERE_ERROR_FIRST_IS_EXACT = [
    ("sigmoid", "sigmoid", [False, False, False, True]),
    ("tanh", "sigmoid", [False, False, False, True]),
    ("identity", "sigmoid", [False, False, False, True]),  # the output's φ′ is missed below it
    ("sigmoid", "identity", [False, False, True, True]),  # the last hidden layer is right too
    ("tanh", "identity", [False, False, True, True]),
    ("identity", "identity", [True, True, True, True]),
]


@pytest.mark.parametrize("hidden, output, exact", WHERE_ERROR_FIRST_IS_EXACT)
def test_error_first_hidden_updates_differ_exactly_below_a_layer_with_nonunit_derivative(
    hidden, output, exact
):
    net, x, t = make_case([3, 4, 4, 3, 2], hidden, output, batch=16, seed=1)
    descent, article = gradient_step_and_article_step(net, x, t)
    for layer, is_exact in enumerate(exact, start=1):
        step = np.abs(descent.weights[layer - 1] - net.weights[layer - 1]).max()
        miss = np.abs(article.weights[layer - 1] - descent.weights[layer - 1]).max()
        if is_exact:
            assert miss <= 1e-12 * step, f"layer {layer} should match gradient descent"
        else:  # off by a sizeable part of the step itself, far above rounding (~1e-16)
            assert miss > 1e-2 * step, f"layer {layer} should differ: {miss} vs step {step}"


def test_error_first_errors_are_the_weight_product_without_derivatives():
    net, x, t = make_case([3, 4, 4, 3, 2], "sigmoid", "sigmoid", batch=16)
    errors = manual.error_first_errors(net, x, t)
    ds = manual.backprop_activation_grads(net, x, t)  # ∂E/∂aˡ, the true one
    out = manual.forward(net, x)[1][-1]
    for i in range(net.depth):  # eˡ = (T − Out) Wᴸ ⋯ Wˡ⁺¹ on rows, no φ′ anywhere
        product = t - out
        for w in reversed(net.weights[i + 1 :]):
            product = product @ w
        np.testing.assert_allclose(errors[i], product, atol=1e-14)
    np.testing.assert_allclose(errors[-1], -ds[-1], atol=1e-14)  # the output error is −∂E/∂aᴸ
    assert relative_difference(errors[-2], -ds[-2]) > 1e-2  # a hidden one is not


# ── Convention 4 (recursion on ∂E/∂a) ───────────────────────────────────────────────────────


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_activation_gradient_recursion_gives_delta_times_derivative(case):
    net, x, target = build(case)
    loss = case[3]
    grads = manual.backprop_matrix(net, x, target, loss)
    ds = manual.backprop_activation_grads(net, x, target, loss)
    zs, activations = manual.forward(net, x)
    for i, (d, z, name) in enumerate(zip(ds, zs, net.names, strict=True)):
        phi_prime = manual.activation_derivative(name, z)
        np.testing.assert_allclose(d * phi_prime, grads.deltas[i], rtol=1e-12, atol=1e-15)
    out, t = np.atleast_2d(activations[-1]), np.atleast_2d(target)
    grad_out = out - t if loss == "half_sse" else np.exp(out) / np.exp(out).sum(1, keepdims=1) - t
    np.testing.assert_allclose(np.atleast_2d(ds[-1]), grad_out, atol=1e-14)  # dᴸ = ∇ₐE


def test_activation_gradients_equal_finite_differences_of_the_loss_in_a():
    """dˡ = ∂E/∂aˡ checked on its own: nudge aˡ by feeding aˡ ± ε to the layers above it."""
    net, x, t = make_case([3, 5, 4, 2], "tanh", "sigmoid", batch=None)
    ds = manual.backprop_activation_grads(net, x, t)
    _, activations = manual.forward(net, x)
    for i in range(net.depth - 1):
        above = Network(net.weights[i + 1 :], net.biases[i + 1 :], "tanh", "sigmoid")
        a = activations[i + 1]
        numeric = np.array(
            [
                (manual.loss_value(above, a + e, t) - manual.loss_value(above, a - e, t)) / 2e-6
                for e in np.eye(len(a)) * 1e-6
            ]
        )
        np.testing.assert_allclose(ds[i], numeric, rtol=1e-6, atol=1e-9)


# ── Convention 5 (finite differences) ──────────────────────────────────────────────────────


@pytest.mark.parametrize("sizes, batch", [([3, 3, 3, 1], None), ([2, 5, 3], 4), ([4, 1], 16)])
def test_finite_differences_take_two_forward_passes_per_nudged_quantity(sizes, batch):
    net, x, t = make_case(sizes, "sigmoid", "sigmoid", batch=batch)
    samples = 1 if batch is None else batch
    pre_activations = samples * sum(sizes[1:])
    parameters = sum(
        n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    )
    numeric = manual.finite_differences(net, x, t)
    assert numeric.forward_passes == 2 * (pre_activations + parameters)
    assert numeric.gradient_passes == 2 * parameters  # what the gradient alone needs


# ── The chain rule written out for one weight, and the error of a series ────────────────────


@pytest.mark.parametrize("seed", range(5))
def test_chain_rule_product_equals_the_gradient_of_w_2_1_1(seed):
    net, x, t = make_case([3, 3, 3, 1], "sigmoid", "sigmoid", seed=seed)
    product = manual.chain_rule_product(net, x, t)
    assert product == pytest.approx(manual.backprop_matrix(net, x, t).weight_grads[1][0, 0])
    numeric = manual.finite_differences(net, x, t).weight_grads[1][0, 0]
    assert product == pytest.approx(numeric, rel=1e-6)


def test_chain_rule_product_rejects_other_networks():
    net, x, t = make_case([3, 3, 1], "sigmoid", "sigmoid")
    with pytest.raises(ValueError, match="sizes \\[3, 3, 1\\]"):
        manual.chain_rule_product(net, x, t)


@pytest.mark.parametrize("loss", ["half_sse", "softmax_cross_entropy"])
def test_series_total_error_and_gradient_are_sums_over_observations(loss):
    net, x, t = make_case([3, 6, 4, 3], "tanh", "identity", loss, batch=16)
    whole = manual.backprop_matrix(net, x, t, loss)
    each = manual.per_sample_gradients(net, x, t, loss)
    assert len(each) == 16
    assert whole.loss == pytest.approx(sum(g.loss for g in each), rel=1e-13)
    assert whole.loss == pytest.approx(
        sum(manual.loss_value(net, xs, ts, loss) for xs, ts in zip(x, t, strict=True))
    )
    for i in range(net.depth):
        np.testing.assert_allclose(whole.weight_grads[i], sum(g.weight_grads[i] for g in each))
        np.testing.assert_allclose(whole.bias_grads[i], sum(g.bias_grads[i] for g in each))


# ── Errors a learner can act on ────────────────────────────────────────────────────────────


def test_input_of_the_wrong_size_names_layer_and_shapes():
    net = Network.random([3, 4, 1])
    with pytest.raises(ValueError, match=r"layer 1: weights of shape \(4, 3\).*\(16, 5\)"):
        manual.backprop_matrix(net, np.zeros((16, 5)), np.zeros((16, 1)))
    with pytest.raises(ValueError, match=r"layer 1.*\(2,\)"):
        manual.forward(net, np.zeros(2))


def test_weights_that_do_not_chain_name_the_layer_and_shapes():
    w1, w2 = np.zeros((4, 3)), np.zeros((1, 5))
    with pytest.raises(ValueError, match=r"layer 2: weights of shape \(1, 5\).*size 4"):
        Network([w1, w2], [np.zeros(4), np.zeros(1)])
    with pytest.raises(ValueError, match=r"layer 1:.*biases of shape \(3,\)"):
        Network([w1], [np.zeros(3)])


def test_target_of_the_wrong_shape_is_rejected():
    net = Network.random([3, 4, 2])
    with pytest.raises(ValueError, match=r"target of shape \(3,\).*\(2,\)"):
        manual.backprop_matrix(net, np.zeros(3), np.zeros(3))


def test_unknown_activation_and_loss_are_rejected():
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        Network.random([2, 2], activation="softplus")
    with pytest.raises(ValueError, match="unknown activation 'Sigmoid'"):
        Network.random([2, 2], output_activation="Sigmoid")
    with pytest.raises(ValueError, match="unknown loss 'mse'"):
        manual.backprop_matrix(Network.random([2, 2]), np.zeros(2), np.zeros(2), loss="mse")


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "relu"])
def test_softmax_cross_entropy_needs_an_identity_output_activation(output):
    net = Network.random([2, 3], "tanh", output)
    with pytest.raises(ValueError, match=f"output_activation must be 'identity', not '{output}'"):
        manual.backprop_matrix(net, np.zeros(2), np.ones(3) / 3, "softmax_cross_entropy")


def test_worked_example_is_the_network_the_docs_compute_by_hand():
    net, x, target = manual.worked_example()
    assert net.sizes == [3, 3, 3, 1] and net.names == ["sigmoid"] * 3
    zs, _ = manual.forward(net, x)
    # z¹ by hand: 0.2·0.5 + 0.1 + 0.8 + 0.1, −0.15 − 0.5 + 0.2 − 0.1, 0.3 − 0.2 − 0.4
    assert np.allclose(zs[0], [1.1, -0.55, -0.3], rtol=0, atol=1e-15)
    assert target.shape == (1,) and x.shape == (3,)
