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


# --- create_graph: a rule that reads its output reads the output the op saved ----------------


@pytest.mark.parametrize("op", ["exp", "sigmoid", "tanh", "sqrt"])
@pytest.mark.parametrize("write", ["through the base", "through detach()", "outside the view"])
def test_create_graph_through_an_output_rule_whose_input_changed_after_the_op(op, write):
    """y = v.exp(), then v's memory written (h[2] = 0 on v's base, v.detach()[0] = 9, or h[0]
    outside v), then backward(create_graph=True): the pass recomputed exp from the changed v,
    silently, then refused; PyTorch differentiates its saved output (first and second)."""
    x0, g = np.array([0.3, 0.7, 1.1]), np.array([1.0, 2.0])

    def program(lib, x):
        h = x * 1
        v = h[1:]
        y = getattr(v, op)()
        if write == "through the base":
            h[2] = 0.0
        elif write == "outside the view":
            h[0] = 5.0  # v's values unchanged: create_graph refused it all the same
        else:
            v.detach()[0] = 9.0
        return y

    x = torch.tensor(x0, requires_grad=True)
    (first,) = torch.autograd.grad(program(torch, x), x, torch.tensor(g), create_graph=True)
    (first * first).sum().backward()
    ours = am.tensor(x0, requires_grad=True)
    program(am, ours).backward(gradient=g)  # a plain pass reads exp's saved output
    np.testing.assert_allclose(ours.grad.data, first.detach().numpy(), rtol=1e-12)
    ours = am.tensor(x0, requires_grad=True)
    (our_first,) = am.engine.gradients(program(am, ours), [ours], g, create_graph=True)
    np.testing.assert_allclose(our_first.data, first.detach().numpy(), rtol=1e-12)
    (our_first * our_first).sum().backward()
    np.testing.assert_allclose(ours.grad.data, x.grad.numpy(), rtol=1e-12)


def test_hessian_through_an_exp_whose_input_was_written_later():
    """am.hessian of f(x) = Σ exp(h[1:]) + Σ h² with h[2] = 0 written after the exp: the
    Hessian's last diagonal entry came out 1 where torch.func.hessian says e^1.1 (then the
    pass refused it)."""

    def f(x):
        h = x * 1
        y = h[1:].exp()
        h[2] = 0.0
        return y.sum() + (h * h).sum()

    x0 = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(
        am.grad(f)(x0).data, torch.func.grad(f)(torch.tensor(x0)).numpy(), rtol=1e-12
    )
    np.testing.assert_allclose(
        am.hessian(f)(x0).data, torch.func.hessian(f)(torch.tensor(x0)).numpy(), rtol=1e-12
    )


# --- a write outside the graph after a recorded in-place op ----------------------------------


@pytest.mark.parametrize("write", ["through detach()", "under no_grad()", "through a view"])
def test_ops_recorded_after_an_unrecorded_write_differentiate_the_written_values(write):
    """y = x * 1; y *= 2; then y[1] = 1.5 outside the graph, then (y * y).sum().backward():
    the forward pass used 1.5, the backward pass the value from before the write (0.4), so
    ∂/∂x₁ was 1.6 where PyTorch says 2 · 1.5 · 2 = 6."""
    x0 = np.array([0.1, 0.2, 0.3])

    def program(lib, x):
        y = x * 1
        y *= 2.0
        if write == "through detach()":
            y.detach()[1] = 1.5
        else:
            target, index = (y, 1) if write == "under no_grad()" else (y[1:], 0)
            with lib.no_grad():
                target[index] = 1.5
        return (y * y).sum()

    x = torch.tensor(x0, requires_grad=True)
    program(torch, x).backward()
    ours = am.tensor(x0, requires_grad=True)
    program(am, ours).backward()
    np.testing.assert_allclose(ours.grad.data, x.grad.numpy(), rtol=1e-12)


def test_a_rule_recorded_before_an_unrecorded_write_to_its_output_reads_what_it_saw():
    """y /= w and z = y.exp() recorded, then y[0] written under no_grad(), then (z * y): the
    division's rule reads its output as it made it, and the product the values written, as
    PyTorch's (which does not refuse this program)."""

    def program(m, x, w):
        y = x * 1
        y /= w
        z = y.exp()
        with m.no_grad():
            y[0] = 5.0
        return (z * y).sum()

    xt = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    wt = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    program(torch, xt, wt).backward()
    x, w = am.tensor([1.0, 2.0], requires_grad=True), am.tensor([3.0, 4.0], requires_grad=True)
    program(am, x, w).backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy(), rtol=1e-12)


# torch warns that .backward(create_graph=True) makes a cycle between a parameter and its grad
IGNORE_GRAD_CYCLE_WARNING = pytest.mark.filterwarnings(
    "ignore:Using backward\\(\\) with create_graph=True:UserWarning"
)


@IGNORE_GRAD_CYCLE_WARNING
def test_a_create_graph_gradient_clipped_in_place_is_differentiated_at_its_clipped_values():
    """backward(create_graph=True), clip_grad_norm_, then a penalty on the clipped gradient
    (a gradient-penalty step): the penalty's gradient used the unclipped values, 36x³ where
    PyTorch gives 2 · g_clipped · 6x."""
    x0 = np.array([1.0, 2.0, 3.0])

    def penalty(m, clip_grad_norm_):
        x = m.tensor(x0, requires_grad=True)
        (x**3).sum().backward(create_graph=True)
        g = x.grad
        clip_grad_norm_([x], 1.0)
        x.grad = None
        (g * g).sum().backward()
        return g, x.grad

    h, ours = penalty(am, am.nn.utils.clip_grad_norm_)
    g, theirs = penalty(torch, torch.nn.utils.clip_grad_norm_)
    np.testing.assert_allclose(h.data, g.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("on", ["an intermediate", "a leaf"])
def test_a_hook_that_changes_its_adjoint_in_place_is_refused(on, create_graph):
    """u.register_hook(lambda g: g.__imul__(10)) where v = u + w: add hands both inputs the
    same adjoint, so w.grad became 10 where PyTorch gives 1 (and asks hooks not to do this)."""
    x, w = am.tensor([1.0, 2.0], requires_grad=True), am.tensor([3.0, 4.0], requires_grad=True)
    u = x * 1 if on == "an intermediate" else x

    def hook(g):
        g *= 10

    u.register_hook(hook)
    with pytest.raises(RuntimeError, match="hook 'hook' changed the adjoint in place"):
        (u + w).sum().backward(create_graph=create_graph)


# --- writes into results that are not views of their input -------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda h: h.diagonal(),
        lambda h: am.diagonal(h, 1),
        lambda h: h.broadcast_to((2, 3, 3)),
        lambda h: np.broadcast_to(h[0], (4, 3)),  # NumPy's function on a tensor
    ],
)
@pytest.mark.parametrize("grad", [False, True])
def test_a_write_into_a_diagonal_or_a_broadcast_is_refused_as_numpy_does(make, grad):
    """d = h.diagonal(); d += w: the write changed a copy, and h silently not at all (NumPy's
    diagonal and broadcast_to are read-only views and refuse; PyTorch's diagonal writes
    through to h)."""
    values = np.arange(9.0).reshape(3, 3)
    h = am.tensor(values, requires_grad=grad)
    out = make(h * 1 if grad else h)
    with pytest.raises(ValueError, match="read-only"):
        np.diagonal(values).__iadd__(1)  # what NumPy does
    with pytest.raises(ValueError, match="read-only.*clone"):
        out += 1
    with pytest.raises(ValueError, match="read-only"):
        out[0] = 5.0
    np.testing.assert_array_equal(h.data, values)
    fresh = out.clone()
    fresh += 1  # a copy is writable
    np.testing.assert_array_equal(fresh.data, out.data + 1)


def test_tile_stays_writable():
    t = am.tile(am.tensor([1.0, 2.0]), 2)
    t[0] = 9.0
    np.testing.assert_array_equal(t.data, [9.0, 2.0, 1.0, 2.0])


# --- transforms of functions that draw random numbers ------------------------------------------


@pytest.mark.parametrize(
    "transform", [am.jacfwd, lambda f: am.hessian(lambda x: (f(x) ** 2).sum())]
)
@pytest.mark.parametrize(
    "draw",
    [lambda x: F.dropout(x, 0.5), lambda x: nn.Dropout(0.5, rng=0)(x), lambda x: x * am.rand(4)],
)
def test_jacfwd_of_a_function_that_draws_random_numbers_is_refused(transform, draw):
    """am.jacfwd(f) and am.hessian(f) with dropout inside f: f ran once per input element, each
    time with another mask, so the "Jacobian" belonged to no draw. torch.func.jacfwd refuses."""
    with pytest.raises(RuntimeError, match="vmap: called random operation"):
        torch.func.jacfwd(lambda x: torch.nn.functional.dropout(x, 0.5))(torch.ones(4))
    with pytest.raises(RuntimeError, match="draws random numbers.*jacrev"):
        transform(draw)(am.ones(4))
    # one forward pass is one draw: jacrev's Jacobian is that draw's
    mask = F.dropout(am.ones(4), 0.5, rng=1).data
    jacobian = am.jacrev(lambda x: F.dropout(x, 0.5, rng=1))(am.ones(4))
    np.testing.assert_array_equal(jacobian.data, np.diag(mask))


# --- writes that nn.init, load_state_dict and the optimisers make -------------------------------


def test_nn_init_after_a_recorded_in_place_op_differentiates_with_the_values_it_wrote():
    """y = x * 1; y *= 2; nn.init.constant_(y, 0.5) (or zeros_ of a row of y), then (y * y).sum():
    the gradient came from y's values before the init, as if it had never written."""
    x0 = np.array([[1.0, 2.0], [3.0, 4.0]])
    for init in (
        lambda y, nn_init: nn_init.constant_(y, 0.5),
        lambda y, nn_init: nn_init.zeros_(y[0]),
    ):
        xt = torch.tensor(x0, requires_grad=True)
        yt = xt * 1
        yt *= 2
        init(yt, torch.nn.init)
        (yt * yt).sum().backward()
        x = am.tensor(x0, requires_grad=True)
        y = x * 1
        y *= 2
        init(y, nn.init)
        (y * y).sum().backward()
        np.testing.assert_allclose(y.data, yt.detach().numpy())
        np.testing.assert_allclose(x.grad.data, xt.grad.numpy())


def test_jacfwd_of_a_function_that_builds_a_layer_is_refused():
    """am.jacfwd(lambda x: nn.Linear(3, 2)(x)): each call of f drew new weights (nn.init drew
    from np.random directly), so each column came from another layer. torch.func refuses."""
    with pytest.raises(RuntimeError, match="vmap: called random operation"):
        torch.func.jacfwd(lambda x: torch.nn.Linear(3, 2, dtype=torch.float64)(x))(
            torch.ones(3, dtype=torch.float64)
        )
    with pytest.raises(RuntimeError, match=r"draws random numbers \(nn.init.uniform_\)"):
        am.jacfwd(lambda x: nn.Linear(3, 2)(x))(am.ones(3))
    with pytest.raises(RuntimeError, match=r"draws random numbers \(nn.init.normal_\)"):
        am.jacfwd(lambda x: x * nn.init.normal_(am.zeros(3), rng=np.random.default_rng(0)))(
            am.ones(3)
        )
    layer = nn.Linear(3, 2)  # built outside f: one layer, its Jacobian is its weight
    np.testing.assert_allclose(am.jacfwd(layer)(am.ones(3)).data, layer.weight.data)


def test_writes_into_a_read_only_tensor_by_init_load_state_dict_and_optimisers_name_the_op():
    """nn.init.zeros_, load_state_dict and Adam on a broadcast_to() or diagonal() result: NumPy's
    bare "assignment destination is read-only", an optimiser's after it had changed its state."""
    with pytest.raises(ValueError, match="read-only"):
        np.broadcast_to(np.zeros(3), (2, 3))[0] = 1.0  # what NumPy does
    with pytest.raises(ValueError, match="nn.init: .*read-only.*clone"):
        nn.init.zeros_(am.tensor([1.0, 2.0, 3.0]).broadcast_to((2, 3)))
    model = nn.Linear(3, 3)
    model.register_buffer("rows", am.tensor([1.0, 2.0, 3.0]).broadcast_to((2, 3)))
    state = model.state_dict()
    state["rows"] = np.zeros((2, 3))
    with pytest.raises(ValueError, match="load_state_dict: tensor 'rows' is read-only"):
        model.load_state_dict(state)
    diagonal = am.tensor(np.eye(3)).diagonal()
    diagonal.requires_grad = True
    with pytest.raises(ValueError, match="Adam: can't optimise a read-only tensor"):
        optim.Adam([diagonal])
    writable = diagonal.clone().detach()
    writable.requires_grad = True
    opt = optim.Adam([writable], lr=0.1)
    (writable * writable).sum().backward()
    opt.step()  # the copy trains as torch's does
    reference = torch.ones(3, dtype=torch.float64, requires_grad=True)
    torch_opt = torch.optim.Adam([reference], lr=0.1)
    (reference * reference).sum().backward()
    torch_opt.step()
    np.testing.assert_allclose(writable.data, reference.detach().numpy())


# --- NumPy functions that write into their argument ----------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda t: np.copyto(t, np.zeros((2, 2))),
        lambda t: np.put(t, [0], [5.0]),
        lambda t: np.place(t, np.eye(2, dtype=bool), [7.0]),
        lambda t: np.putmask(t, np.eye(2, dtype=bool), 7.0),
        lambda t: np.put_along_axis(t, np.array([[0], [0]]), 7.0, axis=1),
        lambda t: np.fill_diagonal(t, 0.5),
    ],
    ids=["copyto", "put", "place", "putmask", "put_along_axis", "fill_diagonal"],
)
def test_numpy_functions_that_write_into_a_tensor_are_refused(write):
    """np.copyto(c, ...) (or np.put, np.place, np.putmask, np.put_along_axis, np.fill_diagonal)
    on a tensor a graph had saved: the write bypassed the version, so backward() used the new
    values silently. PyTorch refuses copyto, put, place and putmask on a tensor, and its
    put_along_axis writes through t[...] =, which counts the version (backward then raises)."""
    with pytest.raises(TypeError, match="must be a numpy.ndarray"):
        np.copyto(torch.zeros(2, 2), np.zeros((2, 2)))
    xt = torch.ones(2, 2, requires_grad=True)
    ct = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    zt = (xt * ct).sum()
    np.put_along_axis(ct, np.array([[0], [0]]), 7.0, axis=1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        zt.backward()
    x = am.ones((2, 2), requires_grad=True)
    c = am.tensor([[1.0, 2.0], [3.0, 4.0]])
    (x * c).sum()
    with pytest.raises(TypeError, match="NumPy cannot write into a tensor.*t\\[index\\] = value"):
        write(c)
    np.testing.assert_array_equal(c.data, [[1.0, 2.0], [3.0, 4.0]])


# --- engine: gradients with graphs --------------------------------------------------------------


@IGNORE_GRAD_CYCLE_WARNING
def test_a_plain_backward_adds_into_a_grad_that_has_a_graph_and_keeps_it():
    """(x**3).sum().backward(create_graph=True), then an ordinary (x**2).sum().backward(): the
    gradient-penalty pattern. x.grad = 3x² + 2x must still depend on x, as in PyTorch."""
    x0 = np.array([1.0, 2.0, 3.0])

    def penalty(m, x):
        (x**3).sum().backward(create_graph=True)
        (x**2).sum().backward()
        g = x.grad
        x.grad = None
        (g * x).sum().backward()
        return x.grad

    ours = penalty(am, am.tensor(x0, requires_grad=True))
    theirs = penalty(torch, torch.tensor(x0, requires_grad=True))
    np.testing.assert_allclose(ours.data, theirs.detach().numpy())  # 9x² + 2x


def test_a_cotangent_of_another_float_dtype_stays_differentiable_under_create_graph():
    """A float32 output seeded with a float64 cotangent v that requires grad: Jᵀv must depend
    on v (what differentiating a pullback in its cotangent needs)."""
    x32, v64 = np.array([0.5, 1.5], np.float32), np.array([1.0, -2.0])
    x, v = am.tensor(x32, requires_grad=True), am.tensor(v64, requires_grad=True)
    (am.sin(x) * x).backward(gradient=v, create_graph=True)
    assert x.grad.dtype == np.float32
    x.grad.sum().backward()
    X, V = torch.tensor(x32, requires_grad=True), torch.tensor(v64, requires_grad=True)
    (G,) = torch.autograd.grad(torch.sin(X) * X, [X], grad_outputs=V, create_graph=True)
    (dv,) = torch.autograd.grad(G.sum(), [V])
    assert v.grad is not None and v.grad.dtype == np.float64
    np.testing.assert_allclose(v.grad.data, dv.numpy(), rtol=1e-6)


# --- forward mode: a tangent is never dropped silently ------------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        lambda a: a * np.asarray(a)[::-1],
        lambda a: a[0] * np.mean([a[0], a[1]]),
        lambda a: am.tensor([a[0] * a[1], a[1]]) * a,
        lambda a: np.percentile(a, 50) * a,
    ],
    ids=["asarray", "np.mean of a list", "am.tensor of a list", "a NumPy function"],
)
def test_forward_mode_refuses_to_turn_a_tensor_with_a_tangent_into_an_array(f):
    """Inside jvp/jacfwd, the values of a tensor taken as a NumPy array would be a constant: the
    Jacobian would silently lose that path. Reverse mode refuses the same f, and torch.func's
    forward mode raises too ("Cannot access data pointer")."""
    x = np.array([1.0, 8.0])
    with pytest.raises(TypeError, match="NumPy|array|cut from"):
        am.jacrev(f)(x)
    with pytest.raises(TypeError, match="NumPy|array|cut from"):
        am.jacfwd(f)(x)
    with pytest.raises(TypeError, match="NumPy|array|cut from"):
        am.jvp(f, (x,), (np.array([1.0, 0.0]),))


# --- losses at their edges ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_cross_entropy_s_target_adjoint_is_minus_logit_p_unclamped(dtype):
    """Soft targets that require grad (distillation): ∂/∂t = log((1 − p)/p), ±inf at p = 0 or 1
    and 690.8 at p = 1e-300, as PyTorch's; the logs of the loss value are clamped at −100, its
    target adjoint is not."""
    tiny = np.finfo(dtype).tiny
    p = np.array([0.0, 1.0, tiny, 1e-20, 0.3, 1 - np.finfo(dtype).eps], dtype)
    t = np.array([0.0, 1.0, 1.0, 0.5, 0.2, 0.0], dtype)
    ours = am.tensor(t, requires_grad=True)
    F.binary_cross_entropy(am.tensor(p, requires_grad=True), ours, reduction="sum").backward()
    theirs = torch.tensor(t, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(torch.tensor(p), theirs, reduction="sum").backward()
    assert ours.grad.dtype == dtype
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-6)


@IGNORE_GRAD_CYCLE_WARNING
@pytest.mark.parametrize("hooked", [False, True], ids=["twice", "leaf hook"])
def test_backward_with_create_graph_under_no_grad_records_its_sums_and_hooks(hooked):
    """backward(create_graph=True) inside no_grad() (an evaluation loop that computes a
    gradient penalty): the pass, the sum into .grad and the leaves' hooks are recorded as in
    PyTorch, whose backward sets the grad mode to create_graph for all of it."""
    x0 = np.array([1.0, 2.0])

    def second(m):
        x = m.tensor(x0, requires_grad=True)
        if hooked:
            x.register_hook(lambda g: g * x)
        cube, square = (x**3).sum(), (x**2).sum()
        with m.no_grad():
            cube.backward(create_graph=True)
            if not hooked:
                square.backward(create_graph=True)
        g = x.grad
        x.grad = None
        (g * x).sum().backward()
        return x.grad

    ours = second(am)
    theirs = second(torch)
    np.testing.assert_allclose(ours.data, theirs.numpy())


# --- nn.functional: shapes PyTorch refuses, and edges it computes ------------------------


def test_dropout_of_p_1_zeroes_everything_as_pytorch():
    x = am.ones((2, 3), requires_grad=True)
    y = nn.Dropout(1.0)(x)
    y.sum().backward()
    t = torch.ones((2, 3), requires_grad=True)
    torch.nn.Dropout(1.0)(t).sum().backward()
    np.testing.assert_array_equal(y.data, 0.0)
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("shape", [(0, 3), (2, 3, 0)])
def test_batch_norm_training_on_an_empty_batch_is_empty_and_keeps_the_statistics(shape):
    ours, theirs = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3, dtype=torch.float64)
    x = am.zeros(shape, requires_grad=True)
    y = ours(x)
    y.sum().backward()
    t = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    theirs(t).sum().backward()
    assert y.shape == shape and x.grad.shape == shape
    np.testing.assert_array_equal(ours.running_mean.data, theirs.running_mean.numpy())
    np.testing.assert_array_equal(ours.running_var.data, theirs.running_var.numpy())
    np.testing.assert_array_equal(ours.weight.grad.data, theirs.weight.grad.numpy())


@pytest.mark.parametrize("stat_shape", [(2,), (3, 1), (3, 3)])
def test_batch_norm_refuses_running_statistics_of_another_shape(stat_shape):
    """A (3, 3) running mean was updated by broadcasting; PyTorch refuses every other shape."""
    x = np.random.default_rng(0).standard_normal((4, 3))
    with pytest.raises(ValueError, match=r"batch_norm: running_mean .* \(3,\), got shape"):
        F.batch_norm(x, np.zeros(stat_shape), np.ones(3), training=True)
    with pytest.raises(RuntimeError):
        torch.nn.functional.batch_norm(
            torch.tensor(x), torch.zeros(stat_shape, dtype=torch.float64),
            torch.ones(3, dtype=torch.float64), training=True,
        )  # fmt: skip


@pytest.mark.parametrize("weight_shape", [(5,), (4, 1), (1, 4, 5), (7, 1, 1, 1)])
def test_layer_norm_refuses_a_weight_that_is_not_of_the_normalized_shape(weight_shape):
    """A (7, 1, 1, 1) weight made a (7, 3, 4, 5) output by broadcasting, silently."""
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    with pytest.raises(ValueError, match=r"layer_norm: weight must have the normalized_shape"):
        F.layer_norm(x, (4, 5), weight=np.ones(weight_shape))
    with pytest.raises(RuntimeError):
        torch.nn.functional.layer_norm(
            torch.tensor(x), (4, 5), weight=torch.ones(weight_shape, dtype=torch.float64)
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda m, F_: F_.huber_loss(m.ones(2), m.zeros(2), delta=np.float32(0.5)),
        lambda m, F_: F_.smooth_l1_loss(m.ones(2), m.zeros(2), beta=np.int64(1)),
        lambda m, F_: F_.cross_entropy(
            m.ones((2, 3)), m.tensor(np.array([0, 2])), label_smoothing=np.float32(0.1)
        ),
    ],
    ids=["huber delta", "smooth_l1 beta", "label_smoothing"],
)
def test_losses_take_numpy_scalars_as_numbers(call):
    ours = call(am, F)
    theirs = call(torch, torch.nn.functional)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


# --- writes through views: the base's node sees every later use of the view -----------------


def _view_program(m, case):
    """y = x·1, v = y[1:], a write, then a loss; returns x.grad and the retained/hooked .grad."""
    x = m.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = x * 1.0
    v = y[1:]
    if case == "retain the view, write into it":
        v.retain_grad()
        v[0] = 5 * x[0]
        ((v * 2).sum() + (y[1:] * 3).sum() + (y * 7).sum()).backward()
        return x.grad, v.grad
    if case == "retain the view, write into the base":
        v.retain_grad()
        y[0] = 7 * x[2]
        (v * y[1:]).sum().backward()
        return x.grad, v.grad
    if case == "retain the base, write into the view":
        y.retain_grad()
        v[0] = 5 * x[0]
        ((v * 2).sum() + (y * 7).sum() + (y[:2] * y[1:]).sum()).backward()
        return x.grad, y.grad
    if case == "retain a view of a view, write into the base":
        outer = y.reshape(1, 3)
        inner = outer[0]
        outer.retain_grad()
        inner.retain_grad()
        y *= 2  # both are made again from y; inner not through outer (as PyTorch replays it)
        ((inner**2).sum() + (outer * 3).sum()).backward()
        return x.grad, outer.grad, inner.grad
    if case == "hook on the view, then a write through it":
        v.register_hook(lambda g: g * 100)
        before = (v * 3).sum()
        v += 1  # the hook sees the adjoint of the earlier use only: the write goes past v's node
        (before + (v * 1).sum()).backward()
        return x.grad, None
    v[0] = 5 * x[0]  # a hook on the base after a write through its view: a leaf's gradient
    y.register_hook(lambda g: g * 10)
    ((v * 2).sum() + (y * 7).sum()).backward()
    return x.grad, None


@pytest.mark.parametrize(
    "case",
    [
        "retain the view, write into it",
        "retain the view, write into the base",
        "retain the base, write into the view",
        "retain a view of a view, write into the base",
        "hook on the view, then a write through it",
        "hook on the base after a write through the view",
    ],
)
def test_a_view_written_in_place_is_made_again_from_its_base(case):
    """PyTorch makes a view again from its base after a write through either: the view's later
    uses then reach the base's node, so that its hooks and retain_grad() see them. Here they
    went to the write's node past the base: a hook on the base gave x.grad [70, 90, 90] where
    PyTorch gives [520, 0, 90], and retained .grad was another tensor's adjoint, or None."""
    ours, theirs = _view_program(am, case), _view_program(torch, case)
    for a, b in zip(ours, theirs, strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.data, b.numpy())


def test_backward_refuses_a_complex_gradient_for_a_real_output():
    """y.backward(gradient=[1j, 1]) kept the real part only; PyTorch refuses the dtype too."""
    x = am.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="backward: gradient must be real.*complex128"):
        (x * 3).backward(gradient=np.array([1j, 1.0]))
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        (t * 3).backward(gradient=torch.tensor([1j, 1.0]))


def test_a_value_written_under_no_grad_then_through_a_view_is_still_refused_where_read():
    """y·y saves y; y[0] is written under no_grad(), then y[0:2] += w is recorded: the product's
    rule would read the changed y. PyTorch refuses; so must autograd_mini (the recorded write
    copied the changed values and forgot the first write, and the gradient was silently wrong)."""
    for m in (am, torch):
        x = m.tensor(np.array([0.5, 1.0, 2.0]), requires_grad=True)
        w = m.tensor(np.array([2.0, 3.0]), requires_grad=True)
        y = x * 1
        used = (y * y).sum()
        with m.no_grad():
            y[0:2][0] = 1.5
        v = y[0:2]
        v += w * 1
        with pytest.raises(RuntimeError, match="modified by an in"):
            ((y * y).sum() + used).backward()


@pytest.mark.parametrize("made", ["under no_grad()", "before the base required grad"])
def test_a_view_outside_the_graph_is_a_constant_to_the_ops_that_read_it(made):
    """A target sliced from the model's own output under no_grad() (bootstrapped targets, an
    EMA teacher): it was made again from its base on every use, so gradient flowed through it
    ([27, -81, 63, -9] where PyTorch gives [27, -54, 9, 0])."""
    w0 = np.array([1.0, 2.0, 3.0, 4.0])
    grads = []
    for m in (am, torch):
        if made == "under no_grad()":
            w = m.tensor(w0, requires_grad=True)
            q = w * 3
            with m.no_grad():
                target = q[1:]
        else:
            w = m.tensor(w0)
            q = w
            target = q[1:]
            w.requires_grad_(True)
            q = w * 3  # the loss differentiates q; target stays the view of the constant w
        ((q[:-1] - target) ** 2).sum().backward()
        grads.append(np.asarray(w.grad.data if m is am else w.grad.numpy()))
    np.testing.assert_allclose(grads[0], grads[1])


def test_the_mean_of_float16_values_sums_them_wider_as_numpy_and_pytorch():
    """10,000 halves of 10.0: a float16 sum overflows to inf; NumPy and PyTorch give 10."""
    x = np.full(10_000, 10.0, np.float16)
    ours = am.tensor(x).mean()
    assert ours.dtype == np.float16
    assert ours.item() == x.mean() == torch.tensor(x).mean().item() == 10.0


@pytest.mark.parametrize("base", ["an op's output", "a constant buffer"])
def test_a_no_grad_view_read_after_a_recorded_write_into_its_memory_is_refused(base):
    """Whether such a view is a constant or part of the graph is ambiguous; PyTorch forbids
    reading it. Here it was made again from its base and differentiated."""
    for m in (am, torch):
        x = m.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        w = m.tensor(np.array([5.0, 6.0]), requires_grad=True)
        y = x * 1 if base == "an op's output" else m.tensor(np.zeros(3))
        with m.no_grad():
            v = y[1:]
        y[1:] += w
        with pytest.raises(RuntimeError, match="no_grad"):
            (v * 2).sum().backward()
