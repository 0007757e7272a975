"""Gradients that were silently wrong, found by suites written for other autodiff engines and by
a random comparison with PyTorch. Each test states the rule and checks PyTorch's answer; the
conformance table (tests/conformance) covers the whole class of input that hid each one."""

import threading
from fractions import Fraction

import numpy as np
import pytest
import torch
from cycles import cyclic_garbage

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.nn import functional as F


def leaf(values, dtype=np.float64):
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def torch_leaf(values, dtype=torch.float64):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


def grads(f, *values):
    """d f / d each input, by autograd_mini and by PyTorch, for the same f written once."""
    ours = [leaf(v) for v in values]
    f(am, *ours).backward()
    theirs = [torch_leaf(v) for v in values]
    f(torch, *theirs).backward()
    return [x.grad.data for x in ours], [t.grad.numpy() for t in theirs]


def assert_same(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


# --- indexing: any index part NumPy treats as advanced scatter-adds ------------------------------


@pytest.mark.parametrize(
    "index",
    [((0, 0, 2),), (slice(None), (0, 0)), ([0, 0],), (np.array([1, 1, 0]),), (Ellipsis, (1, 1))],
    ids=["tuple-in-tuple", "slice-then-tuple", "list", "int-array", "ellipsis-then-tuple"],
)
def test_repeated_positions_in_any_advanced_index_part_accumulate(index):
    x = leaf(np.arange(9.0).reshape(3, 3))
    x[index].sum().backward()
    t = torch_leaf(np.arange(9.0).reshape(3, 3))
    t[tuple(torch.as_tensor(p) if isinstance(p, np.ndarray) else p for p in index)].sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


# --- axes: negative axes mean the same as NumPy's everywhere -------------------------------------


def test_transpose_with_negative_axes_sends_back_the_transposed_adjoint():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = leaf(w)
    (x.transpose(-1, 0) * w).sum().backward()
    np.testing.assert_array_equal(x.grad.data, w.T)
    y = leaf(np.ones((2, 3, 4)))
    (y.transpose(-1, 0, -2) * np.arange(24.0).reshape(4, 2, 3)).sum().backward()
    np.testing.assert_array_equal(y.grad.data, np.arange(24.0).reshape(4, 2, 3).transpose(1, 2, 0))


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [0, -1])
def test_a_0d_tensor_accepts_axis_0_and_minus_1_as_numpy_does(op, axis):
    x = leaf(1.5)
    y = getattr(x, op)(axis=axis)
    t = torch_leaf(1.5)
    ty = {"max": lambda: t.amax(axis), "min": lambda: t.amin(axis)}.get(
        op, lambda: getattr(t, op)(axis)
    )()
    assert y.shape == () and y.item() == pytest.approx(ty.item(), rel=1e-15)
    y.backward()
    ty.backward()
    assert type(x.grad.data) is np.ndarray and x.grad.item() == t.grad.item()


# --- in-place changes: a graph never differentiates values that changed after it saved them ------


def test_backward_after_an_optimiser_step_is_refused_with_both_versions():
    w = am.tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    w.grad = np.ones(2)
    optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match=r"'multiply'.*'w'.*version 1.*version 0"):
        loss.backward()


def test_many_writes_since_the_op_are_told_as_a_bound():
    w = am.tensor([1.0, 2.0], requires_grad=True, name="w")
    with am.no_grad():
        w *= 1.0
    loss = (w * w).sum()  # saved at version 1
    with am.no_grad():
        for _ in range(40):
            w -= 0.001
    with pytest.raises(RuntimeError, match=r"at version 41, but was at version 9 or lower"):
        loss.backward()


@pytest.mark.parametrize(
    "write",
    [
        lambda c: c.__iadd__(1.0),
        lambda c: c.__setitem__(0, 5.0),
        lambda c: c.__imul__(2.0),
        lambda c: c.detach().__setitem__(0, 5.0),
    ],
    ids=["+=", "[0] =", "*=", "write through detach()"],
)
def test_a_saved_constant_written_in_place_is_refused(write):
    w = leaf([1.0, 2.0])
    c = am.tensor([3.0, 4.0])
    loss = (w * c).sum()
    write(c)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_an_intermediate_written_under_no_grad_is_refused():
    x = leaf([1.0, 2.0])
    y = x.exp()
    z = (y * 2).sum()
    with am.no_grad():
        y[0] = 0.0
    with pytest.raises(
        RuntimeError, match="the output of 'exp' was modified.*version 1.*version 0"
    ):
        z.backward()  # exp's rule reads its output; multiply's rule for x reads only the 2


def test_in_place_ops_while_recording_are_differentiated_like_pytorch():
    def f(m, x):
        h = x * 2
        h += x * x
        h *= 3
        h[0] = x[1] * 10
        return h.sum()

    assert_same(*grads(f, [1.0, 2.0, 3.0]))


def test_in_place_on_a_leaf_that_requires_grad_is_refused_outside_no_grad():
    w = leaf([1.0])
    with pytest.raises(RuntimeError, match="leaf that requires grad"):
        w += 1.0
    with am.no_grad():
        w -= 0.5
    assert w.requires_grad and w.is_leaf and w.data[0] == 0.5 and w.version == 1


def test_a_graph_recorded_after_the_write_is_fine():
    w = leaf([1.0, 2.0])
    with am.no_grad():
        w *= 2.0
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [4.0, 8.0])


# --- edge values: the rules of PyTorch at 0 and through masks ------------------------------------


def test_x_to_the_power_0_has_gradient_0_at_0():
    assert_same(*grads(lambda m, x: (x**0).sum(), [0.0, 1.0]))
    assert_same(*grads(lambda m, x: (x**x).sum(), [0.0, 0.5]))
    assert_same(*grads(lambda m, x, y: (x**y).sum(), [0.0, 0.0, 2.0], [0.0, 2.0, 0.0]))


@pytest.mark.parametrize(
    "f",
    [
        lambda m, x: m.sqrt(m.relu(x)),
        lambda m, x: m.log(m.relu(x)),
        lambda m, x: m.sqrt(m.clip(x, 0, None) if m is am else m.clamp(x, 0, None)),
        lambda m, x: m.sqrt(m.maximum(x, m.zeros_like(x))),
        lambda m, x: m.sqrt(m.minimum(-x, m.zeros_like(x)) * -1),
        lambda m, x: m.sqrt(m.where(x > 0, x, m.zeros_like(x))),
    ],
    ids=["sqrt-relu", "log-relu", "sqrt-clip", "sqrt-maximum", "sqrt-minimum", "sqrt-where"],
)
def test_a_mask_selects_the_adjoint_so_an_inf_on_the_dead_side_is_no_nan(f):
    with np.errstate(divide="ignore"):
        ours, theirs = grads(lambda m, x: f(m, x).sum(), [-1.0, 4.0])
    assert_same(ours, theirs)
    assert not np.isnan(ours[0]).any()


# --- what a gradient is: an ndarray of its input's dtype and shape -------------------------------


def test_a_0d_leaf_used_twice_gets_an_ndarray_grad():
    p = am.tensor(0.5, requires_grad=True)
    (p * p + p).backward()
    assert type(p.grad.data) is np.ndarray and np.asarray(p.grad) == 2.0


@pytest.mark.parametrize(
    "transform",
    [
        lambda x: am.grad(lambda t: (t**3).sum())(x),
        lambda x: am.jacobian(lambda t: t**3)(x),
        lambda x: am.hessian(lambda t: (t**3).sum())(x),
        lambda x: am.hvp(lambda t: (t**3).sum())(x, np.ones(2, np.float32)),
    ],
    ids=["grad", "jacobian", "hessian", "hvp"],
)
def test_transforms_keep_float32(transform):
    assert transform(np.array([1.0, 2.0], np.float32)).dtype == np.float32


def test_the_adjoint_of_a_float32_exponent_is_float32():
    x, e = leaf([2.0, 3.0], np.float32), leaf([1.5, 2.0], np.float32)
    y = x**e
    seen = []
    e.register_hook(lambda g: seen.append(g.dtype))
    y.sum().backward()
    assert seen == [np.float32] and x.grad.dtype == np.float32 and e.grad.dtype == np.float32
    assert am.grad(lambda p: (x.detach() ** p).sum())(e.detach()).dtype == np.float32


@pytest.mark.parametrize(
    "bad", [lambda g: g.sum(), lambda g: g.astype(np.float32), lambda g: g.reshape(3, 1)]
)
def test_a_hook_that_changes_the_adjoint_s_shape_or_dtype_is_refused(bad):
    x = leaf([1.0, 2.0, 3.0])
    z = x * 2
    z.register_hook(bad)
    with pytest.raises(RuntimeError, match="hook .* has changed the adjoint"):
        z.sum().backward()
    y = leaf([1.0, 2.0, 3.0])
    y.register_hook(bad)
    with pytest.raises(RuntimeError, match="has changed the adjoint"):
        (y * 2).sum().backward()


def test_retain_grad_reports_the_adjoint_after_every_hook():
    x = leaf([1.0, 2.0])
    z = x * 3
    z.retain_grad()
    z.register_hook(lambda g: g * 10)
    z.sum().backward()
    t = torch_leaf([1.0, 2.0])
    tz = t * 3
    tz.retain_grad()
    tz.register_hook(lambda g: g * 10)
    tz.sum().backward()
    np.testing.assert_array_equal(z.grad.data, tz.grad.numpy())
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


# --- cross-entropy -------------------------------------------------------------------------------


def test_cross_entropy_of_one_sample_sends_a_gradient_to_a_probability_target():
    ours, theirs = grads(
        lambda m, x, t: (F if m is am else torch.nn.functional).cross_entropy(x, t),
        [1.0, 2.0, 3.0],
        [0.2, 0.3, 0.5],
    )
    assert_same(ours, theirs)


@pytest.mark.parametrize(
    "logits, label, exact",
    [
        ([1e16, 1e16], 0, np.log(2.0)),
        ([1000.0, 977.0], 0, np.log1p(np.exp(-23.0))),
        ([1000.0, 977.0], 1, 23.0 + np.log1p(np.exp(-23.0))),
        ([-1e300, 1e300], 1, 0.0),
    ],
)
def test_cross_entropy_is_accurate_for_any_finite_logits(logits, label, exact):
    loss = F.cross_entropy(am.tensor([logits], requires_grad=True), [label])
    assert loss.item() == pytest.approx(exact, rel=1e-14, abs=1e-300)


# --- results that cannot have a gradient ---------------------------------------------------------


def test_integer_results_are_constants():
    x = leaf([1.4, 2.6])
    n = x.astype(np.int64)
    assert not n.requires_grad and n.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        n.sum().backward()


def test_an_object_dtype_result_is_refused_with_a_type_error():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="add: the result has dtype object"):
        x + Fraction(1, 3)


def test_complex_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="complex gradients are not supported"):
        am.tensor(np.array([1j]), requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        leaf([1.0]) * 1j
    assert (am.tensor(np.array([1j])) * 2).dtype == np.complex128  # without gradients: fine


# --- nested transforms ---------------------------------------------------------------------------


def test_an_inner_transform_keeps_its_dependence_on_an_outer_variable():
    # d/dx [∂/∂y (x y²)] at y = 3 = d/dx (6x) = 6
    assert am.grad(lambda x: am.grad(lambda x, y: x * y * y, 1)(x, 3.0))(1.0).item() == 6.0
    # a closure over the outer variable: d/dx [x · ∂/∂y (x y)] = d/dx x² = 2x
    assert am.grad(lambda x: x * am.grad(lambda y: x * y)(2.0))(1.0).item() == 2.0
    # no perturbation confusion: d/dx [∂/∂y (x y) at y = x] = d/dx x = 1, not 2
    assert am.grad(lambda x: am.grad(lambda y: x * y)(x))(1.0).item() == 1.0


def test_a_transform_result_at_top_level_has_no_graph():
    g = am.grad(lambda x: am.grad(lambda x, y: x * y * y, 1)(x, 3.0))(1.0)
    assert not g.requires_grad


def test_a_transform_of_a_closure_over_a_leaf_is_differentiable_by_backward():
    w = leaf(2.0)
    g = am.grad(lambda y: w * y * y)(3.0)  # 2 w y
    g.backward()
    assert g.item() == 12.0 and w.grad.item() == 6.0


def test_transforms_differentiate_inside_no_grad():
    with am.no_grad():
        assert am.grad(lambda t: t * t)(3.0).item() == 6.0


# --- modes are per thread ------------------------------------------------------------------------


def test_grad_mode_is_per_thread():
    failures = []
    entered, done = threading.Event(), threading.Event()

    def inference():
        with am.no_grad():
            entered.set()
            done.wait(5)

    def training():
        entered.wait(5)
        try:
            for _ in range(300):
                x = leaf([1.0])
                (x * 2).sum().backward()
        except RuntimeError as error:
            failures.append(error)
        finally:
            done.set()

    threads = [threading.Thread(target=inference), threading.Thread(target=training)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and am.is_grad_enabled()


def test_no_grad_blocks_in_two_threads_whose_exits_interleave_restore_grad_mode():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with am.no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b():
        a_in.wait(5)
        with am.no_grad():
            b_in.set()
            a_out.wait(5)
        results.append(am.is_grad_enabled())

    results = []
    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] and am.is_grad_enabled()


def test_anomaly_mode_is_per_thread():
    seen = []
    with am.detect_anomaly():
        thread = threading.Thread(target=lambda: seen.append(am.modes.state.anomaly))
        thread.start()
        thread.join()
    assert seen == [False]


def test_no_grad_on_a_generator_function_holds_while_it_runs():
    @am.no_grad()
    def outputs():
        for _ in range(2):
            yield am.is_grad_enabled(), (leaf([1.0]) * 2).requires_grad

    assert list(outputs()) == [(False, False), (False, False)]
    assert am.is_grad_enabled()


def test_set_grad_enabled_as_a_function_takes_effect():
    try:
        am.set_grad_enabled(False)
        assert not am.is_grad_enabled()
    finally:
        am.set_grad_enabled(True)
    assert am.is_grad_enabled()
    with am.set_grad_enabled(False):
        assert not am.is_grad_enabled()
    assert am.is_grad_enabled()

    @am.set_grad_enabled(False)
    def inside():
        return am.is_grad_enabled()

    assert am.is_grad_enabled() and inside() is False and am.is_grad_enabled()


def test_a_bare_no_grad_decorator_works():
    @am.no_grad
    def double(x):
        return x * 2

    assert not double(leaf([1.0])).requires_grad
    assert double.__name__ == "double" and am.is_grad_enabled()


def test_sgd_in_a_training_loop_still_works_with_versions():
    rng = np.random.default_rng(0)
    model = nn.MLP([2, 4, 1], activation="tanh", rng=rng)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, t = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = nn.mse_loss(model(x), t)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


# --- in-place changes write through views, and are recorded like PyTorch's ---------------------


def test_a_recorded_in_place_op_on_a_saved_constant_is_refused():
    w = leaf([1.0, 2.0])
    c = am.tensor([3.0, 4.0])
    y = (w * c).sum()
    c += w
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_an_rnn_written_with_plus_equals_on_a_constant_is_refused_as_in_pytorch():
    w = leaf([[0.5, -0.2], [0.1, 0.3]])
    h = am.ones(2)
    for _ in range(3):
        h += (w @ h).tanh()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        h.sum().backward()


def test_in_place_ops_on_views_write_through_to_the_base_and_its_graph():
    def f(m, x, w):
        h = x * 2
        v = h[0, 0:2]
        v += w[:2]  # through a basic index
        h.T[2] = w[2] * 10  # through a transpose and an index: h's column 2
        buf = m.zeros((2, 2), dtype=m.float64) if m is torch else m.zeros((2, 2))
        buf[0][1] = w[0]  # a constant buffer that becomes part of the graph
        return (h * h).sum() + (buf * buf).sum()

    assert_same(*grads(f, np.arange(6.0).reshape(2, 3), [0.5, -1.0, 2.0]))
    h = am.tensor([1.0, 2.0, 3.0]) * 2
    v = h[0:2]
    v += 10
    np.testing.assert_array_equal(h.data, [12.0, 14.0, 6.0])


def test_setitem_with_extra_leading_axes_of_length_one_has_the_value_s_gradient_shape():
    def f(m, x, v):
        h = x * 1
        h[0] = v
        return (h * m.arange(4.0, dtype=m.float64) if m is torch else h * np.arange(4.0)).sum()

    ours, theirs = grads(f, np.ones((2, 4)), np.ones((1, 4)))
    assert ours[1].shape == (1, 4)
    assert_same(ours, theirs)


def test_retain_grad_follows_the_tensor_through_an_in_place_op():
    def f(m, x):
        h = x * 2
        h.retain_grad()
        h *= 2
        out = (h * 3).sum()
        f.h = h
        return out

    ours, theirs = grads(f, [1.0, 2.0])
    assert_same(ours, theirs)
    np.testing.assert_array_equal(f.h.grad.numpy() if hasattr(f.h.grad, "numpy") else 0, [3, 3])


@pytest.mark.parametrize(
    "make, write, error",
    [
        (lambda: leaf([1.0, 2.0, 3.0]) * 1, lambda h: h.__iadd__(am.ones((2, 3))), ValueError),
        (lambda: leaf([1.0, 2.0], np.float32) * 1, lambda h: h.__imul__(leaf([2.0, 2.0])), None),
        (lambda: am.tensor(np.array([1, 2])), lambda c: c.__iadd__(leaf([0.5, 0.5])), TypeError),
        (lambda: am.tensor(np.array([1, 2])), lambda c: c.__iadd__(0.5), TypeError),
        (lambda: leaf([1.0]) * 2, lambda h: h.detach().requires_grad_().__iadd__(1), RuntimeError),
    ],
    ids=["shape-change", "float32-kept", "int-to-float", "int-to-float-no-grad", "detached-leaf"],
)
def test_an_in_place_op_keeps_shape_and_dtype_or_says_why_not(make, write, error):
    t = make()
    if error is None:
        write(t)
        assert t.dtype == np.float32
    else:
        with pytest.raises(error, match="="):
            write(t)


def test_only_what_a_rule_reads_must_be_unchanged():
    w = leaf([1.0, 2.0])
    y = (w + 1).sum()  # add's rule reads neither input, as PyTorch's
    with am.no_grad():
        w -= 0.1
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 1.0])


def test_numpy_errors_are_reraised_as_builtin_errors_naming_the_op():
    with pytest.raises(TypeError, match="add:"):
        am.tensor([1.0, 2.0]) + "a"


# --- transforms see only their own variable's paths --------------------------------------------


def test_an_inner_transform_leaves_the_outer_graph_alone():
    w = leaf([1.0, 2.0])
    h = w * 2
    h.retain_grad()
    fired = []
    h.register_hook(lambda g: fired.append("h"))
    w.register_hook(lambda g: fired.append("w"))
    with am.no_grad():
        g = am.grad(lambda x: (h * x).sum())(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g.data, h.data)
    assert fired == [] and h.grad is None  # no hook, no retain_grad of the outer graph
    h.sum().backward()  # the outer graph was neither released nor checked
    np.testing.assert_array_equal(w.grad.data, [2.0, 2.0])
    assert am.grad(lambda x: (h * x).sum())(np.array([3.0, 4.0])).shape == (2,)  # released h


def test_second_derivatives_of_a_power_at_0_are_pytorch_s():
    # a number exponent: PyTorch's rule gives zeros for y = 0 outright, so all is finite
    assert am.hessian(lambda t: t**0 + t + t**2 + t**3)(0.0).item() == 2.0
    # a tensor exponent: the same double backward as PyTorch's, NaN where it has NaN
    x = am.tensor([0.0, 0.5, 1e300], requires_grad=True)
    y = am.tensor([2.0, 1e300, -1e300], requires_grad=True)
    tx, ty = torch_leaf([0.0, 0.5, 1e300]), torch_leaf([2.0, 1e300, -1e300])
    np_errors = np.seterr(invalid="ignore")  # NumPy's 0·inf, as torch's silent NaN
    ours = am.engine.gradients((x**y).sum(), [x, y], create_graph=True)
    theirs = torch.autograd.grad((tx**ty).sum(), [tx, ty], create_graph=True)
    ours2 = am.engine.gradients(ours[0].sum() + ours[1].sum(), [x, y])
    np.seterr(**np_errors)
    theirs2 = torch.autograd.grad(theirs[0].sum() + theirs[1].sum(), [tx, ty])
    for a, b in zip(ours2, theirs2, strict=True):
        np.testing.assert_array_equal(a.data, b.numpy())


def test_hvp_is_differentiable_in_v():
    f = lambda t: (t**3).sum()  # noqa: E731
    x0, v0 = np.array([1.0, 2.0]), np.array([1.0, 0.5])
    np.testing.assert_array_equal(
        am.jacobian(lambda v: am.hvp(f)(x0, v))(v0).data, np.diag([6.0, 12.0])
    )


def test_a_grad_of_another_dtype_is_refused():
    x = am.tensor(np.ones(2, np.float32), requires_grad=True)
    with pytest.raises(ValueError, match="float64 gradient"):
        x.grad = am.tensor(np.zeros(2))
    x.grad = [1.0, 2.0]  # a list takes the tensor's dtype
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("axis", [None, -1, 0])
def test_concatenate_takes_none_and_negative_axes(axis):
    ours, theirs = grads(
        lambda m, x, y: (m.cat([x.reshape(-1), y.reshape(-1)]) if m is torch and axis is None
                         else m.cat([x, y], dim=axis) if m is torch
                         else m.concatenate([x, y], axis=axis)).pow(2).sum() if m is torch
        else (m.concatenate([x, y], axis=axis) ** 2).sum(),
        np.arange(6.0).reshape(2, 3), np.ones((2, 3)),
    )  # fmt: skip
    assert_same(ours, theirs)


def test_clip_bounds_that_require_grad_get_their_adjoint():
    ours, theirs = grads(
        lambda m, x, lo, hi: (x.clip(lo, hi) if m is am else x.clamp(lo, hi)).sum(),
        [-2.0, 0.5, 3.0],
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 1.0],
    )
    assert_same(ours, theirs)


# --- views after in-place changes; bounds that are tensors; .grad of create_graph --------------


def test_a_view_taken_before_its_base_changed_follows_the_base_s_graph():
    def f(m, x, w):
        y = x * 1
        v = y[:]
        y *= w
        return v.sum()

    assert_same(*grads(f, [1.0, 2.0], [3.0, 4.0]))


def test_a_view_made_under_no_grad_then_written_keeps_its_base_s_gradient():
    x, w = leaf([1.0, 2.0]), leaf(3.0)
    y = x * 1
    with am.no_grad():
        v = y[0:1]
    v *= w
    y.sum().backward()  # y = [x0 w, x1]; PyTorch refuses this program
    np.testing.assert_array_equal(x.grad.data, [3.0, 1.0])
    assert w.grad.item() == 1.0


@pytest.mark.parametrize(
    "program",
    [
        lambda m, x, w: _divide_a_row(m, x, w),
        lambda m, x, w: _scale_an_element(x, w),
        lambda m, x, w: _divide_a_view(x, w),
    ],
    ids=["ones[1] /= w", "y[1] *= w[0]", "view /= w"],
)
def test_in_place_idioms_on_views_are_differentiated_as_pytorch_s(program):
    assert_same(*grads(lambda m, x, w: program(m, x, w).sum(), [1.0, 2.0, 3.0], [1.0, 2.0, 4.0]))


def _divide_a_row(m, x, w):
    y = m.ones((2, 3), dtype=m.float64) if m is torch else m.ones((2, 3))
    y[1] /= w
    return y + x * 0


def _scale_an_element(x, w):
    y = x * 1
    y[1] *= w[0]
    return y


def _divide_a_view(x, w):
    y = x * 1
    v = y[0:2]
    v /= w[:2]
    return y


def test_writing_into_a_constant_buffer_makes_no_cycle_and_no_grad_on_it():
    def once():
        buf = am.zeros(3)
        x = leaf([1.0, 2.0, 3.0])
        buf[0] = x[0] * 2
        (buf * buf).sum().backward()
        assert buf.grad is None and x.grad.data.tolist() == [8.0, 0.0, 0.0]
        assert all(i is not buf for i in buf.grad_fn.inputs)

    assert cyclic_garbage(once) == []


@pytest.mark.parametrize(
    "z, lo, hi",
    [([0.0, 1.5, 3.0], 2.0, 1.0), ([0.0, 1.0, 2.0, 3.0], 1.0, 2.0), ([-1.0, 1.0, 1.0], 1.0, 1.0)],
    ids=["min-above-max", "ordinary", "ties"],
)
def test_clip_with_tensor_bounds_is_pytorch_s_clamp(z, lo, hi):
    assert_same(
        *grads(
            lambda m, z, lo, hi: (z.clip(lo, hi) if m is am else z.clamp(lo, hi)).sum(), z, lo, hi
        )
    )
    out = am.tensor(z).clip(leaf(np.nan), hi)
    assert np.isnan(out.data).all()


def test_create_graph_grads_are_tensors_of_their_own():
    a, b = leaf(1.0), leaf(1.0)
    (a + b).backward(create_graph=True)
    assert a.grad is not b.grad
    (a * 3).backward()
    assert a.grad.item() == 4.0 and b.grad.item() == 1.0
    x, v = leaf([1.0, 2.0]), am.tensor([1.0, 1.0])
    (x + 0).backward(gradient=v, create_graph=True)
    (x * 1).sum().backward()
    np.testing.assert_array_equal(v.data, [1.0, 1.0])
