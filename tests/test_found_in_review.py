"""What a review by someone trying to break the package found: code a user writes every day that
crashed where PyTorch works, trained differently from PyTorch, or passed silently where PyTorch
raises. Each test says what the user tried and checks PyTorch's answer."""

import numpy as np

import autograd_mini as am
from autograd_mini import nn

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
