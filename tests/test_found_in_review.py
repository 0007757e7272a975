"""What a review by someone trying to break the package found: code a user writes every day that
crashed where PyTorch works, trained differently from PyTorch, or passed silently where PyTorch
raises. Each test says what the user tried and checks PyTorch's answer."""

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import nn, optim
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


# --- optim: a 0-d parameter (a learned temperature or scale) --------------------------------------


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_with_weight_decay_updates_a_0_d_parameter_as_pytorch(nesterov):
    """SGD(momentum=0.9, weight_decay=...) over a scalar parameter: its momentum buffer was a
    NumPy scalar that `buf *= momentum` rebound, so momentum never built up."""
    ours = am.tensor(0.7, requires_grad=True)
    theirs = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    kw = dict(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=nesterov)
    opt_ours, opt_theirs = optim.SGD([ours], **kw), torch.optim.SGD([theirs], **kw)
    for _ in range(5):
        opt_ours.zero_grad()
        opt_theirs.zero_grad()
        (3 * ours.sin() + ours**2).backward()
        (3 * theirs.sin() + theirs**2).backward()
        opt_ours.step()
        opt_theirs.step()
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    buffer = opt_theirs.state[theirs]["momentum_buffer"].numpy()
    np.testing.assert_allclose(opt_ours.state[ours]["momentum_buffer"], buffer, rtol=1e-12)


# --- functional transforms ----------------------------------------------------------------------


def test_hessian_with_a_tuple_of_argnums_says_that_argnums_must_be_an_int():
    """am.hessian(f, argnums=(0, 1)), as torch.func.hessian takes it: the error blamed f's
    output ("jacfwd: f must return a Tensor, got tuple") for what the call asked."""

    def f(a, b):
        return (a * b.sum()).prod()

    with pytest.raises(TypeError, match=r"hessian: argnums must be an int, got \(0, 1\)"):
        am.hessian(f, argnums=(0, 1))
    # the block the message points to is torch.func.hessian's off-diagonal block
    a, b = np.array([0.5, -1.5]), np.array([2.0, 0.25, 1.0])
    block = am.jacfwd(am.grad(f, 0), 1)(a, b)
    theirs = torch.func.hessian(f, argnums=(0, 1))(torch.tensor(a), torch.tensor(b))[0][1]
    np.testing.assert_allclose(block.data, theirs.numpy(), rtol=1e-12)
