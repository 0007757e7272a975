"""draw(root, grads="all") shows ∂E/∂x for leaves x that do not require grad too, as
micrograd does; viz.record_all() records the ops that no gradient needs, so that they can be
drawn. Neither changes a `.grad`."""

import re

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import viz


def shown_grad(source, name):
    """The adjoint written on the box of the tensor `name`, or None."""
    label = re.search(rf"<b>{name}</b>.*", source).group(0)
    found = re.search(r"grad (.*?)</font>", label)
    if found is None:
        return None
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", found.group(1))]


def test_the_neuron_shows_do_dx_for_its_input_only_when_asked():
    x = am.tensor(2.0, name="x")  # the README's neuron: x needs no gradient
    w = am.tensor(-3.0, requires_grad=True, name="w")
    b = am.tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x * w + b).tanh()
    assert shown_grad(viz.draw(o).source, "x") is None
    shown = viz.draw(o, grads="all").source
    assert shown_grad(shown, "x") == pytest.approx([0.5 * -3.0], rel=1e-3)  # (1 − o²) w
    assert shown_grad(shown, "w") == pytest.approx([0.5 * 2.0], rel=1e-3)
    assert x.grad is None and w.grad is None
    o.backward()  # micrograd's order: backward first, then draw
    assert viz.draw(o, grads="all").source == shown
    assert x.grad is None and w.grad.item() == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match="grads must be one of 'required', 'all'"):
        viz.draw(o, grads="every")


def test_every_leafs_adjoint_equals_torchs_with_each_leaf_requiring_grad():
    rng = np.random.default_rng(0)
    a, c_, w_ = rng.uniform(0.5, 1.5, (3, 3))
    with viz.record_all():
        x = am.tensor(a, name="x")
        c = am.tensor(c_, name="c")
        w = am.tensor(w_, requires_grad=True, name="w")
        joined = am.concatenate([x * c, w]).tanh().sum()  # a rule for every input at once
        y = joined * (x @ w) + (x / c).exp().sum() + am.stack([c, x]).max()
    tx, tc, tw = (torch.tensor(v, requires_grad=True) for v in (a, c_, w_))
    ty = torch.cat([tx * tc, tw]).tanh().sum() * (tx @ tw) + (tx / tc).exp().sum()
    ty = ty + torch.stack([tc, tx]).max()
    ty.backward()
    source = viz.draw(y, grads="all", precision=12).source
    for name, expected in (("x", tx.grad), ("c", tc.grad), ("w", tw.grad)):
        assert shown_grad(source, name) == pytest.approx(expected.numpy(), rel=1e-9), name
    # backward() under the mode: the same .grad for w, none for the leaves that need none
    y.backward()
    assert np.allclose(w.grad.data, tw.grad.numpy()) and x.grad is None and c.grad is None


def test_without_record_all_an_op_on_leaves_needing_no_gradient_is_a_constant():
    w = am.tensor(-3.0, requires_grad=True, name="w")
    x = am.tensor(1.5, name="x")
    outside = x * x * w
    assert "<b>x</b>" not in viz.draw(outside, grads="all").source  # x·x was not recorded
    with viz.record_all():
        inside = x * x * w
        assert (x * 2).requires_grad  # recorded: it has a graph
    assert not (x * 2).requires_grad  # the mode ends with the block
    assert shown_grad(viz.draw(inside, grads="all").source, "x") == [2 * 1.5 * -3.0]
    inside.backward()
    assert w.grad.item() == 2.25 and x.grad is None


def test_record_all_keeps_to_its_thread():
    import threading

    seen = []
    with viz.record_all():
        thread = threading.Thread(target=lambda: seen.append((am.tensor(1.0) * 2).requires_grad))
        thread.start()
        thread.join()
    assert seen == [False]
