"""nn: modules register and name their parameters, Linear and MLP compute the textbooks'
zˡ = Wˡ aˡ⁻¹ + bˡ, initialisers have the stated spreads, losses equal PyTorch's and refuse shape
mismatches. Oracles: PyTorch (float64) when installed, central differences (gradcheck)."""

import math

import numpy as np
import pytest
import torch
from cycles import cyclic_garbage

import autograd_mini as am
import autograd_mini.nn as nn


def rng(seed=0):
    return np.random.default_rng(seed)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3, rng=rng())
        self.scale = nn.Parameter(np.ones(3))

    def forward(self, x):
        return self.fc(x).tanh() * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.heads = [nn.Linear(3, 1, rng=rng(1)), nn.Linear(3, 2, rng=rng(2))]

    def forward(self, x):
        h = self.block(x)
        return [head(h) for head in self.heads]


# --- Module: registration, names, walking the tree -----------------------------------------------


def test_parameters_are_registered_by_attribute_with_dotted_names_in_pytorchs_order():
    # module by module, depth first; a module's own parameters before its sub-modules'
    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "block.scale",
        "block.fc.weight",
        "block.fc.bias",
        "heads.0.weight",
        "heads.0.bias",
        "heads.1.weight",
        "heads.1.bias",
    ]
    assert len(list(Net().parameters())) == 7


def test_a_plain_list_of_modules_becomes_an_indexable_registered_module_list():
    net = Net()
    assert isinstance(net.heads, nn.ModuleList)
    assert len(net.heads) == 2 and net.heads[1].out_features == 2
    assert [m.out_features for m in net.heads] == [1, 2]
    net.heads.append(nn.Linear(3, 4))
    assert "heads.2.weight" in dict(net.named_parameters())
    assert net.heads[2].weight.name == "heads.2.weight"


def test_a_list_of_parameters_becomes_a_parameter_list():
    class Poly(nn.Module):
        def __init__(self):
            self.coefficients = [nn.Parameter(np.ones(1)) for _ in range(3)]

    poly = Poly()
    assert [n for n, _ in poly.named_parameters()] == [f"coefficients.{i}" for i in range(3)]
    assert poly.coefficients[2].name == "coefficients.2"


def test_a_list_mixing_modules_and_other_things_is_refused():
    class Bad(nn.Module):
        def __init__(self):
            self.layers = [nn.Linear(2, 2), "relu"]

    with pytest.raises(TypeError, match="only Modules or only"):
        Bad()


def test_lists_without_modules_stay_plain_lists():
    class Holder(nn.Module):
        def __init__(self):
            self.sizes = [2, 3]

    assert Holder().sizes == [2, 3] and list(Holder().parameters()) == []


def test_parameter_tensor_names_are_reprefixed_when_the_module_moves_into_a_parent():
    layer = nn.Linear(2, 3)
    assert (layer.weight.name, layer.bias.name, layer._name) == ("weight", "bias", "")
    block = nn.Module()
    block.fc = layer
    assert (layer.weight.name, layer._name) == ("fc.weight", "fc")
    root = nn.Module()
    root.block = block
    assert (layer.weight.name, layer._name, block._name, root._name) == (
        "block.fc.weight",
        "block.fc",
        "block",
        "",
    )
    model = nn.MLP([3, 4, 2])
    assert model.layers[1].weight.name == "layers.1.weight"
    assert model.layers[1]._name == "layers.1"
    assert all(p.name == name for name, p in model.named_parameters())


def test_shared_parameters_are_listed_once():
    class Tied(nn.Module):
        def __init__(self):
            self.a = nn.Linear(2, 2)
            self.b = nn.Linear(2, 2)
            self.b.weight = self.a.weight

    assert len(list(Tied().parameters())) == 3


def test_modules_walk_the_tree_depth_first_with_names():
    names = [name for name, _ in Net().named_modules()]
    assert names == ["", "block", "block.fc", "heads", "heads.0", "heads.1"]
    assert [type(m).__name__ for m in Net().children()] == ["Block", "ModuleList"]


def test_zero_grad_sets_every_gradient_to_none():
    net = Net()
    sum(out.sum() for out in net(np.ones((4, 2)))).backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_a_registered_parameter_takes_only_a_parameter_or_none_as_torch():
    # anything else would silently leave parameters() and state_dict(): never trained or saved
    ours, theirs = nn.Linear(2, 1), torch.nn.Linear(2, 1)
    for value, torch_value in [
        (am.Tensor(np.zeros((1, 2)), requires_grad=True), torch.zeros(1, 2, requires_grad=True)),
        (np.zeros((1, 2)), np.zeros((1, 2))),
        (3.0, 3.0),
        ([nn.Parameter(np.zeros(2))], [torch.nn.Parameter(torch.zeros(2))]),
        (nn.Linear(1, 1), torch.nn.Linear(1, 1)),
    ]:
        with pytest.raises(TypeError, match=r"Parameter or None expected"):
            theirs.weight = torch_value
        with pytest.raises(TypeError, match=r"Linear\.weight is a parameter: .*nn\.Parameter"):
            ours.weight = value
        assert [n for n, _ in ours.named_parameters()] == ["weight", "bias"]
    # None keeps the name a parameter's: it leaves the lists, and a tensor is still refused
    ours.weight, theirs.weight = None, None
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias"]
    with pytest.raises(TypeError, match="Parameter or None expected"):
        theirs.weight = torch.zeros(1, 2)
    with pytest.raises(TypeError, match="is a parameter"):
        ours.weight = am.Tensor(np.zeros((1, 2)))
    ours.weight, theirs.weight = nn.Parameter(np.ones((1, 2))), torch.nn.Parameter(torch.ones(2))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]
    # del frees the name, for any value, as in torch
    del ours.weight, theirs.weight
    ours.weight, theirs.weight = np.zeros((1, 2)), torch.zeros(1, 2)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias"]
    # a parameter may replace a module, as in torch
    ours.sub, theirs.sub = nn.Linear(1, 1), torch.nn.Linear(1, 1)
    ours.sub, theirs.sub = nn.Parameter(np.ones(1)), torch.nn.Parameter(torch.ones(1))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "sub"]


def test_zero_grad_without_set_to_none_writes_zeros_into_the_same_gradients_as_torch():
    x = rng().standard_normal((4, 2))
    ours, theirs = nn.Linear(2, 3, rng=rng()), torch.nn.Linear(2, 3).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.numpy()))
        theirs.bias.copy_(torch.from_numpy(ours.bias.numpy()))
    ours.weight.requires_grad_(False)  # no gradient: stays None, as torch's
    theirs.weight.requires_grad_(False)
    ours(x).tanh().sum().backward()
    theirs(torch.from_numpy(x)).tanh().sum().backward()
    held, version = ours.bias.grad, ours.bias.grad.version
    held_t, version_t = theirs.bias.grad, theirs.bias.grad._version
    ours.zero_grad(set_to_none=False)
    theirs.zero_grad(set_to_none=False)
    assert ours.weight.grad is None and theirs.weight.grad is None
    assert ours.bias.grad is held and theirs.bias.grad is held_t  # the same tensor, zeroed
    np.testing.assert_array_equal(held.numpy(), theirs.bias.grad.numpy())
    assert not held.numpy().any()
    assert (held.version - version, held_t._version - version_t) == (1, 1)  # a counted write
    # the next backward accumulates into the zeros: the fresh gradient, as torch's
    ours(x).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    np.testing.assert_allclose(held.numpy(), theirs.bias.grad.numpy(), rtol=1e-15)
    ours.zero_grad()  # the default stays set_to_none=True
    assert ours.bias.grad is None
    one = am.tensor([1.0])
    ours.bias.grad = one.broadcast_to((3,))  # read-only memory: zeros of its own instead
    ours.zero_grad(set_to_none=False)
    assert ours.bias.grad.numpy().tolist() == [0.0, 0.0, 0.0] and one.item() == 1.0


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_zero_grad_without_set_to_none_cuts_a_create_graph_gradient_from_its_graph():
    x = rng().standard_normal((4, 2))
    ours, theirs = nn.Linear(2, 1, rng=rng()), torch.nn.Linear(2, 1).double()
    (ours(x) ** 3).sum().backward(create_graph=True)
    (theirs(torch.from_numpy(x)) ** 3).sum().backward(create_graph=True)
    held, held_t = ours.weight.grad, theirs.weight.grad
    assert not held.is_leaf and held_t.grad_fn is not None
    ours.zero_grad(set_to_none=False)
    theirs.zero_grad(set_to_none=False)
    for grad in (ours.weight.grad, theirs.weight.grad):
        assert grad.is_leaf and not grad.requires_grad
    assert not ours.weight.grad.numpy().any() and not theirs.weight.grad.numpy().any()
    assert not held.numpy().any()  # the same memory as the new .grad, as torch's
    ours(x).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-15)


def test_module_requires_grad_freezes_and_unfreezes_every_parameter_as_torch():
    ours, theirs = Net(), torch.nn.Linear(2, 1)
    assert ours.requires_grad_(False) is ours and theirs.requires_grad_(False) is theirs
    assert not any(p.requires_grad for p in ours.parameters())
    ours.block.fc.requires_grad_()
    sum(out.sum() for out in ours(am.tensor(np.ones((4, 2)), requires_grad=True))).backward()
    assert [n for n, p in ours.named_parameters() if p.grad is not None] == [
        "block.fc.weight",
        "block.fc.bias",
    ]


def test_state_dict_lists_a_tied_module_under_each_name_as_torch():
    def build(nn_):
        class Tied(nn_.Module):
            def __init__(self):
                super().__init__()
                self.l1 = nn_.Linear(2, 2)
                self.norm = nn_.BatchNorm1d(2)
                self.l2 = self.l1  # weight tying: one module, two names
                self.stack = nn_.Sequential(self.norm, nn_.Linear(2, 2), self.l1)
                self.stack[1].weight = self.l1.weight  # a tied parameter

        return Tied()

    ours, theirs = build(nn), build(torch.nn).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 5  # each once
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    # a checkpoint of torch's tied model loads strictly, and the tied tensors take its values
    state = {k: v.numpy() + 1.0 for k, v in theirs.state_dict().items()}
    assert ours.load_state_dict(state) == ([], [])
    for name, value in ours.state_dict().items():
        np.testing.assert_array_equal(value, state[name])
    assert ours.l2.weight is ours.l1.weight is ours.stack[1].weight


def test_train_and_eval_set_the_training_flag_on_every_module():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net and not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_calling_a_module_records_its_forward_in_its_scope_outermost_first():
    model = nn.MLP([3, 4, 1], activation="sigmoid", output_activation="sigmoid")
    out, trace = model.forward_trace(np.ones((2, 3)))
    assert trace.z[0].grad_fn.scope == (model, model.layers[0])  # the add of the bias
    assert out.grad_fn.scope == (model, model.output_activation)
    assert am.tensor(1.0, requires_grad=True).exp().grad_fn.scope == ()


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1.0)


def test_ops_on_parameters_give_plain_tensors_and_plain_gradients():
    w = nn.Parameter(np.ones(3))
    y = (w * 2).sum()
    y.backward()
    assert type(y) is am.Tensor and type(w.T) is am.Tensor and type(w.grad) is am.Tensor
    assert isinstance(w, am.Tensor) and w.requires_grad and w.is_leaf


def test_repr_reads_like_pytorch():
    model = nn.MLP([3, 4, 1], activation="leaky_relu", output_activation="sigmoid")
    assert repr(model) == (
        "MLP(\n"
        "  (layers): ModuleList(\n"
        "    (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (1): Linear(in_features=4, out_features=1, bias=True)\n"
        "  )\n"
        "  (activation): LeakyReLU(negative_slope=0.01)\n"
        "  (output_activation): Sigmoid()\n"
        ")"
    )
    assert repr(nn.Sequential(nn.Linear(2, 2, bias=False), nn.Softmax())) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=2, bias=False)\n"
        "  (1): Softmax(axis=-1)\n"
        ")"
    )


# --- Linear --------------------------------------------------------------------------------------


def test_linear_weight_is_out_by_in_and_computes_x_at_w_transposed_plus_b():
    layer = nn.Linear(3, 2, rng=rng())
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    x = rng(1).standard_normal((5, 3))
    W, b = layer.weight.numpy(), layer.bias.numpy()
    np.testing.assert_allclose(layer(x).numpy(), x @ W.T + b, rtol=1e-14)
    np.testing.assert_allclose(layer(x[0]).numpy(), W @ x[0] + b, rtol=1e-14)  # z = W a + b
    assert layer(x[0]).shape == (2,)
    assert layer(np.ones((4, 5, 3))).shape == (4, 5, 2)


def test_linear_without_bias_has_only_a_weight():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_allclose(layer(np.ones(3)).numpy(), layer.weight.numpy().sum(axis=1))


def test_linear_input_of_the_wrong_size_is_a_value_error_naming_the_layer_and_shapes():
    model = nn.MLP([3, 4, 2])
    with pytest.raises(
        ValueError, match=r"Linear 'layers.0' \(3 → 4\).*size 3, got shape \(5, 2\)"
    ):
        model(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"size 4, got shape \(3,\)"):
        model.layers[1](np.ones(3))


def test_linear_gradients_match_central_differences():
    layer = nn.Linear(3, 2, rng=rng())
    x = am.tensor(rng(1).standard_normal((4, 3)), requires_grad=True)
    # gradcheck perturbs the parameters' arrays in place, so layer(x) sees every perturbation
    assert am.gradcheck(lambda x, w, b: layer(x).tanh(), [x, layer.weight, layer.bias])
    assert am.gradcheck(
        lambda x: layer(x), [am.tensor(rng(2).standard_normal(3), requires_grad=True)]
    )


def test_linear_matches_torch_forward_and_gradients():
    layer = nn.Linear(3, 2, rng=rng())
    ref = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(layer.weight.numpy()))
        ref.bias.copy_(torch.from_numpy(layer.bias.numpy()))
    x = rng(1).standard_normal((4, 3))
    layer(x).tanh().sum().backward()
    ref(torch.from_numpy(x)).tanh().sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.numpy(), ref.bias.grad.numpy(), rtol=1e-12)


def test_linear_is_seeded_by_a_generator_or_by_numpy_global_seed():
    a, b = nn.Linear(4, 3, rng=rng(7)), nn.Linear(4, 3, rng=rng(7))
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    np.testing.assert_array_equal(a.bias.numpy(), b.bias.numpy())
    assert not np.array_equal(a.weight.numpy(), nn.Linear(4, 3, rng=rng(8)).weight.numpy())
    np.random.seed(3)
    c = nn.Linear(4, 3)
    np.random.seed(3)
    d = nn.Linear(4, 3)
    np.testing.assert_array_equal(c.weight.numpy(), d.weight.numpy())


def test_linear_default_init_is_pytorchs_uniform_within_one_over_sqrt_fan_in():
    layer = nn.Linear(400, 300, rng=rng())
    bound = 1 / math.sqrt(400)
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.bias.numpy()).max() <= bound
    assert layer.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_linear_keeps_float32_end_to_end_when_asked():
    layer = nn.Linear(3, 2, dtype=np.float32)
    out = layer(np.ones((2, 3), dtype=np.float32))
    out.sum().backward()
    assert out.dtype == layer.weight.dtype == layer.weight.grad.dtype == np.float32


def test_linear_init_by_name_or_callable_and_unknown_names_are_refused():
    layer = nn.Linear(50, 40, rng=rng(), init="xavier_normal")
    assert layer.weight.numpy().std() == pytest.approx(math.sqrt(2 / 90), rel=0.05)
    assert np.all(layer.bias.numpy() == 0)
    layer = nn.Linear(3, 2, init=lambda w, rng=None: nn.init.constant_(w, 0.5))
    assert np.all(layer.weight.numpy() == 0.5)
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        nn.Linear(3, 2, init="glorot")


# --- nn.init -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheme, kwargs, std",
    [
        (nn.init.xavier_uniform_, {}, math.sqrt(2 / (300 + 200))),
        (nn.init.xavier_normal_, {"gain": 5 / 3}, 5 / 3 * math.sqrt(2 / (300 + 200))),
        (nn.init.glorot_uniform_, {}, math.sqrt(2 / (300 + 200))),
        (nn.init.kaiming_uniform_, {}, math.sqrt(2 / 300)),
        (nn.init.kaiming_normal_, {"mode": "fan_out"}, math.sqrt(2 / 200)),
        (nn.init.he_normal_, {"nonlinearity": "tanh"}, 5 / 3 / math.sqrt(300)),
    ],
)
def test_init_schemes_have_the_stated_standard_deviation(scheme, kwargs, std):
    w = np.empty((200, 300))  # (out, in): fan_in = 300, fan_out = 200
    scheme(w, rng=rng(), **kwargs)
    assert w.std() == pytest.approx(std, rel=0.02)
    assert abs(w.mean()) < 0.02 * std * 10


def test_uniform_schemes_stay_within_their_bound():
    w = am.Tensor(np.empty((200, 300)))
    assert nn.init.xavier_uniform_(w, rng=rng()) is w
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 500)
    nn.init.kaiming_uniform_(w, rng=rng())
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 300)


def test_init_gains_match_torch():
    names = ["linear", "conv1d", "conv2d", "conv_transpose3d", "sigmoid", "tanh", "relu", "selu"]
    for name in [*names, "leaky_relu"]:
        assert nn.init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    for slope in (0, 0.2, 3, math.sqrt(5)):
        assert nn.init.calculate_gain("leaky_relu", slope) == pytest.approx(
            torch.nn.init.calculate_gain("leaky_relu", slope)
        )
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="slope must be a number, got True"):
        nn.init.calculate_gain("leaky_relu", True)  # torch refuses a bool slope too


@pytest.mark.parametrize("a", [0.0, 0.2, math.sqrt(5.0)])
@pytest.mark.parametrize(
    "kwargs", [{}, {"mode": "fan_out"}, {"nonlinearity": "relu"}, {"nonlinearity": "tanh"}]
)
def test_kaiming_init_draws_from_torchs_distribution_whatever_the_slope(a, kwargs):
    # torch's default nonlinearity is leaky_relu, whose gain reads the slope a: with a = √5
    # (torch's own idiom for Linear) the bound is 1/√fan_in, not ReLU's √6/√fan_in
    torch.manual_seed(0)
    ours, theirs = np.empty((1000, 400)), torch.empty(1000, 400, dtype=torch.float64)
    nn.init.kaiming_uniform_(ours, a=a, rng=rng(), **kwargs)
    torch.nn.init.kaiming_uniform_(theirs, a=a, **kwargs)
    assert np.abs(ours).max() == pytest.approx(theirs.abs().max().item(), rel=1e-4)
    nn.init.kaiming_normal_(ours, a=a, rng=rng(1), **kwargs)
    torch.nn.init.kaiming_normal_(theirs, a=a, **kwargs)
    assert ours.std() == pytest.approx(theirs.std().item(), rel=5e-3)


def test_kaiming_init_leaves_an_empty_weight_as_torch_does():
    for shape in [(0, 3), (3, 0)]:
        w = np.empty(shape)
        assert nn.init.kaiming_uniform_(w) is w and nn.init.kaiming_normal_(w) is w
        with pytest.warns(UserWarning, match="no-op"):
            torch.nn.init.kaiming_uniform_(torch.empty(shape))


def test_linear_default_init_draws_from_torch_linears_distribution():
    ours = nn.Linear(400, 1000, rng=rng())
    torch.manual_seed(0)
    theirs = torch.nn.Linear(400, 1000, dtype=torch.float64)
    for mine, torchs in [(ours.weight, theirs.weight), (ours.bias, theirs.bias)]:
        assert np.abs(mine.numpy()).max() == pytest.approx(torchs.abs().max().item(), rel=1e-2)
    assert ours.weight.numpy().std() == pytest.approx(theirs.weight.std().item(), rel=5e-3)


def test_zeros_and_fans():
    w = np.ones((3, 5))
    nn.init.zeros_(w)
    assert np.all(w == 0) and nn.init.fans(w) == (5, 3)
    with pytest.raises(ValueError, match="2-D weight"):
        nn.init.xavier_uniform_(np.ones(3))


# --- activations and Sequential ------------------------------------------------------------------


def test_activation_modules_apply_the_tensor_functions():
    x = am.tensor(rng().standard_normal((4, 3)))
    for module, expected in [
        (nn.Sigmoid(), x.sigmoid()),
        (nn.Tanh(), x.tanh()),
        (nn.ReLU(), x.relu()),
        (nn.LeakyReLU(0.2), x.leaky_relu(0.2)),
        (nn.Softmax(axis=0), x.softmax(axis=0)),
        (nn.LogSoftmax(), x.log_softmax()),
    ]:
        np.testing.assert_array_equal(module(x).numpy(), expected.numpy())
    assert nn.Identity()(x) is x
    np.testing.assert_allclose(nn.functional.relu(x).numpy(), x.relu().numpy())


def test_sequential_applies_modules_in_order_and_names_them_by_position():
    model = nn.Sequential(nn.Linear(2, 3, rng=rng()), nn.Tanh(), nn.Linear(3, 1, rng=rng(1)))
    x = rng(2).standard_normal((5, 2))
    expected = model[2](model[0](x).tanh())
    np.testing.assert_allclose(model(x).numpy(), expected.numpy())
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(model) == 3 and isinstance(model[1], nn.Tanh)


# --- MLP -----------------------------------------------------------------------------------------


def test_mlp_of_the_chain_rule_question_has_the_3_3_3_1_sigmoid_layout():
    model = nn.MLP([3, 3, 3, 1], activation="sigmoid", output_activation="sigmoid", rng=rng())
    assert [layer.weight.shape for layer in model.layers] == [(3, 3), (3, 3), (1, 3)]
    assert model.depth == 3
    out = model(np.ones((5, 3)))
    assert out.shape == (5, 1) and np.all((out.numpy() > 0) & (out.numpy() < 1))


def test_mlp_trace_holds_every_z_and_a_named_with_1_based_layer_numbers():
    model = nn.MLP([3, 4, 4, 2], activation="tanh", output_activation="sigmoid", rng=rng())
    x = rng(1).standard_normal((5, 3))
    out, trace = model.forward_trace(x)
    assert len(trace.z) == 3 and len(trace.a) == 4 and trace.a[-1] is out
    assert [z.name for z in trace.z] == ["z1", "z2", "z3"]
    assert [a.name for a in trace.a] == ["a0", "a1", "a2", "a3"]
    np.testing.assert_array_equal(trace.a[0].numpy(), x)
    for n, layer in enumerate(model.layers, start=1):
        W, b = layer.weight.numpy(), layer.bias.numpy()
        np.testing.assert_allclose(trace.z[n - 1].numpy(), trace.a[n - 1].numpy() @ W.T + b)
    np.testing.assert_allclose(trace.a[1].numpy(), np.tanh(trace.z[0].numpy()))
    np.testing.assert_allclose(trace.a[3].numpy(), 1 / (1 + np.exp(-trace.z[2].numpy())))
    again, trace2 = model(x, return_trace=True)
    np.testing.assert_array_equal(again.numpy(), out.numpy())


def test_mlp_with_identity_output_returns_z_L_itself_and_keeps_its_name():
    model = nn.MLP([2, 3, 1], activation="relu", rng=rng())
    out, trace = model.forward_trace(np.ones((4, 2)))
    assert out is trace.z[-1] and out.name == "z2"


def test_mlp_leaves_a_users_input_tensor_unrenamed():
    x = am.tensor(np.ones((2, 2)), name="x")
    _, trace = nn.MLP([2, 2]).forward_trace(x)
    assert trace.a[0] is x and x.name == "x"


def test_mlp_wraps_an_array_input_without_copying_it():
    x = np.ones((3, 2))
    _, trace = nn.MLP([2, 2]).forward_trace(x)
    assert trace.a[0].numpy() is x and trace.a[0].name == "a0"  # a constant: no copy per step


def test_retained_z_gradients_are_the_deltas_that_torch_computes():
    model = nn.MLP([3, 3, 3, 1], activation="sigmoid", output_activation="sigmoid", rng=rng())
    x, t = rng(1).standard_normal((4, 3)), rng(2).random((4, 1))
    out, trace = model.forward_trace(x)
    for z in trace.z:
        z.retain_grad()
    nn.half_sum_squared_error(out, t).backward()

    a = torch.from_numpy(x)
    zs = []
    for layer in model.layers:
        W = torch.tensor(layer.weight.numpy(), requires_grad=True)
        z = a @ W.T + torch.from_numpy(layer.bias.numpy())
        z.retain_grad()
        zs.append((z, W))
        a = torch.sigmoid(z)
    (0.5 * ((torch.from_numpy(t) - a) ** 2).sum()).backward()
    for (z_ref, W_ref), z, layer in zip(zs, trace.z, model.layers, strict=True):
        np.testing.assert_allclose(z.grad.numpy(), z_ref.grad.numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.weight.grad.numpy(), W_ref.grad.numpy(), rtol=1e-12)


def test_mlp_parameter_gradients_match_central_differences():
    model = nn.MLP([3, 4, 2], activation="tanh", output_activation="sigmoid", rng=rng())
    x, t = rng(1).standard_normal((5, 3)), rng(2).random((5, 2))
    params = list(model.parameters())

    def error(*ps):
        return nn.half_sum_squared_error(model(x), t)

    assert am.gradcheck(error, params)


def test_mlp_weights_and_biases_are_copies_in_the_manual_network_layout():
    model = nn.MLP([3, 4, 2], rng=rng())
    weights, biases = model.weights(), model.biases()
    assert [w.shape for w in weights] == [(4, 3), (2, 4)]
    assert [b.shape for b in biases] == [(4,), (2,)]
    weights[0][...] = 0
    assert not np.all(model.layers[0].weight.numpy() == 0)
    assert all(np.all(b == 0) for b in nn.MLP([3, 2], bias=False).biases())


def test_mlp_from_arrays_holds_the_given_weights():
    model = nn.MLP([3, 4, 2], activation="sigmoid", rng=rng())
    copy = nn.MLP.from_arrays(model.weights(), model.biases(), activation="sigmoid")
    x = rng(1).standard_normal((3, 3))
    np.testing.assert_array_equal(copy(x).numpy(), model(x).numpy())
    assert copy.sizes == [3, 4, 2]


def test_mlp_rejects_bad_sizes_and_unknown_activations():
    with pytest.raises(ValueError, match="sizes"):
        nn.MLP([3])
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([3, 2], activation="swish")


def test_mlp_accepts_activation_modules():
    model = nn.MLP([2, 3, 1], activation=nn.LeakyReLU(0.3))
    assert model.activation.negative_slope == 0.3


# --- losses --------------------------------------------------------------------------------------

LOSSES_WITH_TARGETS = [
    (nn.mse_loss, lambda r: (r.standard_normal((4, 3)), r.standard_normal((4, 3)))),
    (nn.half_sum_squared_error, lambda r: (r.standard_normal((4, 3)), r.standard_normal((4, 3)))),
    (nn.binary_cross_entropy, lambda r: (r.uniform(0.05, 0.95, (4, 3)), r.random((4, 3)))),
    (
        nn.binary_cross_entropy_with_logits,
        lambda r: (3 * r.standard_normal((4, 3)), r.random((4, 3))),
    ),
]


@pytest.mark.parametrize("loss, make", LOSSES_WITH_TARGETS)
def test_losses_gradients_match_central_differences(loss, make):
    prediction, target = make(rng())
    assert am.gradcheck(lambda p: loss(p, target), [prediction])


def test_cross_entropy_gradient_matches_central_differences():
    logits, labels = rng().standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    assert am.gradcheck(lambda z: nn.cross_entropy(z, labels), [logits])
    assert am.gradcheck(lambda z: nn.cross_entropy(z, labels, reduction="none"), [logits])


def test_half_sum_squared_error_is_half_the_summed_squares_with_gradient_out_minus_t():
    out = am.tensor([[0.2, 0.9], [0.4, 0.1]], requires_grad=True)
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    e = nn.half_sum_squared_error(out, t)
    assert e.item() == pytest.approx(0.5 * (0.04 + 0.01 + 0.36 + 0.01))
    e.backward()
    np.testing.assert_allclose(out.grad.numpy(), out.numpy() - t)
    assert nn.HalfSumSquaredError()(out, t).item() == e.item()


def _torch_pair(torch, loss_am, loss_torch, prediction, target, **kwargs):
    """Values and prediction gradients of an autograd_mini loss and its PyTorch twin."""
    p = am.tensor(prediction, requires_grad=True)
    value = loss_am(p, target, **kwargs)
    value.backward(np.ones(value.shape))
    p_ref = torch.tensor(prediction, requires_grad=True)
    target_ref = torch.from_numpy(np.asarray(target))
    ref = loss_torch(p_ref, target_ref, **kwargs)
    ref.backward(torch.ones_like(ref))
    return (value.numpy(), p.grad.numpy()), (ref.detach().numpy(), p_ref.grad.numpy())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_equal_torch_values_and_gradients(reduction):
    F = torch.nn.functional
    r = rng()
    logits = 4 * r.standard_normal((6, 3))
    cases = [
        (nn.mse_loss, F.mse_loss, r.standard_normal((6, 3)), r.standard_normal((6, 3))),
        (nn.binary_cross_entropy, F.binary_cross_entropy, r.random((6, 3)), r.random((6, 3))),
        (
            nn.binary_cross_entropy_with_logits,
            F.binary_cross_entropy_with_logits,
            logits,
            r.random((6, 3)),
        ),
        (nn.cross_entropy, F.cross_entropy, logits, r.integers(0, 3, 6)),
        (nn.cross_entropy, F.cross_entropy, logits, r.dirichlet(np.ones(3), 6)),  # soft targets
        (nn.nll_loss, F.nll_loss, np.log(r.dirichlet(np.ones(3), 6)), r.integers(0, 3, 6)),
    ]
    for ours, theirs, prediction, target in cases:
        (v, g), (v_ref, g_ref) = _torch_pair(
            torch, ours, theirs, prediction, target, reduction=reduction
        )
        np.testing.assert_allclose(v, v_ref, rtol=1e-12, atol=1e-14, err_msg=ours.__name__)
        np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-14, err_msg=ours.__name__)


def test_cross_entropy_of_a_single_sample_equals_torch():
    logits = rng().standard_normal(4)
    (v, g), (v_ref, g_ref) = _torch_pair(
        torch, nn.cross_entropy, torch.nn.functional.cross_entropy, logits, np.array(2)
    )
    np.testing.assert_allclose(v, v_ref, rtol=1e-12)
    np.testing.assert_allclose(g, g_ref, rtol=1e-10)
    assert nn.cross_entropy(logits, 2, reduction="none").shape == ()


def test_cross_entropy_is_stable_for_huge_logits_and_equals_torch():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    labels = np.array([1, 2])
    (v, g), (v_ref, g_ref) = _torch_pair(
        torch, nn.cross_entropy, torch.nn.functional.cross_entropy, logits, labels
    )
    assert np.isfinite(v) and np.all(np.isfinite(g))
    np.testing.assert_allclose(v, v_ref, rtol=1e-12)
    np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-300)


def test_bce_with_logits_is_stable_for_logits_near_1000():
    logits = np.array([1000.0, -1000.0, 800.0, -800.0, 0.0])
    target = np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    (v, g), (v_ref, g_ref) = _torch_pair(
        torch,
        nn.binary_cross_entropy_with_logits,
        torch.nn.functional.binary_cross_entropy_with_logits,
        logits,
        target,
        reduction="none",
    )
    np.testing.assert_allclose(v, [1000.0, 1000.0, 0.0, 0.0, math.log(2)], rtol=1e-12)
    np.testing.assert_allclose(v, v_ref, rtol=1e-12)
    np.testing.assert_allclose(g, g_ref, rtol=1e-12)


def test_bce_of_probabilities_0_and_1_is_finite_as_torchs_clamped_log():
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    loss = nn.binary_cross_entropy(p, t, reduction="none").numpy()
    ref = torch.nn.functional.binary_cross_entropy(
        torch.from_numpy(p), torch.from_numpy(t), reduction="none"
    )
    np.testing.assert_allclose(loss, ref.numpy(), rtol=1e-12)
    np.testing.assert_allclose(loss, [100.0, 100.0, 0.0, 0.0], rtol=1e-12)
    for dtype in (np.float32, np.float64):  # float32: e⁻¹⁰⁰ is subnormal, 1/p would overflow
        prob = am.tensor(p.astype(dtype), requires_grad=True)
        value = nn.binary_cross_entropy(prob, t.astype(dtype))
        value.backward()
        assert value.item() == pytest.approx(50.0, rel=1e-6)
        assert prob.grad.dtype == dtype and np.all(np.isfinite(prob.grad.numpy()))
    with pytest.raises(ValueError, match=r"\[0, 1\].*with_logits"):
        nn.binary_cross_entropy(np.array([1.5]), np.array([1.0]))


@pytest.mark.parametrize(
    "loss",
    [
        nn.mse_loss,
        nn.half_sum_squared_error,
        nn.binary_cross_entropy,
        nn.binary_cross_entropy_with_logits,
    ],
)
def test_shape_mismatch_is_a_value_error_naming_the_loss_and_both_shapes(loss):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: .*\(4, 1\).*\(4,\)"):
        loss(am.tensor(np.full((4, 1), 0.5)), np.full(4, 0.5))


def test_cross_entropy_checks_labels():
    logits = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"\(3, 4\).*shape \(2,\)"):
        nn.cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        nn.cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(TypeError, match="integers"):
        nn.cross_entropy(logits, np.array([0.5, 1.0, 2.0]))
    # classes on axis 1: scores (N, C, d) take labels (N, d)
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*labels of shape \(2, 4\), got .*\(2,\)"):
        nn.cross_entropy(np.zeros((2, 3, 4)), np.array([0, 1]))


def test_cross_entropy_accepts_int_tensors_and_whole_float_labels():
    logits = rng().standard_normal((3, 4))
    expected = nn.cross_entropy(logits, np.array([0, 3, 1])).item()
    assert nn.cross_entropy(logits, am.tensor(np.array([0, 3, 1]))).item() == expected
    assert nn.cross_entropy(logits, am.tensor([0, 3, 1])).item() == expected  # float64 tensor


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction"):
        nn.mse_loss(np.ones(2), np.ones(2), reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="avg")


def test_loss_modules_equal_the_functions():
    r = rng()
    p, t = r.random((4, 2)), r.random((4, 2))
    logits, labels = r.standard_normal((4, 3)), np.array([0, 2, 1, 1])
    assert nn.MSELoss("sum")(p, t).item() == nn.mse_loss(p, t, "sum").item()
    assert nn.BCELoss()(p, t).item() == nn.binary_cross_entropy(p, t).item()
    assert nn.BCEWithLogitsLoss()(p, t).item() == nn.binary_cross_entropy_with_logits(p, t).item()
    assert nn.CrossEntropyLoss()(logits, labels).item() == nn.cross_entropy(logits, labels).item()
    assert repr(nn.MSELoss()) == "MSELoss(reduction='mean')"


def _class_data(r):
    return r.standard_normal((4, 3, 2)), np.array([[0, 2], [-100, 1], [2, 2], [1, -100]])


W3 = np.array([0.5, 2.0, 1.5])
LOSS_MODULE_PAIRS = {
    "CrossEntropyLoss-options": (
        lambda: nn.CrossEntropyLoss(W3, label_smoothing=0.2),
        lambda: torch.nn.CrossEntropyLoss(torch.tensor(W3), label_smoothing=0.2),
        _class_data,
    ),
    "CrossEntropyLoss-ignore_index": (
        lambda: nn.CrossEntropyLoss(ignore_index=2, reduction="sum"),
        lambda: torch.nn.CrossEntropyLoss(ignore_index=2, reduction="sum"),
        lambda r: (r.standard_normal((4, 3)), np.array([2, 0, 1, 2])),
    ),
    "NLLLoss-weight": (
        lambda: nn.NLLLoss(W3),
        lambda: torch.nn.NLLLoss(torch.tensor(W3)),
        _class_data,
    ),
    "BCEWithLogitsLoss-pos_weight": (
        lambda: nn.BCEWithLogitsLoss(pos_weight=W3),
        lambda: torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(W3)),
        lambda r: (r.standard_normal((4, 3)), r.random((4, 3))),
    ),
    "BCELoss-weight": (
        lambda: nn.BCELoss(W3, reduction="sum"),
        lambda: torch.nn.BCELoss(torch.tensor(W3), reduction="sum"),
        lambda r: (r.uniform(0.1, 0.9, (4, 3)), r.random((4, 3))),
    ),
    "L1Loss": (nn.L1Loss, torch.nn.L1Loss, lambda r: (r.standard_normal(5), r.standard_normal(5))),
    "HuberLoss": (
        lambda: nn.HuberLoss(delta=0.5),
        lambda: torch.nn.HuberLoss(delta=0.5),
        lambda r: (r.standard_normal(5), r.standard_normal(5)),
    ),
    "SmoothL1Loss": (
        lambda: nn.SmoothL1Loss(beta=0.5, reduction="none"),
        lambda: torch.nn.SmoothL1Loss(beta=0.5, reduction="none"),
        lambda r: (r.standard_normal(5), r.standard_normal(5)),
    ),
    "KLDivLoss": (
        lambda: nn.KLDivLoss(reduction="batchmean", log_target=True),
        lambda: torch.nn.KLDivLoss(reduction="batchmean", log_target=True),
        lambda r: (np.log(r.dirichlet(np.ones(3), 4)), np.log(r.dirichlet(np.ones(3), 4))),
    ),
}


@pytest.mark.parametrize("name", LOSS_MODULE_PAIRS)
def test_loss_modules_with_options_equal_torch_values_and_gradients(name):
    ours, theirs, data = LOSS_MODULE_PAIRS[name]
    x, target = data(rng())
    xa, xt = am.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ta = target if target.dtype.kind == "i" else am.tensor(target)
    y, u = ours()(xa, ta), theirs()(xt, torch.tensor(target))
    y.sum().backward()
    u.sum().backward()
    np.testing.assert_allclose(y.numpy(), u.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_loss_weights_are_buffers_saved_and_cast_with_the_module():
    loss = nn.CrossEntropyLoss(W3)
    assert list(loss.state_dict()) == ["weight"] and not list(loss.parameters())
    assert loss.to(np.float32).weight.dtype == np.float32
    assert list(nn.BCEWithLogitsLoss(pos_weight=W3).state_dict()) == ["pos_weight"]
    assert list(nn.NLLLoss().state_dict()) == []


def test_cross_entropy_of_an_all_ignored_batch_is_nan_with_zero_gradients_as_torch():
    x = am.tensor(np.ones((3, 4)), requires_grad=True)
    loss = nn.cross_entropy(x, np.full(3, -100))
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))
    assert nn.cross_entropy(x, np.full(3, -100), reduction="sum").item() == 0.0


@pytest.mark.parametrize("loss_fn", ["cross_entropy", "mse_loss"])
def test_a_training_step_leaves_nothing_for_the_cyclic_collector(loss_fn):
    # a graph without reference cycles is freed by reference counting alone
    rng = np.random.default_rng(0)
    model = nn.MLP([4, 8, 3], activation="tanh")
    opt = am.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = rng.standard_normal((5, 4))
    target = rng.integers(0, 3, 5) if loss_fn == "cross_entropy" else rng.standard_normal((5, 3))

    def train():
        for _ in range(3):
            opt.zero_grad()
            loss = getattr(nn, loss_fn)(model(x), target)
            loss.backward()
            opt.step()

    assert cyclic_garbage(train) == []


ACTIVATION_PAIRS = [
    (lambda: nn.Softplus(), lambda: torch.nn.Softplus()),
    (lambda: nn.Softplus(2.0, 3.0), lambda: torch.nn.Softplus(2.0, 3.0)),
    (lambda: nn.SiLU(), lambda: torch.nn.SiLU()),
    (lambda: nn.ELU(), lambda: torch.nn.ELU()),
    (lambda: nn.ELU(0.3), lambda: torch.nn.ELU(0.3)),
    (lambda: nn.SELU(), lambda: torch.nn.SELU()),
    (lambda: nn.GELU(), lambda: torch.nn.GELU()),
    (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
    (lambda: nn.Mish(), lambda: torch.nn.Mish()),
    (lambda: nn.Softsign(), lambda: torch.nn.Softsign()),
    (lambda: nn.Hardtanh(), lambda: torch.nn.Hardtanh()),
    (lambda: nn.Hardtanh(-0.5, 2.0), lambda: torch.nn.Hardtanh(-0.5, 2.0)),
    (lambda: nn.ReLU6(), lambda: torch.nn.ReLU6()),
    (lambda: nn.Hardsigmoid(), lambda: torch.nn.Hardsigmoid()),
    (lambda: nn.LogSigmoid(), lambda: torch.nn.LogSigmoid()),
]


@pytest.mark.parametrize("ours, theirs", ACTIVATION_PAIRS)
def test_activation_modules_match_torch_values_gradients_and_repr(ours, theirs):
    data = np.linspace(-7.5, 7.5, 31).reshape(1, 31)  # both kinks of relu6 and hardtanh inside
    ours, theirs = ours(), theirs()
    x = am.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    y, u = ours(x), theirs(t)
    (y * am.tensor(np.cos(data))).sum().backward()
    (u * torch.tensor(np.cos(data))).sum().backward()
    np.testing.assert_allclose(y.numpy(), u.detach().numpy(), rtol=1e-12, atol=1e-15)
    # torch's hardsigmoid adjoint is v times a float32 1/6 (README, deliberate differences)
    rtol = 1e-7 if isinstance(ours, nn.Hardsigmoid) else 1e-12
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=1e-15)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "name", ["softplus", "silu", "elu", "selu", "gelu", "mish", "hardtanh", "relu6", "logsigmoid"]
)
def test_mlp_takes_every_activation_by_name(name):
    model = nn.MLP([3, 4, 1], activation=name, rng=rng())
    assert type(model.activation) is nn.activations.ACTIVATIONS[name]
    x = am.tensor(rng(1).standard_normal((2, 3)))
    expected = model.layers[1](getattr(model.layers[0](x), name)())
    np.testing.assert_array_equal(model(x).numpy(), expected.numpy())


def test_functional_forms_are_the_tensor_ops():
    x = am.tensor(np.linspace(-3, 3, 7))
    for name in ["silu", "elu", "selu", "gelu", "mish", "softsign", "hardtanh", "relu6",
                 "hardsigmoid", "logsigmoid"]:  # fmt: skip
        np.testing.assert_array_equal(
            getattr(nn.functional, name)(x).numpy(), getattr(x, name)().numpy()
        )


def test_a_module_refuses_what_pytorch_refuses_over_its_registered_names():
    """Linear(bias=False) keeps `bias` for a Parameter or None; a sub-module's name takes a
    Module or None; each as torch.nn (a Tensor accepted there silently left the module)."""
    for m, lin in ((am, nn.Linear(2, 1, bias=False)), (torch, torch.nn.Linear(2, 1, bias=False))):
        with pytest.raises(TypeError):
            lin.bias = m.ones(1)
    for m, outer, inner in (
        (am, nn.Module(), nn.Linear(2, 2)),
        (torch, torch.nn.Module(), torch.nn.Linear(2, 2)),
    ):
        outer.child = inner
        with pytest.raises(TypeError):
            outer.child = m.ones(1)
        outer.child = None  # None is taken, as in PyTorch
        assert outer.child is None


def test_a_deleted_buffer_frees_its_name_and_a_cycle_of_modules_is_named_without_recursion():
    bn = nn.BatchNorm1d(2)
    del bn.running_mean
    bn.running_mean = am.ones(2)  # a plain attribute now: not a buffer
    assert "running_mean" not in bn.state_dict()
    a, b = nn.Module(), nn.Module()
    a.b = b
    b.a = a  # held by what it holds: naming it walks the cycle once
    assert list(a.named_parameters()) == []


def test_archive_error_is_public():
    assert issubclass(am.ArchiveError, ValueError)


def test_the_state_dict_of_a_module_holding_its_parent_is_refused_not_endless():
    """PyTorch recurses until RecursionError; here a ValueError says why."""
    outer, inner = nn.Module(), nn.Linear(2, 2)
    outer.inner = inner
    inner.parent = outer
    with pytest.raises(ValueError, match="state_dict: .* holds a module that holds it"):
        outer.state_dict()
    with pytest.raises(ValueError, match="a cycle"):
        outer.load_state_dict({})
