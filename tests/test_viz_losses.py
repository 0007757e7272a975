"""A loss is drawn as one box (its value, its target, what it sends back to the network), in
the functional and the module form alike; expand_losses=True draws its ops."""

import re

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import modes, nn, viz

NETWORK_OPS = ["xWᵀ+b", "ReLU", "xWᵀ+b", "σ"]  # a 2-3-1 MLP, ReLU then a sigmoid output


def ovals(source):
    """The op ovals of a drawing, in order: their DOT names are o<n>."""
    return re.findall(r"\t(o\d+) \[label=<([^<>]*)", source)


def boxes(source):
    """The module and loss boxes: {title: label}."""
    found = re.findall(r"\t(m\d+) \[label=<(.*)> shape=plain\]", source)
    return {re.search(r"<b>(.*?)</b>", label).group(1): label for _, label in found}


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def row(label, name):
    """The text of the row `name ...` of a box, up to the end of its cell."""
    return re.search(rf">{name} (.*?)</(?:font|td)>", label).group(1)


def bce_mlp(form):
    rng = np.random.default_rng(0)
    model = nn.MLP([2, 3, 1], activation="relu", output_activation="sigmoid", rng=rng)
    out = model(rng.standard_normal((4, 2)))
    target = np.array([[1.0], [0.0], [1.0], [1.0]])
    loss = (F.binary_cross_entropy if form == "function" else nn.BCELoss())(out, target)
    return out, loss, "binary_cross_entropy" if form == "function" else "BCELoss", ["BCE(p, t)"]


def ce_mlp(form):
    rng = np.random.default_rng(1)
    model = nn.MLP([2, 3, 3], activation="relu", output_activation="sigmoid", rng=rng)
    out = model(rng.standard_normal((5, 2)))
    labels = np.array([0, 2, 2, 1, 2])
    loss = (F.cross_entropy if form == "function" else nn.CrossEntropyLoss())(out, labels)
    return out, loss, "cross_entropy" if form == "function" else "CrossEntropyLoss", ["CE(softmax)"]


@pytest.mark.parametrize("make", [bce_mlp, ce_mlp], ids=["bce", "cross_entropy"])
@pytest.mark.parametrize("form", ["function", "module"])
def test_a_loss_is_one_box_by_default_and_its_ops_when_expanded(make, form):
    out, loss, title, loss_ops = make(form)
    source = viz.draw(loss).source
    assert [symbol for _, symbol in ovals(source)] == NETWORK_OPS  # no op of the loss
    assert list(boxes(source)) == [title]
    expanded = viz.draw(loss, expand_losses=True).source
    symbols = [symbol for _, symbol in ovals(expanded)]
    assert symbols[:4] == NETWORK_OPS and len(symbols) > 4
    assert all(op in symbols[4:] for op in loss_ops)
    assert boxes(expanded) == {}
    assert f"label={title} " in expanded or f'label="{title}"' in expanded  # its cluster
    # collapse="modules" leaves the loss one box too
    assert title in boxes(viz.draw(loss, collapse="modules").source)


@pytest.mark.parametrize("make", [bce_mlp, ce_mlp], ids=["bce", "cross_entropy"])
@pytest.mark.parametrize("form", ["function", "module"])
def test_the_loss_box_shows_its_value_and_the_engines_adjoint_of_the_network_output(make, form):
    out, loss, title, _ = make(form)
    label = boxes(viz.draw(loss).source)[title]
    assert numbers(row(label, "value")) == pytest.approx([loss.item()], rel=1e-3)
    sent = numbers(row(label, "sends"))
    out.retain_grad()
    loss.backward()  # the engine's adjoint of the network's output
    assert sent == pytest.approx(np.asarray(out.grad.data).ravel(), rel=1e-3, abs=1e-6)
    assert 'border="2"' in label  # the output drawn


def test_cross_entropy_box_shows_the_labels_and_bce_its_target():
    _, ce, title, _ = ce_mlp("function")
    assert "labels [0, 2, 2, 1, 2]" in boxes(viz.draw(ce).source)[title]
    _, bce, title, _ = bce_mlp("module")
    assert row(boxes(viz.draw(bce).source)[title], "target") == "[[1],<br/>[0],<br/>[1],<br/>[1]]"
    rng = np.random.default_rng(2)
    logits = am.tensor(rng.standard_normal((40, 3)), requires_grad=True, name="logits")
    batch = nn.CrossEntropyLoss()(logits, np.r_[np.zeros(30, int), np.full(10, 2)])
    assert "labels: 40, {0: 30, 2: 10}" in boxes(viz.draw(batch).source)["CrossEntropyLoss"]


def test_a_loss_inside_a_sum_shows_its_adjoint_and_two_losses_are_two_boxes():
    x = am.tensor([0.2, 0.7], requires_grad=True, name="x")
    total = 3 * nn.mse_loss(x, np.array([0.0, 1.0])) + nn.l1_loss(x, np.array([1.0, 1.0]))
    source = viz.draw(total).source
    shown = boxes(source)
    assert set(shown) == {"mse_loss", "l1_loss"}
    assert numbers(row(shown["mse_loss"], "grad")) == [3.0]  # ∂total/∂mse
    # what each sends to x, summed by the engine into x's adjoint
    mse = numbers(row(shown["mse_loss"], "sends"))
    l1 = numbers(row(shown["l1_loss"], "sends"))
    assert mse == pytest.approx(3 * 2 * (x.data - [0.0, 1.0]) / 2)
    assert l1 == pytest.approx(np.sign(x.data - 1.0) / 2)
    total.backward()
    assert np.add(mse, l1) == pytest.approx(x.grad.data)


def test_a_loss_module_held_by_a_module_is_named_by_its_path():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 1, rng=np.random.default_rng(0))
            self.criterion = nn.MSELoss()

        def forward(self, x, y):
            return self.criterion(self.fc(x), y)

    loss = Model()(np.ones((3, 2)), np.zeros((3, 1)))
    assert "criterion · MSELoss" in viz.draw(loss, cluster=False).source


def test_a_loss_call_restores_the_scope_even_when_it_refuses_its_input():
    x = am.tensor([0.5, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="binary_cross_entropy: probabilities"):
        nn.BCELoss()(x, np.array([1.0, 0.0]))
    assert modes.state.scope == ()
    # keywords reach the loss as they are
    loss = F.mse_loss(prediction=x, target=np.array([0.0, 0.0]), reduction="sum")
    assert loss.item() == pytest.approx(4.25)
    assert "target [0, 0]" in boxes(viz.draw(loss).source)["mse_loss"]


def test_the_backward_page_still_steps_through_every_op_of_a_loss(tmp_path):
    _, loss, _, _ = bce_mlp("function")
    page = viz.backward_page(loss, tmp_path / "page.html").read_text(encoding="utf-8")
    assert "BCE(p, t)" in page
