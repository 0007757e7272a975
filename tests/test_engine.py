"""The engine's rules: how adjoints accumulate, when graphs are kept or released, hooks, modes."""

import gc
import threading
import weakref

import numpy as np
import pytest
from cycles import cyclic_garbage

import autograd_mini as am
from autograd_mini import engine, primitive


def leaf(values):
    return am.tensor(values, requires_grad=True)


# --- accumulation -------------------------------------------------------------------------------


def test_reused_node_sums_adjoints():
    a = leaf(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_value_used_by_several_ops_gets_the_sum_of_their_adjoints():
    x = leaf(0.7)
    y = x * x.tanh() + x.exp()  # d/dx = tanh + x (1 - tanh²) + exp
    y.backward()
    t = np.tanh(0.7)
    assert x.grad.item() == pytest.approx(t + 0.7 * (1 - t**2) + np.exp(0.7), rel=1e-12)


def test_leaf_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 + 2 * np.array([1.0, 2.0]))


def test_grad_is_none_before_backward_and_resets_with_none_or_zero_grad():
    x = leaf([1.0, 2.0])
    assert x.grad is None
    (x * 2).sum().backward()
    x.grad = None
    (x * 5).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])
    x.zero_grad()
    assert x.grad is None


def test_grad_is_a_tensor_that_numpy_can_read():
    x = leaf([[1.0, 2.0]])
    (x * x).sum().backward()
    assert isinstance(x.grad, am.Tensor)
    np.testing.assert_allclose(np.asarray(x.grad), [[2.0, 4.0]])


def test_gradient_of_one_leaf_is_not_shared_with_another():
    # add's rule hands the same adjoint to both inputs; each leaf must own its .grad
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.data += 100
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_adjoint_seen_by_a_hook_is_not_changed_by_later_accumulation():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(seen[0].data, [3.0, 3.0])
    np.testing.assert_allclose(x.grad.data, [6.0, 6.0])


def test_non_leaf_keeps_grad_only_after_retain_grad():
    x = leaf([1.0, -2.0])
    z = x * 3
    h = x * 2
    z.retain_grad()
    y = (z**2 + h).sum()
    y.backward()
    np.testing.assert_allclose(z.grad.data, 2 * z.data)
    assert h.grad is None
    np.testing.assert_allclose(x.grad.data, 6 * z.data + 2)


def test_backward_of_non_scalar_needs_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="single-element output"):
        y.backward()
    y.backward(gradient=np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_gradient_of_the_wrong_shape_is_refused():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\).*\(2,\)"):
        y.backward(gradient=np.ones(3))


def test_backward_on_a_leaf_accumulates_the_seed():
    x = leaf(2.0)
    x.backward()
    assert x.grad.item() == 1.0


def test_backward_without_any_grad_requirement_is_explained():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (am.tensor([1.0]) * 2).sum().backward()


# --- graph lifetime -----------------------------------------------------------------------------


def test_second_backward_needs_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x.tanh() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_that_accumulates():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * 2 * x.data)


def test_saved_values_are_released_after_backward():
    x = leaf(np.ones(10 * am.engine.KEPT_AFTER_BACKWARD))
    h = x * 2
    released = weakref.ref(h.data)
    dropped = weakref.ref(h)
    y = h.exp().sum()
    del h
    assert dropped() is None  # the graph keeps no intermediate Tensor object...
    assert released() is not None  # ...but its array, for exp's vjp
    y.backward()
    assert released() is None
    assert y.grad_fn.released


def test_backward_frees_the_constants_and_gradient_free_leaves_a_kept_graph_held():
    n = 10 * am.engine.KEPT_AFTER_BACKWARD
    x = leaf(np.ones(n))
    c, data = np.full(n, 2.0), am.tensor(np.full(n, 3.0))
    constant, other_leaf = weakref.ref(c), weakref.ref(data)
    y = (x * c * data).sum()
    del c, data
    assert constant() is not None and other_leaf() is not None  # the vjps need them
    y.backward()  # y (and so its graph's structure) is still held
    assert constant() is None and other_leaf() is None
    np.testing.assert_array_equal(x.grad.data, np.full(n, 6.0))


def test_a_small_graph_keeps_its_values_after_backward_but_refuses_a_second_pass():
    x = leaf(np.ones(4))
    h = x * 2
    kept = weakref.ref(h.data)
    y = h.exp().sum()
    del h
    y.backward()
    assert kept() is not None  # for a drawing after backward(): 4 elements stay
    assert y.grad_fn.released
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_released_graph_keeps_its_structure():
    x = leaf([1.0])
    y = (x * 2).tanh().sum()
    y.backward()
    node = y.grad_fn
    names = []
    while isinstance(node, am.engine.Node):
        names.append(node.primitive.name)
        node = node.parents[0]
    assert names == ["sum", "tanh", "multiply"]
    assert node is x


def test_dropped_graph_leaves_nothing_for_the_cyclic_collector():
    def once():
        x = leaf(np.random.default_rng(0).standard_normal((4, 3)))
        w = leaf(np.ones((3, 2)))
        z = x @ w
        z.retain_grad()
        z.register_hook(lambda g: g * 1.0)
        loss = (z.tanh() ** 2).mean() + z.softmax().log_softmax().sum()
        loss.backward()

    assert cyclic_garbage(once) == []


def test_views_and_in_place_ops_leave_nothing_for_the_cyclic_collector():
    def train_once():
        x = leaf(np.arange(6.0).reshape(2, 3))
        w = leaf([1.0, 2.0])
        h = x * 2
        v = h[0, 0:2]
        v += w
        h.T[2] = w[0]
        d = h.detach()
        with am.no_grad():
            d[1, 1] = 0.0
        inner = am.grad(lambda t: (t * h).sum())(np.ones((2, 3)))
        ((h.reshape(-1) * 3).sum() + inner.sum()).backward()

    assert cyclic_garbage(train_once) == []


def test_a_live_graph_costs_the_cyclic_collector_one_object_per_op():
    # each object that holds references is traversed by every full collection while it lives
    gc.collect()
    before = len(gc.get_objects())
    x = leaf(0.5)
    y = x
    for _ in range(1000):
        y = y * 1.0001
    assert len(gc.get_objects()) - before <= 1000 + 10  # the nodes, x and y


def test_backward_through_a_branch_whose_shared_node_was_released_asks_for_retain_graph():
    x = leaf([1.0, 2.0])
    h = x.exp()
    first, second = h.sum(), (h * 2).sum()
    first.backward()
    with pytest.raises(RuntimeError, match="'exp'.*retain_graph=True"):
        second.backward()


def test_graph_is_freed_by_reference_counting_as_soon_as_it_is_dropped():
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        h = x.exp()
        saved = weakref.ref(h.data)
        y = (h * 2).sum()
        del h
        y.backward(retain_graph=True)  # keeps the saved values alive until the graph is dropped
        assert saved() is not None
        del y
        assert saved() is None
    finally:
        gc.enable()


def test_million_op_chain_backpropagates_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0000001**1_000_000, rel=1e-9)


# --- modes --------------------------------------------------------------------------------------


def test_no_grad_records_nothing():
    x = leaf([1.0, 2.0])
    with am.no_grad():
        y = x * 2
    assert y.is_leaf and not y.requires_grad
    assert am.is_grad_enabled()


def test_no_grad_as_decorator():
    @am.no_grad()
    def double(t):
        return t * 2

    assert double(leaf([1.0])).grad_fn is None


def test_a_decorated_function_restores_the_mode_on_error_and_per_thread():
    @am.no_grad()
    def fails():
        raise KeyError("inside")

    @am.enable_grad()
    def records(t):
        return fails_then(t)

    def fails_then(t):
        try:
            fails()
        except KeyError:
            pass
        return am.is_grad_enabled(), (t * 2).requires_grad

    with am.no_grad():  # enable_grad inside no_grad, no_grad inside that, which raises
        assert records(leaf([1.0])) == (True, True)
        assert not am.is_grad_enabled()
    assert am.is_grad_enabled()

    started, release, seen = threading.Event(), threading.Event(), []

    @am.no_grad()
    def waits():
        started.set()
        release.wait(5)
        return am.is_grad_enabled()

    thread = threading.Thread(target=lambda: seen.append(waits()))
    thread.start()
    started.wait(5)
    assert am.is_grad_enabled()  # the other thread's no_grad() is its own
    release.set()
    thread.join()
    assert seen == [False]


def test_enable_grad_inside_no_grad():
    x = leaf([1.0])
    with am.no_grad(), am.enable_grad():
        y = x * 2
    assert y.grad_fn is not None


def test_detach_cuts_the_graph_and_shares_the_data():
    x = leaf([1.0, 2.0])
    d = (x * 2).detach()
    assert d.is_leaf and not d.requires_grad
    y = (x * d).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, d.data)


def test_is_leaf_and_requires_grad():
    x = leaf([1.0])
    c = am.tensor([1.0])
    y = x * c
    assert x.is_leaf and c.is_leaf and not y.is_leaf
    assert y.requires_grad and not (c * 2).requires_grad


def test_requires_grad_is_only_for_floats_and_leaves():
    with pytest.raises(TypeError, match="floating-point"):
        am.tensor(np.array([1, 2]), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        (leaf([1.0]) * 2).requires_grad = False


def test_anomaly_mode_names_the_op_that_produced_nan():
    x = leaf([0.0, 1.0])
    y = x.sqrt().sum()
    with am.detect_anomaly(), pytest.raises(RuntimeError, match="'sqrt'"):
        with pytest.warns(RuntimeWarning, match="divide by zero"):  # NumPy's, at 1/√0
            y.backward()


def test_op_without_a_derivative_rule_is_named():
    cond = leaf([1.0, 0.0])  # a float condition that requires grad: where has no rule for it
    y = am.ops.where(cond, leaf([1.0, 2.0]), 0.0).sum()
    with pytest.raises(TypeError, match="where: no derivative rule for input 0"):
        y.backward()


# --- hooks --------------------------------------------------------------------------------------


def test_hook_sees_the_adjoint_and_can_replace_it():
    x = leaf([1.0, 2.0])
    z = x * 3
    seen = []
    z.register_hook(lambda g: seen.append(g.data.copy()))
    z.register_hook(lambda g: g * 10)
    (z * z).sum().backward()
    np.testing.assert_allclose(seen[0], 2 * z.data)
    np.testing.assert_allclose(x.grad.data, 10 * 2 * z.data * 3)


def test_leaf_hook_runs_once_on_the_total_adjoint():
    x = leaf(2.0)
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    (x * x + x).backward()
    assert calls == [2 * 2.0 + 1]


# --- higher order -------------------------------------------------------------------------------


def test_create_graph_gives_differentiable_gradients():
    x = leaf(1.5)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad
    assert g.item() == pytest.approx(3 * 1.5**2)
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(6 * 1.5)


def test_second_derivative_through_ops_that_use_their_output():
    # tanh's rule uses ans; with create_graph it must still depend on x
    second = am.grad(am.grad(lambda t: t.tanh()))(0.3)
    t = np.tanh(0.3)
    assert second.item() == pytest.approx(-2 * t * (1 - t**2), rel=1e-12)


def test_gradients_with_respect_to_op_outputs_equal_torchs():
    import torch

    def graph(m, x):
        h = (x * 3.0).tanh()  # an input of gradients() behind another one (z), used twice
        z = h * h + h.exp()
        out = (z * x).sum()
        return out, [z, h, x, out, x * 2.0]  # the last: not on a path to out

    x = leaf([0.3, -0.8, 1.1])
    tx = torch.tensor(x.numpy(), requires_grad=True)
    out, inputs = graph(am, x)
    tout, tinputs = graph(torch, tx)
    ours = engine.gradients(out, inputs, create_graph=True)
    theirs = torch.autograd.grad(tout, tinputs, create_graph=True, allow_unused=True)
    for i, (a, t) in enumerate(zip(ours, theirs, strict=True)):
        expected = np.zeros(3) if t is None else t.detach().numpy()  # ours: zeros for unused
        np.testing.assert_allclose(a.numpy(), expected, rtol=1e-13, err_msg=f"input {i}")
    # and they are differentiable: d/dx of Σ ∂out/∂h
    (second,) = engine.gradients(ours[1].sum(), [x])
    (tsecond,) = torch.autograd.grad(theirs[1].sum(), [tx])
    np.testing.assert_allclose(second.numpy(), tsecond.numpy(), rtol=1e-12)


# --- dtypes -------------------------------------------------------------------------------------


def test_float32_stays_float32_through_forward_and_backward():
    x = am.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    w = am.tensor(np.ones((3, 1), np.float32), requires_grad=True)
    y = ((x @ w).tanh() * 2.5 + 1).sigmoid().mean()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_python_numbers_and_lists_become_float64():
    assert am.tensor([1, 2]).dtype == np.float64
    assert am.tensor(3).dtype == np.float64
    assert am.tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32


def test_ops_on_zero_dimensional_tensors_give_arrays_not_numpy_scalars():
    # NumPy's ufuncs return scalars for 0-d inputs; a tensor's data stays an ndarray
    x = am.tensor(0.5, requires_grad=True)
    outputs = [x * 2.0, x.tanh(), -x, x + x, (x * 2.0).sum(), am.where(x > 0, x, 0.0)]
    for y in outputs:
        assert type(y.data) is np.ndarray and y.shape == ()
    with am.no_grad():
        assert type((x * 2.0).data) is np.ndarray
    outputs[0].backward()
    assert type(x.grad.data) is np.ndarray and x.grad.item() == 2.0


def test_a_ufunc_primitive_gives_arrays_with_and_without_numpy_s_out_ellipsis(monkeypatch):
    from autograd_mini import primitive

    # before NumPy 2.3 ufuncs know no `out=...`: only the fallback path can run there
    for supported in {primitive._UFUNC_OUT_ELLIPSIS, False}:
        monkeypatch.setattr(primitive, "_UFUNC_OUT_ELLIPSIS", supported)
        double = primitive.Primitive("double", np.multiply, lambda g, ans, x, y: g * y)
        assert double.returns_array is supported
        y = double(am.tensor(0.5, requires_grad=True), 2.0)
        assert type(y.data) is np.ndarray and y.item() == 1.0


def test_register_hook_returns_a_handle_that_removes_it_as_torch():
    import torch

    for make in (lambda m, x: x, lambda m, x: x * 2):  # a leaf's hook, an op output's hook
        results = []
        for m in (am, torch):
            x = m.tensor([1.0, 2.0], requires_grad=True)
            y = make(m, x)
            keep = y.register_hook(lambda g: g * 3)
            gone = y.register_hook(lambda g: g * 10)
            twice = y.register_hook(lambda g: g * 3)  # the same effect twice: one removal each
            gone.remove()
            gone.remove()  # a second remove() does nothing
            twice.remove()
            (y * y).sum().backward(retain_graph=True)
            first = np.array(x.grad.tolist())
            keep.remove()
            x.grad = None
            (y * y).sum().backward()
            results.append((first, np.array(x.grad.tolist())))
        (ours_first, ours_after), (torch_first, torch_after) = results
        np.testing.assert_allclose(ours_first, torch_first)
        np.testing.assert_allclose(ours_after, torch_after)
        assert not np.allclose(ours_first, ours_after)


def test_register_hook_refuses_what_is_not_a_function():
    x = am.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="register_hook: expected a function"):
        x.register_hook(3)


def test_clone_copies_memory_and_passes_the_adjoint_as_torch():
    import torch

    data = np.array([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32)
    x, t = am.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    c, u = x.clone(), t.clone()
    assert c.dtype == np.float32 and not np.shares_memory(c.data, x.data)
    c += 1  # writes the copy only
    u += 1
    np.testing.assert_array_equal(x.numpy(), data)
    (c * c).sum().backward()
    (u * u).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(am.clone([1.0, 2.0]).numpy(), [1.0, 2.0])


def test_a_hook_handle_removes_its_own_registration_and_holds_the_graph_weakly():
    import torch

    def double(g):
        return g * 2

    def plus_one(g):
        return g + 1

    grads = []
    for m in (am, torch):
        x = m.tensor(1.0, requires_grad=True)
        y = x * 1
        y.register_hook(double)
        y.register_hook(plus_one)
        y.register_hook(double).remove()  # the third registration, not the first
        y.backward()
        grads.append(float(x.grad))
    assert grads[0] == grads[1] == 3.0  # (1·2)+1: the order kept
    x = am.tensor(np.ones(3), requires_grad=True)
    y = (x * 2).exp()
    node = weakref.ref(y.grad_fn)
    handle = y.register_hook(double)
    del y
    gc.collect()
    assert node() is None  # a kept handle does not keep the graph alive
    handle.remove()  # and removing after the graph is gone is a no-op
    z = x * 1
    with z.register_hook(double):  # a context manager, as torch's handle
        pass
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(3))


def test_modulo_and_floor_division_in_place_write_through_views():
    a = am.tensor([1.5, 2.5, 3.5])
    v = a[:2]
    v %= 1.0
    np.testing.assert_array_equal(a.numpy(), [0.5, 0.5, 3.5])
    v = a[1:]
    v //= 0.5
    np.testing.assert_array_equal(a.numpy(), [0.5, 1.0, 7.0])


def test_writing_a_value_that_requires_grad_into_an_integer_tensor_keeps_it_a_constant():
    # NumPy's values (torch refuses: "Autograd not support dtype: Long"); no graph either way
    t = am.tensor(np.array([1, 2]))
    t.fill_(am.tensor(2.5, requires_grad=True))
    t[0] = am.tensor(7.5, requires_grad=True)
    expected = np.array([1, 2])
    expected[...] = 2.5
    expected[0] = 7.5
    np.testing.assert_array_equal(t.numpy(), expected)
    assert t.dtype == np.int64 and not t.requires_grad and t.grad_fn is None


def test_what_a_rule_reads_is_worked_out_alike_on_every_python():
    # Python 3.13 loads two names in one instruction (LOAD_FAST_LOAD_FAST): `ans` in
    # logsumexp's rule was dropped with the `x` whose shape was read next, so an in-place write
    # to its output went unnoticed and its second derivative was wrong
    assert {"ans", "x"} <= am.ops.logsumexp.reads([1])
    assert {"ans", "x"} <= am.ops.max.reads([1])
    assert "g" in am.ops.sum.reads([1])
    y = am.logsumexp(leaf([1.0, 2.0, 3.0]))
    with am.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


# --- a drawing's pass (engine.Watch) ------------------------------------------------------------


def counting_mul():
    """x * y as a primitive whose rule for each input counts its calls."""
    calls = [0, 0]

    def rule_x(g, ans, x, y):
        calls[0] += 1
        return g * y

    def rule_y(g, ans, x, y):
        calls[1] += 1
        return g * x

    return primitive.Primitive("counted_mul", np.multiply, rule_x, rule_y, broadcasts=True), calls


def test_only_a_watched_pass_asked_for_every_leaf_sends_to_a_leaf_needing_no_gradient():
    mul, calls = counting_mul()
    w = leaf([1.0, -2.0, 0.5])
    x = am.tensor([[3.0, 4.0, 5.0], [0.5, 0.25, 2.0]])  # a float leaf that needs no gradient
    y = mul(w, x).tanh().sum()
    (dw,) = engine.gradients(y, [w], retain_graph=True)
    assert calls == [1, 0]  # y's rule for x never ran
    y.backward(retain_graph=True)
    assert calls == [2, 0] and x.grad is None
    np.testing.assert_array_equal(w.grad.numpy(), dw.numpy())
    drawn = engine.backpropagate(y, watch=engine.Watch())  # a drawing of required grads only
    assert calls == [3, 0] and id(x) not in drawn
    drawn = engine.backpropagate(y, watch=engine.Watch(every_leaf=True))
    assert calls == [4, 1] and id(x) in drawn
    assert x.grad is None and not x.requires_grad  # the watched pass wrote nothing
    np.testing.assert_array_equal(w.grad.numpy(), dw.numpy())
    y.backward()  # and a backward() after it still sends x nothing
    assert calls == [5, 1] and x.grad is None


def test_a_watched_pass_gives_each_leaf_needing_no_gradient_torchs_gradient():
    import torch

    rng = np.random.default_rng(3)
    values = {
        "w": rng.uniform(-1, 1, (2, 3)),
        "row": rng.uniform(0.5, 1.5, (3,)),  # broadcast over w's rows
        "twice": rng.uniform(0.5, 1.5, (2, 3)),  # used by two ops: the sum of their terms
        "single": rng.uniform(0.5, 1.5, (2, 3)).astype(np.float32),
        "scalar": np.array(0.7),  # 0-d, broadcast everywhere
    }

    def f(m, t):
        cat = torch.cat if m is torch else am.concatenate  # one rule for all of its inputs
        y = (cat([t["w"] * t["row"], t["twice"]]).tanh() * t["scalar"]).sum()
        y = y + (t["twice"] / t["row"]).exp().sum()  # no input requires grad: record_all
        return y + (t["single"] * t["w"]).sum() + (t["w"] @ t["row"]).max()

    ours = {k: am.tensor(v, requires_grad=k == "w") for k, v in values.items()}
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in values.items()}
    f(torch, theirs).backward()
    with am.viz.record_all():
        y = f(am, ours)
    totals = engine.backpropagate(y, watch=engine.Watch(every_leaf=True))
    for k, tensor in ours.items():
        got = totals[id(tensor)].adjoint
        assert got.dtype == values[k].dtype and got.shape == values[k].shape, k
        tol = 1e-6 if values[k].dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, theirs[k].grad.numpy(), rtol=tol, atol=tol, err_msg=k)
        assert tensor.grad is None


def test_a_watched_pass_sends_nothing_to_an_input_without_a_rule_or_of_integers():
    first = primitive.Primitive("first", lambda x, y: x + 0 * y, lambda g, ans, x, y: g)
    w = leaf([1.0, 2.0])
    c = am.tensor([3.0, 4.0])  # a float leaf, but `first` has no derivative for it
    k = am.tensor([1, 2], dtype=np.int64)  # integers: no adjoint
    y = (first(w, c) * k).sum()
    totals = engine.backpropagate(y, watch=engine.Watch(every_leaf=True))
    assert id(c) not in totals and id(k) not in totals
    np.testing.assert_array_equal(totals[id(w)].adjoint, [1.0, 2.0])
