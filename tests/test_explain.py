"""explain(): the table of δ from autodiff next to each hand-written convention."""

import numpy as np

from autograd_mini import nn
from autograd_mini.explain import build_parser, explain, main


def test_explain_finds_every_convention_equal_to_autodiff():
    rng = np.random.default_rng(0)
    model = nn.MLP([3, 4, 4, 2], "tanh", "sigmoid", rng=rng)
    x, target = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2))
    result = explain(model, x, target, quiet=True)
    assert len(result.deltas) == 3
    for layer in result.differences:
        assert max(layer["matrix δ"], layer["per-neuron"], layer["∂E/∂a ⊙ φ′"]) < 1e-12
        assert layer["finite diff."] < 1e-6
    assert result.weight_differences["matrix δ"] < 1e-12
    # finite differences perturb every zˡ of every sample and every parameter, twice each
    n_z = 5 * (4 + 4 + 2)
    n_params = sum(layer.weight.size + layer.bias.size for layer in model.layers)
    assert result.forward_passes == 2 * (n_z + n_params)
    assert result.gradient_forward_passes == 2 * n_params  # the gradient alone
    # the article's update is gradient descent only where no φ′ is skipped: the output layer
    assert result.error_first_layers == [False, False, True]


def test_explain_prints_one_row_per_layer(capsys):
    assert main(build_parser().parse_args([])) == 0
    printed = capsys.readouterr().out
    assert "MLP 3-3-3-1 (sigmoid, output sigmoid)" in printed
    rows = [line for line in printed.splitlines() if line[:2] in ("z1", "z2", "z3")]
    assert len(rows) == 3
    # 3-3-3-1: 28 parameters and 7 pre-activations, two forward passes each
    assert "finite differences 56 forward passes for ∂E/∂W and ∂E/∂b (70 with" in printed
    assert "delta is −δ" in printed and "sign is flipped" in printed  # said, not hidden
