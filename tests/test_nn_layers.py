"""Dropout, LayerNorm, BatchNorm1d, Embedding, Flatten, buffers, apply/to, ModuleDict and
gradient clipping. Oracle: PyTorch on the same float64 data, forward and gradients to 1e-10."""

import numpy as np
import pytest
import torch

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.nn.functional as F

TOL = dict(rtol=0, atol=1e-10)


def data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def close(ours, theirs):
    np.testing.assert_allclose(getattr(ours, "data", ours), theirs.detach().numpy(), **TOL)


def backward_both(out, ref_out, seed=9):
    """Backpropagate the same random adjoint through both outputs."""
    g = data(*out.shape, seed=seed)
    out.backward(gradient=g)
    ref_out.backward(torch.from_numpy(g))


# --- Dropout -------------------------------------------------------------------------------------


def test_dropout_zeroes_with_probability_p_and_scales_the_rest_by_one_over_one_minus_p():
    x = am.tensor(np.ones((200, 50)))
    y = nn.Dropout(0.3, rng=0)(x).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=0, atol=1e-15)
    assert abs(1 - kept.mean() - 0.3) < 0.01  # 10,000 draws: 5 standard deviations


def test_dropout_gradient_flows_only_through_kept_units_as_torch_with_the_same_mask():
    x_np = data(6, 5)
    x = am.tensor(x_np, requires_grad=True)
    y = F.dropout(x, p=0.4, rng=3)
    keep = F.generator(3).random(x_np.shape) >= 0.4  # the same seed gives the same mask
    xt = torch.from_numpy(x_np).requires_grad_()
    ref = xt * torch.from_numpy(keep) / (1 - 0.4)
    close(y, ref)
    backward_both(y, ref)
    close(x.grad, xt.grad)
    assert np.all(x.grad.numpy()[~keep] == 0) and np.all(x.grad.numpy()[keep] != 0)


def test_dropout_is_the_identity_in_eval_mode_and_for_p_0():
    x = am.tensor(data(4, 3), requires_grad=True)
    layer = nn.Dropout(0.9, rng=1).eval()
    assert layer(x) is x
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.5, training=False) is x


def test_dropout_masks_are_reproducible_from_a_seed_and_differ_call_to_call():
    x = np.ones((10, 10))
    a, b = nn.Dropout(0.5, rng=7), nn.Dropout(0.5, rng=7)
    first, second = a(x).numpy(), a(x).numpy()
    np.testing.assert_array_equal(first, b(x).numpy())
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), "0.5"])
def test_dropout_refuses_p_outside_0_1(p):
    with pytest.raises(ValueError, match=r"Dropout: p .* \[0, 1\], got"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=r"dropout: p .* \[0, 1\], got"):
        F.dropout(np.ones(2), p)


# --- LayerNorm -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, normalized",
    [((4, 5), 5), ((3, 4, 5), (5,)), ((3, 4, 5), (4, 5)), ((2, 3, 4, 2), (3, 4, 2))],
)
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_equals_torch_forward_and_gradients(shape, normalized, affine):
    x_np = data(*shape) * 3 + 1
    ours = nn.LayerNorm(normalized, eps=1e-4, elementwise_affine=affine)
    ref = torch.nn.LayerNorm(normalized, eps=1e-4, elementwise_affine=affine).double()
    if affine:  # move weight and bias away from 1 and 0 so that their gradients show
        for p, q in zip(ours.parameters(), ref.parameters(), strict=True):
            p.data[...] = data(*p.shape, seed=p.ndim + p.size) + 1
            with torch.no_grad():
                q.copy_(torch.from_numpy(p.data))
    x, xt = am.tensor(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_()
    y, yt = ours(x), ref(xt)
    close(y, yt)
    backward_both(y, yt)
    close(x.grad, xt.grad)
    assert len(list(ours.parameters())) == (2 if affine else 0)
    for p, q in zip(ours.parameters(), ref.parameters(), strict=True):
        close(p.grad, q.grad)


def test_layer_norm_refuses_a_shape_that_is_not_the_last_axes():
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \(4,\) .* \(3, 5\)"):
        nn.LayerNorm(4)(np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"LayerNorm: normalized_shape .* got \(-2,\)"):
        nn.LayerNorm(-2)


# --- BatchNorm1d ---------------------------------------------------------------------------------


def torch_batchnorm(ours):
    ref = torch.nn.BatchNorm1d(
        ours.num_features,
        eps=ours.eps,
        momentum=ours.momentum,
        affine=ours.affine,
        track_running_stats=ours.track_running_stats,
    ).double()
    if ours.affine:
        with torch.no_grad():
            ref.weight.copy_(torch.from_numpy(ours.weight.data))
            ref.bias.copy_(torch.from_numpy(ours.bias.data))
    return ref


@pytest.mark.parametrize("shape", [(8, 3), (5, 3, 4)])
@pytest.mark.parametrize("momentum", [0.1, 0.7, None])
def test_batch_norm_equals_torch_in_train_then_eval_with_running_statistics(shape, momentum):
    ours = nn.BatchNorm1d(3, eps=1e-3, momentum=momentum)
    ours.weight.data[...] = [0.5, 2.0, -1.0]
    ours.bias.data[...] = [0.1, -0.2, 0.3]
    ref = torch_batchnorm(ours)
    for step in range(4):  # running statistics accumulate over several batches
        x_np = data(*shape, seed=step) * (step + 1) + step
        x, xt = am.tensor(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_()
        y, yt = ours(x), ref(xt)
        close(y, yt)
        backward_both(y, yt, seed=step)
        close(x.grad, xt.grad)
        close(ours.weight.grad, ref.weight.grad)
        close(ours.bias.grad, ref.bias.grad)
        ours.zero_grad()
        ref.zero_grad()
    close(ours.running_mean, ref.running_mean)
    close(ours.running_var, ref.running_var)  # the unbiased variance, as PyTorch keeps
    assert ours.num_batches_tracked.item() == ref.num_batches_tracked.item() == 4
    ours.eval(), ref.eval()
    before = ours.running_mean.numpy().copy()
    x_np = data(*shape, seed=11)
    x, xt = am.tensor(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_()
    y, yt = ours(x), ref(xt)
    close(y, yt)
    backward_both(y, yt)
    close(x.grad, xt.grad)
    close(ours.weight.grad, ref.weight.grad)
    np.testing.assert_array_equal(ours.running_mean.numpy(), before)  # eval leaves them be


def test_batch_norm_without_running_statistics_or_affine_equals_torch_in_eval_too():
    ours = nn.BatchNorm1d(2, affine=False, track_running_stats=False).eval()
    ref = torch_batchnorm(ours).eval()
    x_np = data(6, 2, 3)
    close(ours(x_np), ref(torch.from_numpy(x_np)))
    assert list(ours.parameters()) == [] and ours.state_dict() == {}


def test_batch_norm_buffers_are_state_but_not_parameters():
    bn = nn.BatchNorm1d(3)
    assert [name for name, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [name for name, _ in bn.named_buffers()] == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert list(bn.state_dict()) == list(torch.nn.BatchNorm1d(3).state_dict())
    bn(data(4, 3))
    fresh = nn.BatchNorm1d(3)
    fresh.load_state_dict(bn.state_dict())
    np.testing.assert_array_equal(fresh.running_var.numpy(), bn.running_var.numpy())
    assert fresh.num_batches_tracked.item() == 1


def test_batch_norm_refuses_wrong_channels_and_a_single_value_per_channel():
    with pytest.raises(ValueError, match=r"BatchNorm1d \(3 features\).*got shape \(4, 2\)"):
        nn.BatchNorm1d(3)(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"batch_norm: training needs more than one value"):
        nn.BatchNorm1d(3)(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm1d: num_features must be positive, got -1"):
        nn.BatchNorm1d(-1)


def test_functional_batch_norm_equals_torch_and_updates_the_given_arrays():
    x_np = data(7, 4)
    rm, rv = np.zeros(4), np.ones(4)
    rm_t, rv_t = torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64)
    y = F.batch_norm(x_np, rm, rv, training=True, momentum=0.3)
    yt = torch.nn.functional.batch_norm(
        torch.from_numpy(x_np), rm_t, rv_t, training=True, momentum=0.3
    )
    close(y, yt)
    close(rm, rm_t)
    close(rv, rv_t)
    close(
        F.batch_norm(x_np, rm, rv),
        torch.nn.functional.batch_norm(torch.from_numpy(x_np), rm_t, rv_t),
    )


# --- Embedding and Flatten -----------------------------------------------------------------------


@pytest.mark.parametrize("indices", [np.array(3), np.array([1, 4, 1]), np.array([[0, 2], [2, 2]])])
def test_embedding_equals_torch_and_scatter_adds_gradients_of_repeated_indices(indices):
    layer = nn.Embedding(5, 3, rng=0)
    ref = torch.nn.Embedding(5, 3).double()
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(layer.weight.data))
    y, yt = layer(indices), ref(torch.from_numpy(indices))
    assert y.shape == indices.shape + (3,)
    close(y, yt)
    backward_both(y, yt)
    close(layer.weight.grad, ref.weight.grad)


def test_embedding_refuses_bad_indices_and_sizes():
    layer = nn.Embedding(4, 2, rng=0)
    with pytest.raises(IndexError, match=r"embedding: indices must lie in \[0, 3\].*\[0, 4\]"):
        layer(np.array([0, 4]))
    with pytest.raises(TypeError, match="embedding: indices must be integers, got float64"):
        layer(np.array([0.0]))
    with pytest.raises(ValueError, match="Embedding: embedding_dim must be positive, got -3"):
        nn.Embedding(4, -3)


def test_flatten_merges_axes_as_torch():
    x = data(2, 3, 4, 5)
    for start, end in [(1, -1), (0, -1), (1, 2), (2, 3)]:
        expected = torch.nn.Flatten(start, end)(torch.from_numpy(x))
        assert nn.Flatten(start, end)(x).shape == tuple(expected.shape)
        close(nn.Flatten(start, end)(x), expected)


# --- Module: buffers, apply, to, ModuleDict ------------------------------------------------------


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2, rng=np.random.default_rng(0))
        self.register_buffer("count", np.zeros(2))
        self.register_buffer("scratch", np.ones(1), persistent=False)


def test_buffers_are_saved_and_loaded_but_are_not_parameters():
    model = nn.Sequential(WithBuffer())
    assert [n for n, _ in model.named_parameters()] == ["0.fc.weight", "0.fc.bias"]
    assert [n for n, _ in model.named_buffers()] == ["0.count", "0.scratch"]
    # module by module, own parameters and buffers before the sub-modules', as PyTorch
    assert list(model.state_dict()) == ["0.count", "0.fc.weight", "0.fc.bias"]
    assert model[0].count.name == "0.count" and not model[0].count.requires_grad
    state = model.state_dict()
    state["0.count"] = np.array([3.0, 4.0])
    model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].count.numpy(), [3.0, 4.0])
    model[0].count = np.array([5.0, 6.0])  # assigning replaces the buffer, still registered
    assert model.state_dict()["0.count"].tolist() == [5.0, 6.0]


def test_register_buffer_refuses_bad_names():
    module = WithBuffer()
    with pytest.raises(ValueError, match=r"register_buffer: .* already has an attribute 'fc'"):
        module.register_buffer("fc", np.zeros(1))
    with pytest.raises(ValueError, match=r"register_buffer: the name .* got 'a.b'"):
        module.register_buffer("a.b", np.zeros(1))


def test_apply_visits_children_before_parents():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Tanh()))
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "Tanh", "Sequential", "Sequential"]


def test_to_casts_parameters_gradients_and_float_buffers_but_not_integer_buffers():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    model(data(4, 3)).sum().backward()
    model.to(np.float32)
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32 for p in model.parameters())
    assert model[1].running_var.dtype == np.float32
    assert model[1].num_batches_tracked.dtype == np.int64
    assert model(data(4, 3).astype(np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="Module.to: .* floating-point dtype, got int32"):
        model.to(np.int32)


def test_module_dict_registers_its_modules_under_their_keys():
    heads = nn.ModuleDict({"value": nn.Linear(4, 1), "policy": nn.Linear(4, 3)})
    heads["extra"] = nn.Identity()
    assert list(heads) == ["value", "policy", "extra"] and "policy" in heads
    assert [n for n, _ in heads.named_parameters()] == [
        "value.weight",
        "value.bias",
        "policy.weight",
        "policy.bias",
    ]
    assert heads["policy"].weight.name == "policy.weight"
    with pytest.raises(TypeError, match="ModuleDict holds Modules"):
        heads["bad"] = 3


# --- gradient clipping ---------------------------------------------------------------------------


def twins_with_gradients(scale):
    shapes = [(3, 4), (4,), (2, 2)]
    ours = [am.tensor(data(*s, seed=i), requires_grad=True) for i, s in enumerate(shapes)]
    theirs = [torch.from_numpy(p.data.copy()).requires_grad_() for p in ours]
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        g = data(*p.shape, seed=10 + i) * scale
        p.grad, q.grad = g, torch.from_numpy(g.copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf"), "inf"])
@pytest.mark.parametrize("scale", [10.0, 0.01])  # clipped, and left alone
def test_clip_grad_norm_equals_torch_and_returns_the_total_norm(norm_type, scale):
    ours, theirs = twins_with_gradients(scale)
    total = nn.utils.clip_grad_norm_(ours, max_norm=1.5, norm_type=norm_type)
    ref_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.5, norm_type=norm_type)
    close(total, ref_total)
    for p, q in zip(ours, theirs, strict=True):
        close(p.grad, q.grad)


def test_clip_grad_value_equals_torch():
    ours, theirs = twins_with_gradients(1.0)
    nn.utils.clip_grad_value_(ours, 0.5)
    torch.nn.utils.clip_grad_value_(theirs, 0.5)
    for p, q in zip(ours, theirs, strict=True):
        close(p.grad, q.grad)
    assert max(np.abs(p.grad.numpy()).max() for p in ours) == 0.5


@pytest.mark.parametrize("norm_type", [0, -1, "two", None])
def test_clip_grad_norm_refuses_unknown_norm_types(norm_type):
    ours, _ = twins_with_gradients(1.0)
    with pytest.raises(ValueError, match=r"clip_grad_norm_: norm_type must be .* got"):
        nn.utils.clip_grad_norm_(ours, 1.0, norm_type=norm_type)


def test_a_model_with_buffers_round_trips_through_save_and_load(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    model(data(5, 3))
    am.save(model.state_dict(), tmp_path / "model.npz")
    fresh = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    fresh.load_state_dict(am.load(tmp_path / "model.npz"))
    for (name, a), b in zip(model.state_dict().items(), fresh.state_dict().values(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert fresh[1].num_batches_tracked.item() == 1


@pytest.mark.parametrize(
    "labels, num_classes",
    [([0, 2, 1], -1), ([[3], [0]], 5), (np.array(2), 4), (np.zeros((0,), np.int64), 3)],
)
def test_one_hot_matches_torch(labels, num_classes):
    ours = F.one_hot(am.tensor(np.asarray(labels, dtype=np.int64)), num_classes)
    theirs = torch.nn.functional.one_hot(
        torch.tensor(np.asarray(labels, dtype=np.int64)), num_classes
    )
    assert ours.dtype == np.int64 and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_one_hot_refuses_what_torch_refuses_with_a_reason():
    with pytest.raises(ValueError, match=r"one_hot: labels must lie in \[0, 2\] for 3 classes"):
        F.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="cannot infer num_classes"):
        F.one_hot(np.zeros(0, np.int64))
    with pytest.raises(TypeError, match="one_hot: labels must be integers, got float64"):
        F.one_hot(np.array([0.0, 1.0]))
