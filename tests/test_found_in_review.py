"""What a review by someone trying to break the package found: code a user writes every day that
crashed where PyTorch works, trained differently from PyTorch, or passed silently where PyTorch
raises. Each test says what the user tried and checks PyTorch's answer."""

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.nn import functional as F

# --- nn: layers as PyTorch code builds them -------------------------------------------------------


def test_dropout_built_without_rng_draws_from_numpy_s_global_state():
    """nn.Dropout(0.5)(x) in training mode, with no rng= (as every PyTorch model writes it)."""
    np.random.seed(0)
    x = am.ones((200, 5), requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    assert set(np.unique(y.data)) == {0.0, 2.0}  # dropped, or kept and scaled by 1/(1 − p)
    np.testing.assert_array_equal(x.grad.data, y.data)  # ∂y/∂x is that same mask · 2
    np.random.seed(0)
    again = nn.Dropout(0.5)(np.ones((200, 5)))  # None means np.random, seeded as usual
    np.testing.assert_array_equal(again.data, y.data)


@pytest.mark.parametrize("training", [True, False], ids=["training", "eval"])
def test_batch_norm_refuses_running_statistics_that_require_grad(training):
    """F.batch_norm(x, running_mean, running_var) with statistics that require grad: PyTorch
    raises, where they were read as constants and their gradient silently never came."""
    x = np.random.default_rng(0).standard_normal((4, 3))
    mean, var = np.zeros(3), np.ones(3)
    with pytest.raises(RuntimeError, match="not differentiable"):
        torch.nn.functional.batch_norm(
            torch.tensor(x), torch.tensor(mean, requires_grad=True), torch.tensor(var), None,
            None, training,
        )  # fmt: skip
    with pytest.raises(TypeError, match="batch_norm: running statistics are constants"):
        F.batch_norm(x, am.tensor(mean, requires_grad=True), am.tensor(var), training=training)
    with pytest.raises(TypeError, match="batch_norm: running statistics are constants"):
        F.batch_norm(x, am.tensor(mean), am.tensor(var, requires_grad=True), training=training)
