"""optim: SGD, Adam and AdamW follow torch.optim's trajectory to 1e-9 from the same weights, update
in place without recording a graph, skip parameters without a gradient, and check arguments."""

import numpy as np
import pytest
import torch

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.optim as optim

X = np.random.default_rng(1).standard_normal((8, 3))
T = np.random.default_rng(2).random((8, 2))


def make_model():
    return nn.MLP(
        [3, 5, 2], activation="tanh", output_activation="sigmoid", rng=np.random.default_rng(0)
    )


def torch_twin(torch, model):
    layers = []
    for layer in model.layers:
        ref = torch.nn.Linear(layer.in_features, layer.out_features).double()
        with torch.no_grad():
            ref.weight.copy_(torch.from_numpy(layer.weight.numpy()))
            ref.bias.copy_(torch.from_numpy(layer.bias.numpy()))
        layers.append(ref)
    return torch.nn.Sequential(layers[0], torch.nn.Tanh(), layers[1], torch.nn.Sigmoid())


def trajectories(torch, ours, theirs, steps=10, **settings):
    """Train the same network for `steps` steps in both frameworks; return both weights."""
    model = make_model()
    ref = torch_twin(torch, model)
    opt = ours(model.parameters(), **settings)
    opt_ref = theirs(ref.parameters(), **settings)
    x, t = torch.from_numpy(X), torch.from_numpy(T)
    for _ in range(steps):
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()
        opt_ref.zero_grad()
        torch.nn.functional.mse_loss(ref(x), t).backward()
        opt_ref.step()
    return [p.numpy() for p in model.parameters()], [p.detach().numpy() for p in ref.parameters()]


SETTINGS = [
    ("SGD", dict(lr=0.5)),
    ("SGD", dict(lr=0.3, momentum=0.9)),
    ("SGD", dict(lr=0.3, momentum=0.9, dampening=0.5, weight_decay=0.01)),
    ("SGD", dict(lr=0.3, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
]


@pytest.mark.parametrize("name, settings", SETTINGS)
def test_trajectory_over_10_steps_equals_torch_optim_to_1e_9(name, settings):
    ours, theirs = trajectories(torch, getattr(optim, name), getattr(torch.optim, name), **settings)
    start = [p.numpy() for p in make_model().parameters()]
    assert any(not np.allclose(a, b) for a, b in zip(ours, start, strict=True))  # it moved
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


def test_parameter_groups_with_their_own_learning_rates_equal_torch():
    model = make_model()
    ref = torch_twin(torch, model)
    first, second = list(model.parameters())[:2], list(model.parameters())[2:]
    opt = optim.SGD([{"params": first}, {"params": second, "lr": 0.01}], lr=0.5, momentum=0.9)
    ref_params = list(ref.parameters())
    opt_ref = torch.optim.SGD(
        [{"params": ref_params[:2]}, {"params": ref_params[2:], "lr": 0.01}], lr=0.5, momentum=0.9
    )
    for _ in range(5):
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()
        opt_ref.zero_grad()
        torch.nn.functional.mse_loss(ref(torch.from_numpy(X)), torch.from_numpy(T)).backward()
        opt_ref.step()
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), atol=1e-12)
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[0]["momentum"] == 0.9


def test_plain_sgd_step_is_p_minus_lr_times_grad():
    w = am.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()  # grad = 2w
    optim.SGD([w], lr=0.1).step()
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda ps: optim.Adam(ps, weight_decay=0.1),
        lambda ps: optim.AdamW(ps),
    ],
)
def test_step_updates_in_place_on_the_same_objects_and_records_no_graph(make):
    model = make_model()
    params = list(model.parameters())
    arrays = [p.data for p in params]
    before = [a.copy() for a in arrays]
    opt = make(model.parameters())
    for _ in range(2):
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()
    assert all(p is q for p, q in zip(params, model.parameters(), strict=True))
    assert all(p.data is a for p, a in zip(params, arrays, strict=True))
    assert all(not np.array_equal(a, b) for a, b in zip(arrays, before, strict=True))
    assert all(p.is_leaf and p.grad_fn is None and p.requires_grad for p in params)


def test_step_skips_parameters_without_a_gradient():
    used, unused = am.tensor([1.0], requires_grad=True), am.tensor([5.0], requires_grad=True)
    opt = optim.Adam([used, unused], lr=0.1)
    (used * 3).sum().backward()
    opt.step()
    assert unused.numpy()[0] == 5.0 and used.numpy()[0] != 1.0
    assert unused not in opt.state


def test_zero_grad_sets_gradients_to_none():
    w = am.tensor([1.0], requires_grad=True)
    (w * 2).sum().backward()
    opt = optim.SGD([w], lr=0.1)
    opt.zero_grad()
    assert w.grad is None


def test_float32_parameters_stay_float32():
    model = nn.MLP([3, 2], dtype=np.float32)
    opt = optim.Adam(model.parameters(), lr=0.1)
    nn.mse_loss(model(X.astype(np.float32)), T.astype(np.float32)).backward()
    opt.step()
    assert all(p.dtype == np.float32 for p in model.parameters())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: optim.SGD(ps, lr=-0.1), "lr must be >= 0"),
        (lambda ps: optim.SGD(ps, lr=float("nan")), "lr must be >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "momentum must be >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "weight_decay must be >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
        (lambda ps: optim.Adam(ps, lr=-1), "lr must be >= 0"),
        (lambda ps: optim.Adam(ps, eps=-1), "eps must be >= 0"),
        (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), "betas"),
        (lambda ps: optim.AdamW(ps, betas=(0.9,)), "betas"),
        (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
        (lambda ps: optim.SGD([ps[0], ps[0] * 2], lr=0.1), "non-leaf"),
        (lambda ps: optim.SGD([{"params": ps}, {"params": ps[:1]}], lr=0.1), "two groups"),
    ],
)
def test_invalid_arguments_are_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make(list(make_model().parameters()))


def test_params_must_be_an_iterable_of_tensors():
    w = am.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="Tensors only"):
        optim.SGD([np.ones(2)], lr=0.1)


def test_repr_lists_the_settings():
    text = repr(optim.SGD(make_model().parameters(), lr=0.1, momentum=0.9))
    assert text.startswith("SGD (") and "lr: 0.1" in text and "momentum: 0.9" in text
