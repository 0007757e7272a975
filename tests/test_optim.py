"""optim: SGD, Adam and AdamW follow torch.optim's trajectory to 1e-10 from the same weights, update
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
    train_side_by_side(torch, model, ref, opt, opt_ref, steps)
    return [p.numpy() for p in model.parameters()], [p.detach().numpy() for p in ref.parameters()]


def train_side_by_side(torch, model, ref, opt, opt_ref, steps):
    """`steps` steps of MSE on X, T: autograd_mini's model and optimiser, then torch's."""
    x, t = torch.from_numpy(X), torch.from_numpy(T)
    for _ in range(steps):
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()
        opt_ref.zero_grad()
        torch.nn.functional.mse_loss(ref(x), t).backward()
        opt_ref.step()


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
def test_trajectory_over_10_steps_equals_torch_optim_to_1e_10(name, settings):
    ours, theirs = trajectories(torch, getattr(optim, name), getattr(torch.optim, name), **settings)
    start = [p.numpy() for p in make_model().parameters()]
    assert any(not np.allclose(a, b) for a, b in zip(ours, start, strict=True))  # it moved
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


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


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_sgd_on_parameters_larger_than_a_block_is_the_formula_bit_for_bit(layout):
    # a large parameter is updated block by block (no temporary of its size): the blocks must
    # cover every element once, the last partial block and other layouts included, and give
    # exactly p − lr · b with b ← momentum · b + (1 − dampening) · g, written out in NumPy
    rng = np.random.default_rng(3)
    start = rng.standard_normal((211, 397))  # 83,767 elements: two blocks and a partial one
    start = start if layout == "contiguous" else start.T
    w = am.tensor(start, requires_grad=True)
    w.data = start.copy(order="K")  # keep the layout under test: tensor() copies to C order
    opt = optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.3)
    expected, buf = start.copy(), None
    for _ in range(3):
        g = rng.standard_normal(start.shape)
        w.grad = am.tensor(g)
        opt.step()
        buf = g.copy() if buf is None else 0.9 * buf + (1 - 0.3) * g
        expected -= 0.1 * buf
    assert w.data.flags.c_contiguous == (layout == "contiguous")
    np.testing.assert_array_equal(w.numpy(), expected)


BLOCKED = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("name, settings", BLOCKED)
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_every_optimiser_on_a_parameter_larger_than_a_block_equals_torch(name, settings, layout):
    # the state buffers are cut into the same blocks as the parameter and its gradient
    rng = np.random.default_rng(4)
    start = rng.standard_normal((211, 397))
    start = start if layout == "contiguous" else start.T
    w = am.tensor(start, requires_grad=True)
    w.data = start.copy(order="K")
    ref = torch.tensor(start, requires_grad=True)
    opt = getattr(optim, name)([w], **settings)
    opt_ref = getattr(torch.optim, name)([ref], **settings)
    for _ in range(4):
        g = rng.standard_normal(start.shape)
        w.grad, ref.grad = am.tensor(g), torch.tensor(g)
        opt.step(), opt_ref.step()
    np.testing.assert_allclose(w.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    theirs = opt_ref.state[ref]
    buffers = [k for k, v in opt.state[w].items() if isinstance(v, np.ndarray)]
    assert buffers and set(buffers) <= set(theirs)  # PyTorch's names for the same buffers
    for k in buffers:
        np.testing.assert_allclose(opt.state[w][k], theirs[k].numpy(), rtol=1e-12, atol=1e-14)


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
        (lambda ps: optim.SGD(ps, lr=-0.1), "lr must be a number >= 0"),
        (lambda ps: optim.SGD(ps, lr=float("nan")), "lr must be a number >= 0"),
        (lambda ps: optim.SGD(ps, lr="0.1"), "lr must be a number >= 0, got '0.1'"),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "momentum must be a number >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "weight_decay must be a number >= 0"),
        (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "nesterov"),
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
        (lambda ps: optim.Adam(ps, lr=-1), "lr must be a number >= 0"),
        (lambda ps: optim.Adam(ps, eps=-1), "eps must be a number >= 0"),
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


# --- RMSprop and Adagrad -------------------------------------------------------------------------

NEW_SETTINGS = [
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6)),
]


@pytest.mark.parametrize("name, settings", NEW_SETTINGS)
def test_rmsprop_and_adagrad_trajectories_over_20_steps_equal_torch_optim_to_1e_10(name, settings):
    ours, theirs = trajectories(
        torch, getattr(optim, name), getattr(torch.optim, name), steps=20, **settings
    )
    start = [p.numpy() for p in make_model().parameters()]
    assert any(not np.allclose(a, b) for a, b in zip(ours, start, strict=True))  # it moved
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


# --- checkpoints ---------------------------------------------------------------------------------


def train(model, opt, steps):
    for _ in range(steps):
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()


CHECKPOINTED = [
    lambda ps: optim.SGD(ps, lr=0.3, momentum=0.9, nesterov=True),
    lambda ps: optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01}], lr=0.05),
    lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True),
    lambda ps: optim.AdamW(ps, lr=0.05, weight_decay=0.3),
    lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.05),
]


@pytest.mark.parametrize("make", CHECKPOINTED)
def test_training_resumes_from_a_checkpoint_bit_for_bit(make):
    model = make_model()
    opt = make(list(model.parameters()))
    train(model, opt, 5)
    model_state, opt_state = model.state_dict(), opt.state_dict()
    train(model, opt, 5)

    resumed = make_model()
    resumed.load_state_dict(model_state)
    resumed_opt = make(list(resumed.parameters()))
    resumed_opt.load_state_dict(opt_state)
    train(resumed, resumed_opt, 5)
    for a, b in zip(model.parameters(), resumed.parameters(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # the state dict held copies: training on did not change the checkpoint
    assert all(s["step"] == 5 for s in opt_state["state"].values() if "step" in s)


def test_a_fresh_optimiser_without_the_checkpoint_takes_another_path():
    # the check above can fail: without the saved buffers the resumed run differs
    model = make_model()
    opt = optim.Adam(model.parameters(), lr=0.05)
    train(model, opt, 5)
    model_state = model.state_dict()
    train(model, opt, 5)
    restarted = make_model()
    restarted.load_state_dict(model_state)
    train(restarted, optim.Adam(restarted.parameters(), lr=0.05), 5)
    assert not np.array_equal(model.layers[0].weight.numpy(), restarted.layers[0].weight.numpy())


def test_state_dict_numbers_parameters_and_holds_the_settings_as_torch():
    model = make_model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train(model, opt, 1)
    state = opt.state_dict()
    assert state["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert state["param_groups"][0]["lr"] == 0.1 and set(state["state"]) == {0, 1, 2, 3}
    assert set(state["state"][0]) == {"momentum_buffer"}


def test_load_state_dict_refuses_a_checkpoint_of_other_parameters():
    opt = optim.Adam(make_model().parameters())
    other = optim.Adam(list(make_model().parameters())[:2])
    with pytest.raises(ValueError, match=r"Adam.load_state_dict: .* groups of \[2\] parameters"):
        opt.load_state_dict(other.state_dict())
    with pytest.raises(ValueError, match=r"Adam.load_state_dict: expects the dict"):
        opt.load_state_dict({"lr": 0.1})


# --- learning-rate schedules ---------------------------------------------------------------------

SCHEDULES = [
    ("StepLR", dict(step_size=4, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),  # 30 epochs: down, up, down, ...
    ("CosineAnnealingLR", dict(T_max=30)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1 / (1 + epoch) + 0.1 * (epoch % 3))),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 0.95**epoch, lambda epoch: epoch + 1])),
    ("OneCycleLR", dict(max_lr=[0.5, 1.0], total_steps=30)),
    (
        "OneCycleLR",
        dict(
            max_lr=0.8,
            epochs=5,
            steps_per_epoch=7,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            div_factor=10.0,
            final_div_factor=100.0,
        ),
    ),
]


@pytest.mark.parametrize("name, settings", SCHEDULES)
def test_learning_rates_over_30_steps_equal_torch_schedulers(name, settings):
    model, ref = make_model(), torch.nn.Linear(2, 2)
    opt = optim.SGD(
        [
            {"params": model.layers[0].parameters()},
            {"params": model.layers[1].parameters(), "lr": 0.3},
        ],
        lr=0.1,
    )
    opt_ref = torch.optim.SGD([{"params": [ref.weight]}, {"params": [ref.bias], "lr": 0.3}], lr=0.1)
    ours = getattr(optim.lr_scheduler, name)(opt, **settings)
    theirs = getattr(torch.optim.lr_scheduler, name)(opt_ref, **settings)
    ours_lrs, their_lrs = [ours.get_last_lr()], [theirs.get_last_lr()]
    for _ in range(30):
        opt.step()
        opt_ref.step()
        ours.step()
        theirs.step()
        ours_lrs.append(ours.get_last_lr())
        their_lrs.append(theirs.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == ours_lrs[-1]
    np.testing.assert_allclose(ours_lrs, their_lrs, rtol=0, atol=1e-10)
    assert len({tuple(lrs) for lrs in ours_lrs}) > 3  # the rate did change


ONE_CYCLE = [
    ("SGD", dict(lr=0.1, momentum=0.9), dict(max_lr=0.8, total_steps=25)),
    (
        "SGD",
        dict(lr=0.1, momentum=0.5, nesterov=True),
        dict(max_lr=0.5, total_steps=25, three_phase=True),
    ),
    ("Adam", dict(lr=0.01), dict(max_lr=0.05, total_steps=25, anneal_strategy="linear")),
    ("AdamW", dict(lr=0.01), dict(max_lr=0.05, total_steps=30, base_momentum=0.8)),
    ("RMSprop", dict(lr=0.01, momentum=0.5), dict(max_lr=0.02, total_steps=25, pct_start=0.5)),
    ("Adagrad", dict(lr=0.1), dict(max_lr=0.2, total_steps=25, cycle_momentum=False)),
]


@pytest.mark.parametrize("name, settings, schedule", ONE_CYCLE)
def test_one_cycle_training_equals_torch_rates_momenta_and_weights(name, settings, schedule):
    model = make_model()
    ref = torch_twin(torch, model)
    opt = getattr(optim, name)(model.parameters(), **settings)
    opt_ref = getattr(torch.optim, name)(ref.parameters(), **settings)
    ours = optim.lr_scheduler.OneCycleLR(opt, **schedule)
    theirs = torch.optim.lr_scheduler.OneCycleLR(opt_ref, **schedule)
    key = "betas" if "betas" in settings or name.startswith("Adam") else "momentum"
    x, t = torch.from_numpy(X), torch.from_numpy(T)
    for _ in range(20):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), abs=1e-12)
        if key in opt_ref.param_groups[0]:
            assert opt.param_groups[0][key] == pytest.approx(
                opt_ref.param_groups[0][key], abs=1e-12
            )
        opt.zero_grad()
        nn.mse_loss(model(X), T).backward()
        opt.step()
        ours.step()
        opt_ref.zero_grad()
        torch.nn.functional.mse_loss(ref(x), t).backward()
        opt_ref.step()
        theirs.step()
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=0, atol=1e-10)


def test_one_cycle_resumes_from_the_state_dicts_and_refuses_to_step_past_its_end():
    opt = optim.SGD(make_model().parameters(), lr=0.1, momentum=0.9)
    schedule = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    for _ in range(4):
        schedule.step()
    saved_opt, saved = opt.state_dict(), schedule.state_dict()
    expected = [
        schedule.step() or (schedule.get_last_lr(), opt.param_groups[0]["momentum"])
        for _ in range(6)
    ]
    opt2 = optim.SGD(make_model().parameters(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(saved_opt)
    schedule2 = optim.lr_scheduler.OneCycleLR(opt2, max_lr=1.0, total_steps=10, last_epoch=3)
    schedule2.load_state_dict(saved)
    resumed = [
        schedule2.step() or (schedule2.get_last_lr(), opt2.param_groups[0]["momentum"])
        for _ in range(6)
    ]
    assert resumed == expected
    with pytest.raises(ValueError, match=r"OneCycleLR: stepped 11 times, past total_steps=10"):
        schedule.step()


def test_a_scheduler_resumes_from_its_state_dict():
    opt = optim.SGD(make_model().parameters(), lr=0.1)
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        schedule.step()
    saved_opt, saved = opt.state_dict(), schedule.state_dict()
    expected = [schedule.step() or schedule.get_last_lr() for _ in range(5)]
    opt2 = optim.SGD(make_model().parameters(), lr=0.1)
    opt2.load_state_dict(saved_opt)
    schedule2 = optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=10)
    schedule2.load_state_dict(saved)
    assert [schedule2.step() or schedule2.get_last_lr() for _ in range(5)] == expected


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: optim.lr_scheduler.StepLR(o, step_size=0), ValueError, "StepLR: step_size"),
        (lambda o: optim.lr_scheduler.CosineAnnealingLR(o, T_max=-3), ValueError, "T_max"),
        (lambda o: optim.lr_scheduler.LambdaLR(o, [abs, abs]), ValueError, "LambdaLR: lr_lambda"),
        (lambda o: optim.lr_scheduler.StepLR(object(), 2), TypeError, "StepLR: expects an opt"),
        (lambda o: optim.lr_scheduler.ExponentialLR(o, 0.9, last_epoch=3), KeyError, "initial"),
        (lambda o: optim.RMSprop(o.param_groups[0]["params"], lr=-1), ValueError, "lr must be"),
        (lambda o: optim.Adagrad(o.param_groups[0]["params"], lr_decay=-1), ValueError, "lr_dec"),
        (lambda o: optim.lr_scheduler.OneCycleLR(o, 0.1), ValueError, "OneCycleLR: give total"),
        (
            lambda o: optim.lr_scheduler.OneCycleLR(o, 0.1, 10, pct_start=1),
            ValueError,
            "OneCycleLR: pct_start must be a float",
        ),
        (
            lambda o: optim.lr_scheduler.OneCycleLR(o, 0.1, 10, anneal_strategy="exp"),
            ValueError,
            "anneal_strategy",
        ),
        (
            lambda o: optim.lr_scheduler.OneCycleLR(o, [0.1, 0.2], 10),
            ValueError,
            r"OneCycleLR: max_lr must be a number or a list of 1",
        ),
        (
            lambda o: optim.lr_scheduler.OneCycleLR(o, 0.1, 10, pct_start=0.1),
            ValueError,
            "a phase of the cycle lasts no step",
        ),
        (
            lambda o: optim.lr_scheduler.OneCycleLR(
                optim.Adagrad(o.param_groups[0]["params"]), 0.1, 10
            ),
            ValueError,
            "OneCycleLR: cycle_momentum needs an optimiser with momentum or betas",
        ),
    ],
)
def test_bad_schedules_and_settings_are_refused_naming_the_class(make, error, message):
    with pytest.raises(error, match=message):
        make(optim.SGD(make_model().parameters(), lr=0.1))


# --- found in review: each compared with torch ---------------------------------------------------


def test_adagrad_starts_every_group_at_the_constructors_initial_accumulator_value_as_torch():
    # torch fills the accumulator with the constructor's value, whatever a group says
    start = np.random.default_rng(5).standard_normal(6)
    a, b = am.tensor(start[:3], requires_grad=True), am.tensor(start[3:], requires_grad=True)
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (start[:3], start[3:]))
    groups = lambda x, y: [{"params": [x], "initial_accumulator_value": 2.0}, {"params": [y]}]  # noqa: E731
    opt = optim.Adagrad(groups(a, b), lr=0.1, initial_accumulator_value=0.5)
    opt_ref = torch.optim.Adagrad(groups(ta, tb), lr=0.1, initial_accumulator_value=0.5)
    for step in range(3):
        g = np.random.default_rng(step).standard_normal(6)
        a.grad, b.grad = am.tensor(g[:3]), am.tensor(g[3:])
        ta.grad, tb.grad = torch.tensor(g[:3]), torch.tensor(g[3:])
        opt.step(), opt_ref.step()
    for p, ref in ((a, ta), (b, tb)):
        np.testing.assert_allclose(opt.state[p]["sum"], opt_ref.state[ref]["sum"].numpy(), 0, 0)
        np.testing.assert_allclose(p.numpy(), ref.detach().numpy(), rtol=1e-15)
    assert opt.param_groups[0]["initial_accumulator_value"] == 2.0  # kept, as torch keeps it


RESUMED = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("CosineAnnealingLR", dict(T_max=4)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1 / (1 + epoch))),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=30)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=30, three_phase=True, anneal_strategy="linear")),
]


@pytest.mark.parametrize("name, settings", RESUMED)
@pytest.mark.parametrize("k", [0, 3, 7, 8, 11])
def test_a_scheduler_built_with_last_epoch_k_goes_on_as_torch(name, settings, k):
    # the group as a checkpoint leaves it: a rate of its own (not the formula's at epoch k) and
    # what the schedule keeps in it; torch 2.13 keeps that rate at construction, then recurses
    def rates(library, parameter):
        group = dict(lr=0.0123 + 0.01 * k, initial_lr=0.1, max_lr=0.5, min_lr=2e-6)
        group.update(params=[parameter], max_momentum=0.95, base_momentum=0.85)
        opt = library.SGD([group], lr=0.1, momentum=0.9)
        schedule = getattr(library.lr_scheduler, name)(opt, last_epoch=k, **settings)
        seen = [(opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"])]
        for _ in range(min(12, 29 - k)):
            opt.step()
            schedule.step()
            seen.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
        return np.array(seen)

    ours = rates(optim, am.tensor([1.0], requires_grad=True))
    theirs = rates(torch.optim, torch.ones(1, requires_grad=True))
    np.testing.assert_allclose(ours, theirs, rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "dtype, big", [(np.float32, 3e21), (np.float32, 1e38), (np.float64, 1e160), (np.float64, 1e300)]
)
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_centered_rmsprop_stays_finite_after_a_gradient_whose_square_overflows(
    dtype, big, momentum
):
    # v − ḡ² is inf − inf where v overflowed; torch's fused addcmul gives inf: a step of 0
    w = am.tensor(np.array([0.5, 0.5], dtype), requires_grad=True)
    ref = torch.tensor(np.array([0.5, 0.5], dtype), requires_grad=True)
    opt = optim.RMSprop([w], lr=0.01, centered=True, momentum=momentum)
    opt_ref = torch.optim.RMSprop([ref], lr=0.01, centered=True, momentum=momentum)
    for g in (big, 1.0, -2.0):
        gradient = np.array([g, 1.0], dtype)
        w.grad, ref.grad = am.tensor(gradient), torch.tensor(gradient)
        with np.errstate(over="ignore"):  # g² overflows to inf: NumPy says so, torch does not
            opt.step()
        opt_ref.step()
    assert np.isfinite(ref.detach().numpy()).all()
    np.testing.assert_allclose(w.numpy(), ref.detach().numpy(), rtol=4 * np.finfo(dtype).eps)


LERPED = [
    ("Adam", "exp_avg", lambda beta: dict(betas=(beta, 0.999))),
    ("AdamW", "exp_avg", lambda beta: dict(betas=(beta, 0.9), weight_decay=0.1)),
    ("RMSprop", "grad_avg", lambda beta: dict(alpha=beta, centered=True)),
]


@pytest.mark.parametrize("name, buffer, settings", LERPED)
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.5, 0.7, 0.9, 0.999])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_moving_averages_follow_torchs_lerp(name, buffer, settings, beta, dtype):
    # torch's lerp_ computes start + w (end − start) for w < 0.5, end − (1 − w)(end − start)
    # above (the other formula was 1.7e-4 off in float32 at β = 0); its CPU kernel fuses the
    # multiply-add, NumPy rounds the product first: the last bit may differ, no more.
    # Gradients from 1e-4 to 1e3, so that the average and the gradient differ in scale
    rng = np.random.default_rng(6)
    start = rng.standard_normal(1000).astype(dtype)
    w, ref = am.tensor(start, requires_grad=True), torch.tensor(start, requires_grad=True)
    opt = getattr(optim, name)([w], lr=1e-3, **settings(beta))
    opt_ref = getattr(torch.optim, name)([ref], lr=1e-3, **settings(beta))
    for _ in range(5):
        g = (rng.standard_normal(1000) * rng.choice([1e-4, 1.0, 1e3], 1000)).astype(dtype)
        w.grad, ref.grad = am.tensor(g), torch.tensor(g)
        opt.step()
        opt_ref.step()
        ours, theirs = opt.state[w][buffer], opt_ref.state[ref][buffer].numpy()
        # roundings of gradients up to 1e3 (the β = 0 case is exact: the test below)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=100 * np.finfo(dtype).eps * 1e3)
    assert w.dtype == dtype
    if name == "RMSprop" and beta == 0.0:
        return  # v − ḡ² = g² − g²: torch's fused rounding leaves −(g²'s error), whose root is NaN
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(w.numpy(), ref.detach().numpy(), rtol=tolerance)


def test_adam_with_beta1_0_takes_the_gradient_itself_as_its_first_moment():
    # the review's case: after a gradient of 2, torch's average of 1e-4 at β₁ = 0 is 1e-4 exactly
    for dtype in (np.float32, np.float64):
        w = am.tensor(np.zeros(1, dtype), requires_grad=True)
        opt = optim.Adam([w], lr=1.0, betas=(0.0, 0.0))
        for g in (2.0, 1e-4):
            w.grad = am.tensor(np.array([g], dtype))
            opt.step()
        assert opt.state[w]["exp_avg"][0] == dtype(1e-4)


def test_a_refused_load_state_dict_leaves_the_optimiser_as_it_was():
    # group 1's settings are refused: group 0's and the state must not have been taken either,
    # so that training goes on exactly as torch's, which never saw the bad state dict
    model = make_model()
    ref = torch_twin(torch, model)
    params, ref_params = list(model.parameters()), list(ref.parameters())
    opt = optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1, momentum=0.9)
    opt_ref = torch.optim.SGD(
        [{"params": ref_params[:2]}, {"params": ref_params[2:]}], lr=0.1, momentum=0.9
    )

    def steps(n):
        train_side_by_side(torch, model, ref, opt, opt_ref, n)

    steps(2)
    bad = opt.state_dict()
    bad["param_groups"][0]["lr"] = 123.0
    bad["param_groups"][1]["lr"] = -1.0
    bad["state"][0]["momentum_buffer"] = bad["state"][0]["momentum_buffer"] * 0 + 7
    with pytest.raises(ValueError, match="lr must be a number >= 0"):
        opt.load_state_dict(bad)
    out_of_range = opt.state_dict()
    out_of_range["state"][9] = out_of_range["state"][0]
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: the state of parameter 9"):
        opt.load_state_dict(out_of_range)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.1]
    steps(3)
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=0, atol=1e-12)


def test_zero_grad_set_to_none_false_zeroes_each_gradient_in_place_as_torch():
    w = am.tensor([1.0, 2.0], requires_grad=True)
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    (tw * tw).sum().backward()
    grad = w.grad
    x, tx = am.tensor([3.0, 4.0], requires_grad=True), torch.tensor([3.0, 4.0], requires_grad=True)
    y, ty = (x * w.grad).sum(), (tx * tw.grad).sum()  # graphs that saved the gradient
    optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    torch.optim.SGD([tw], lr=0.1).zero_grad(set_to_none=False)
    assert w.grad is grad and tw.grad is not None
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.numpy())
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    # an in-place write: a graph that saved the old gradient refuses, in both
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ty.backward()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_zero_grad_set_to_none_false_cuts_a_create_graph_gradient_from_its_graph_as_torch():
    w = am.tensor([1.0, 2.0], requires_grad=True)
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    (w**3).sum().backward(create_graph=True)
    (tw**3).sum().backward(create_graph=True)
    old, told = w.grad, tw.grad
    assert not old.is_leaf and told.grad_fn is not None
    optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    torch.optim.SGD([tw], lr=0.1).zero_grad(set_to_none=False)
    assert w.grad.is_leaf and not w.grad.requires_grad
    assert tw.grad.is_leaf and not tw.grad.requires_grad
    np.testing.assert_array_equal(old.numpy(), told.detach().numpy())  # zeroed in its memory
    # the next create_graph backward starts from 0 and differentiates to second order
    (w**3).sum().backward(create_graph=True)
    (tw**3).sum().backward(create_graph=True)
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.detach().numpy())
    w.grad.sum().backward()
    tw.grad.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.detach().numpy())


def test_training_with_zero_grad_set_to_none_false_steps_on_zero_gradients_as_torch():
    # a zero gradient is a gradient: Adam moves a parameter the loss no longer reaches
    model = make_model()
    ref = torch_twin(torch, model)
    opt = optim.Adam(model.parameters(), lr=0.05)
    opt_ref = torch.optim.Adam(ref.parameters(), lr=0.05)
    x, t = torch.from_numpy(X), torch.from_numpy(T)
    for step in range(6):
        opt.zero_grad(set_to_none=False)
        opt_ref.zero_grad(set_to_none=False)
        if step < 2:  # the whole network, then the last layer's input only
            nn.mse_loss(model(X), T).backward()
            torch.nn.functional.mse_loss(ref(x), t).backward()
        else:
            last, ref_last = model.layers[1], ref[2]
            hidden = np.tanh(X @ model.layers[0].weight.numpy().T)
            nn.mse_loss(last(hidden), T).backward()
            torch.nn.functional.mse_loss(ref_last(torch.from_numpy(hidden)), t).backward()
        opt.step()
        opt_ref.step()
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name, settings", SETTINGS + NEW_SETTINGS)
def test_maximize_ascends_as_torch(name, settings):
    ours, theirs = trajectories(
        torch, getattr(optim, name), getattr(torch.optim, name), maximize=True, **settings
    )
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    descended, _ = trajectories(torch, getattr(optim, name), getattr(torch.optim, name), **settings)
    assert not np.allclose(ours[0], descended[0])  # maximize changed the way


NUMPY_SCHEDULES = [
    ("StepLR", dict(step_size=np.int64(2), gamma=np.float32(0.5))),
    ("ExponentialLR", dict(gamma=np.float64(0.9))),
    ("CosineAnnealingLR", dict(T_max=np.int32(5), eta_min=np.float64(0.01))),
    ("LambdaLR", dict(lr_lambda=lambda epoch: np.float32(0.9) ** epoch)),
    ("OneCycleLR", dict(max_lr=np.float64(0.5), total_steps=np.int64(30))),
    ("OneCycleLR", dict(max_lr=0.5, epochs=np.int64(5), steps_per_epoch=np.uint8(6))),
]


@pytest.mark.parametrize("name, settings", NUMPY_SCHEDULES)
def test_numpy_scalar_settings_of_a_schedule_are_numbers_as_in_torch(name, settings):
    # torch takes NumPy numbers (OneCycleLR's integers it refuses: compared with Python ints)
    as_python = {k: v.item() if isinstance(v, np.generic) else v for k, v in settings.items()}
    torch_settings = as_python if name == "OneCycleLR" else settings
    opt = optim.SGD([am.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    opt_ref = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1, momentum=0.9)
    ours = getattr(optim.lr_scheduler, name)(opt, **settings)
    theirs = getattr(torch.optim.lr_scheduler, name)(opt_ref, **torch_settings)
    for _ in range(20):
        opt.step(), opt_ref.step(), ours.step(), theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert opt.param_groups[0]["momentum"] == opt_ref.param_groups[0]["momentum"]


NUMPY_OPTIMISERS = [
    ("SGD", dict(lr=np.float32(0.1), momentum=np.float64(0.9), weight_decay=np.float32(0.01))),
    ("AdamW", dict(lr=np.float64(0.01), betas=(np.float64(0.3), np.float64(0.99)))),
    ("RMSprop", dict(lr=np.float32(0.01), alpha=np.float32(0.9), centered=np.True_)),
    ("Adagrad", dict(lr=np.float32(0.1), initial_accumulator_value=np.float32(0.1))),
]


@pytest.mark.parametrize("name, settings", NUMPY_OPTIMISERS)
def test_numpy_scalar_settings_of_an_optimiser_are_numbers_as_in_torch(name, settings):
    ours, theirs = trajectories(torch, getattr(optim, name), getattr(torch.optim, name), **settings)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
