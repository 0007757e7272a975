"""Bad input fails loudly: at the call the user wrote, with an exception that names the function,
the offending values, shapes or dtypes, and what to do; never deep inside NumPy, never later in
backward(), never silently converted or broadcast into something else."""

import operator
from fractions import Fraction

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.nn import functional as F
from autograd_mini.training import fit


def leaf(values, dtype=np.float64):
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def backward_of(make):
    """Build a graph and backpropagate through it: errors must come at the op, not here."""
    return lambda: make().sum().backward()


x23 = leaf(np.ones((2, 3)))
x3 = leaf(np.ones(3))
w = leaf(np.ones((3, 2)))

CASES = [
    # (id, call, exception, a regex the message must match)
    ("add-shapes", lambda: x23 + np.ones((3, 2)), ValueError, r"add: .*\(2, 3\).*\(3, 2\)"),
    ("mul-shapes", lambda: x23 * leaf(np.ones(2)), ValueError, r"multiply: .*\(2, 3\).*\(2,\)"),
    ("matmul-shapes", lambda: x23 @ x23, ValueError, r"matmul: shapes \(2, 3\) and \(2, 3\)"),
    ("matmul-0d", lambda: x23 @ am.tensor(2.0), ValueError, r"matmul: .*use \*"),
    (
        "linear-weight",
        lambda: am.linear(x23, np.ones(3)),
        ValueError,
        r"linear: weight must be 2-D",
    ),
    ("add-string", lambda: x23 + "abc", TypeError, r"add: "),
    ("add-object", lambda: x23 + Fraction(1, 3), TypeError, r"add: the result has dtype object"),
    (
        "int-requires-grad",
        lambda: am.tensor([1, 2], dtype=np.int64, requires_grad=True),
        TypeError,
        r"floating-point",
    ),
    (
        "complex-requires-grad",
        lambda: am.tensor(np.array([1j]), requires_grad=True),
        TypeError,
        r"complex gradients are not supported",
    ),
    (
        "object-tensor",
        lambda: am.tensor(np.array([object()])),
        TypeError,
        r"Tensor: cannot hold object",
    ),
    ("string-tensor", lambda: am.tensor(["a"]), TypeError, r"Tensor: cannot hold"),
    ("complex-result", lambda: x3 * 1j, TypeError, r"multiply: the result is complex"),
    ("sum-axis", lambda: x23.sum(axis=2), ValueError, r"sum: axis 2 is out of range .*2 dim"),
    ("mean-axis", lambda: x23.mean(axis=-3), ValueError, r"mean: axis -3 is out of range"),
    ("max-axis-twice", lambda: x23.max(axis=(1, -1)), ValueError, r"max: .*names an axis twice"),
    ("axis-float", lambda: x23.sum(axis=1.0), TypeError, r"sum: an axis must be an integer"),
    ("keepdims-int", lambda: x23.sum(axis=1, keepdims=2), TypeError, r"sum: keepdims must be True"),
    ("softmax-two-axes", lambda: x23.softmax(axis=(0, 1)), TypeError, r"softmax: an axis must be"),
    ("leaky-relu-slope", lambda: x23.leaky_relu((1, 2)), TypeError, r"leaky_relu: negative_slope"),
    ("transpose-perm", lambda: x23.transpose(0, 0), ValueError, r"transpose: axes \(0, 0\)"),
    ("swapaxes-axis", lambda: x23.swapaxes(0, 5), ValueError, r"swapaxes: axis 5"),
    ("expand-dims-10", lambda: x23.expand_dims(10), ValueError, r"expand_dims: axis 10"),
    ("expand-dims-minus-4", lambda: x23.expand_dims(-4), ValueError, r"expand_dims: axis -4"),
    ("squeeze-long-axis", lambda: x23.squeeze(0), ValueError, r"squeeze: .*length 1"),
    ("reshape-size", lambda: x23.reshape(4), ValueError, r"reshape: "),
    ("index-out-of-range", lambda: x23[5], IndexError, r"getitem: "),
    # shapes, indexing and sorting: each error names its op
    ("prod-axis", lambda: x23.prod(axis=2), ValueError, r"prod: axis 2 is out of range"),
    ("cumprod-axis", lambda: x23.cumprod(axis=-3), ValueError, r"cumprod: axis -3 is out of range"),
    ("median-empty", lambda: am.median(am.zeros(0, 3)), ValueError, r"median: .*\(0, 3\)"),
    ("sum-axis-list-of-floats", lambda: x23.sum(axis=(0, 1.5)), TypeError, r"sum: an axis must"),
    (
        "transpose-two-axes",
        lambda: am.zeros(2, 3, 4).transpose(0, 1),
        ValueError,
        r"transpose: .*use t\.swapaxes",
    ),
    ("permute-short", lambda: x23.permute(0), ValueError, r"permute: axes \(0,\) are not a perm"),
    ("moveaxis-counts", lambda: x23.moveaxis((0, 1), 0), ValueError, r"moveaxis: 2 source axes"),
    ("moveaxis-twice", lambda: x23.moveaxis((0, 0), (0, 1)), ValueError, r"moveaxis: .*twice"),
    ("flatten-order", lambda: x23.flatten(1, 0), ValueError, r"flatten: start_dim 1 comes after"),
    ("unsqueeze-axis", lambda: x23.unsqueeze(4), ValueError, r"unsqueeze: axis 4 is out of range"),
    ("flip-axis", lambda: x23.flip(2), ValueError, r"flip: axis 2 is out of range"),
    ("fliplr-1d", lambda: x3.fliplr(), ValueError, r"fliplr: needs at least 2 dimensions"),
    ("roll-float", lambda: x3.roll(1.5), TypeError, r"roll: shift and axis must be integers"),
    ("repeat-negative", lambda: x3.repeat(-1), TypeError, r"repeat: repeats must be"),
    ("repeat-counts", lambda: x23.repeat([1, 2], axis=1), ValueError, r"repeat: 2 repeats for"),
    ("tile-float", lambda: x23.tile(1.5), TypeError, r"tile: reps must be"),
    ("pad-mode", lambda: am.pad(x3, 1, mode="mean"), ValueError, r"pad: mode must be"),
    ("pad-negative", lambda: am.pad(x3, -1), TypeError, r"pad: pad_width must hold non-neg"),
    ("pad-widths", lambda: am.pad(x23, ((1, 1),) * 3), ValueError, r"pad: pad_width .* 2 axes"),
    ("diag-3d", lambda: am.diag(am.zeros(2, 2, 2)), ValueError, r"diag: needs a 1-d or 2-d"),
    ("diagonal-same-axes", lambda: x23.diagonal(0, 1, -1), ValueError, r"diagonal: axis1 and"),
    ("tril-1d", lambda: x3.tril(), ValueError, r"tril: needs at least 2 dimensions"),
    (
        "gather-float-index",
        lambda: x23.gather(1, np.array([[0.0], [1.0]])),
        TypeError,
        r"gather: the index must hold integers, got float64",
    ),
    ("gather-range", lambda: x23.gather(1, np.array([[3], [0]])), IndexError, r"gather: index 3"),
    (
        "gather-shape",
        lambda: x23.gather(1, np.zeros((3, 1), dtype=np.int64)),
        ValueError,
        r"gather: index of shape \(3, 1\) does not fit a tensor of shape \(2, 3\)",
    ),
    (
        "take-along-axis-ndim",
        lambda: am.take_along_axis(x23, np.array([0, 1]), axis=1),
        ValueError,
        r"take_along_axis: indices of shape \(2,\) need as many dimensions",
    ),
    (
        "scatter-add-dtype",
        lambda: x23.scatter_add(0, np.zeros((1, 3), np.int64), am.zeros(1, 3, dtype=np.float32)),
        TypeError,
        r"scatter_add: the values are float32, the tensor float64",
    ),
    (
        "index-add-shape",
        lambda: x23.index_add(1, np.array([0, 2]), np.ones((2, 3))),
        ValueError,
        r"index_add: source of shape \(2, 3\) .*\(2, 2\)",
    ),
    (
        "masked-fill-int-mask",
        lambda: x23.masked_fill(np.ones((2, 3)), 0.0),
        TypeError,
        r"masked_fill: the mask must be boolean",
    ),
    (
        "masked-fill-mask-shape",
        lambda: x3.masked_fill(np.ones((2, 3), bool), 0.0),
        ValueError,
        r"masked_fill: a mask of shape \(2, 3\) does not broadcast",
    ),
    ("split-unequal", lambda: am.split(x3, 2), ValueError, r"split: .*use array_split"),
    ("split-0d", lambda: am.split(am.tensor(1.0), 1), ValueError, r"split: a 0-d tensor"),
    ("chunk-zero", lambda: x3.chunk(0), ValueError, r"chunk: chunks must be a positive integer"),
    ("vstack-tensor", lambda: am.vstack(x23), TypeError, r"vstack: give a list or tuple"),
    ("sort-axis", lambda: x23.sort(axis=2), ValueError, r"sort: axis 2 is out of range"),
    (
        "topk-k",
        lambda: x23.topk(4),
        ValueError,
        r"topk: k=4 is out of range for an axis of length 3",
    ),
    ("topk-float-k", lambda: x23.topk(1.0), TypeError, r"topk: k must be an integer"),
    ("stack-shapes", lambda: am.stack([x3, x23]), ValueError, r"stack: all tensors need the same"),
    ("stack-empty", lambda: am.stack([]), ValueError, r"stack: needs at least one tensor"),
    (
        "concatenate-0d",
        lambda: am.concatenate([am.tensor(1.0), am.tensor(2.0)]),
        ValueError,
        r"concatenate: 0-d",
    ),
    ("clip-no-bounds", lambda: x3.clip(), ValueError, r"clip: give a_min, a_max or both"),
    ("setitem-leaf", lambda: x3.__setitem__(0, 1.0), RuntimeError, r"leaf that requires grad"),
    ("zero_-leaf", lambda: x3.zero_(), RuntimeError, r"zero_: .*leaf that requires grad"),
    (
        "ifloordiv-recorded",
        lambda: operator.ifloordiv(x3 * 1, 2.0),
        TypeError,
        r"//=: floor_divide has no derivative.*t = t // y",
    ),
    (
        "hardtanh-bounds",
        lambda: nn.Hardtanh(2.0, 1.0)(x3),
        ValueError,
        r"hardtanh: min_val \(2.0\) must not be greater than max_val \(1.0\)",
    ),
    ("hypot-none", lambda: am.hypot(None, 1.0), TypeError, r"hypot: None, 1.0: "),
    (
        "fmod-lists",
        lambda: am.fmod([1.0, 2.0], [1.0, 2.0, 3.0]),
        ValueError,
        r"fmod: .*\(2,\).*\(3,\)",
    ),
    (
        "tensor-of-grad-tensors",
        lambda: am.tensor([x3[0], [x3[1]]]),
        TypeError,
        r"Tensor: the list holds tensors that require grad.*am\.stack",
    ),
    (
        "as_tensor-of-grad-tensors",
        lambda: am.as_tensor((1.0, x3[0])),
        TypeError,
        r"as_tensor: the list holds tensors that require grad",
    ),
    (
        "list-operand-of-grad-tensors",
        lambda: x3 * [x3[0], 1.0, 2.0],
        TypeError,
        r"multiply: a list operand holds tensors that require grad.*am\.stack",
    ),
    (
        "fill_-array",
        lambda: (x3 * 1).fill_(np.ones(3)),
        ValueError,
        r"fill_: the value must be a number or a 0-d tensor.*\(3,\).*t\[\.\.\.\] = values",
    ),
    ("iadd-leaf", lambda: x3.__iadd__(1.0), RuntimeError, r"leaf that requires grad"),
    ("iadd-shape", lambda: (x3 * 1).__iadd__(x23), ValueError, r"\+=: the result has shape"),
    ("iadd-int", lambda: am.tensor(np.array([1, 2])).__iadd__(0.5), TypeError, r"\+=: cannot"),
    (
        "setitem-repeats",
        lambda: (x3 * 1).__setitem__([0, 0], leaf([1.0, 2.0])),
        ValueError,
        r"more than once",
    ),
    (
        "requires-grad-non-leaf",
        lambda: setattr(x3 * 2, "requires_grad", False),
        RuntimeError,
        r"only on leaf tensors",
    ),
    # backward
    ("backward-non-scalar", lambda: (x3 * 2).backward(), RuntimeError, r"single-element"),
    (
        "backward-gradient-shape",
        lambda: (x3 * 2).backward(np.ones(2)),
        ValueError,
        r"gradient has shape \(2,\) but the output has shape \(3,\)",
    ),
    (
        "backward-no-grad",
        lambda: am.tensor([1.0]).sum().backward(),
        RuntimeError,
        r"does not require grad",
    ),
    (
        "grad-setter-shape",
        lambda: setattr(leaf([1.0, 2.0]), "grad", np.ones(3)),
        ValueError,
        r"grad: a float64 gradient of shape \(3,\)",
    ),
    (
        "hook-shape",
        backward_of(lambda: _hooked(lambda g: g.sum())),
        RuntimeError,
        r"has changed the adjoint",
    ),
    # lists and numbers as operands: constants at the op, never a failure in backward()
    ("list-matmul", backward_of(lambda: [[1.0, 2.0, 3.0]] @ w), None, None),
    ("list-pow", backward_of(lambda: x3 ** [2.0, 3.0, 1.0]), None, None),
    ("list-rpow", backward_of(lambda: [2.0, 3.0, 1.0] ** x3), None, None),
    ("list-linear", backward_of(lambda: am.linear(x23, [[1, 2, 3]])), None, None),
    # loss options
    (
        "ce-weight-shape",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), [0, 1], weight=np.ones(2)),
        ValueError,
        r"cross_entropy: weight must have one entry per class, shape \(3,\), got shape \(2,\)",
    ),
    (
        "ce-weight-grad",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), [0, 1], weight=leaf(np.ones(3))),
        TypeError,
        r"cross_entropy: the class weights are constants .*weight.detach\(\)",
    ),
    (
        "ce-smoothing",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), [0, 1], label_smoothing=1.5),
        ValueError,
        r"cross_entropy: label_smoothing must lie in \[0, 1\], got 1.5",
    ),
    (
        "ce-extra-axes-labels",
        lambda: F.cross_entropy(leaf(np.ones((2, 3, 4))), np.zeros((2, 3), np.int64)),
        ValueError,
        r"cross_entropy: scores of shape \(2, 3, 4\) .* labels of shape \(2, 4\)",
    ),
    (
        "ce-probabilities-ignore",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), np.ones((2, 3)) / 3, ignore_index=1),
        ValueError,
        r"cross_entropy: ignore_index=1 names a class",
    ),
    (
        "ce-integer-probabilities",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), np.ones((2, 3), np.int64)),
        TypeError,
        r"cross_entropy: a target of the logits' shape \(2, 3\) is class probabilities",
    ),
    (
        "nll-label-range",
        lambda: F.nll_loss(leaf(np.ones((2, 3))), [0, -1]),
        ValueError,
        r"nll_loss: labels must lie in \[0, 2\] for 3 classes \(or be ignore_index=-100\)",
    ),
    (
        "bce-logits-pos-weight",
        lambda: F.binary_cross_entropy_with_logits(leaf(np.ones(3)), np.ones(3), pos_weight=[1, 2]),
        ValueError,
        r"binary_cross_entropy_with_logits: pos_weight of shape \(2,\) does not broadcast",
    ),
    ("huber-delta", lambda: F.huber_loss(x3, x3, delta=0.0), ValueError, r"huber_loss: delta must"),
    ("smooth-l1-beta", lambda: F.smooth_l1_loss(x3, x3, beta=-1), ValueError, r"beta must be"),
    (
        "kl-div-reduction",
        lambda: F.kl_div(x3, x3, reduction="avg"),
        ValueError,
        r"kl_div: reduction must be 'batchmean', 'mean', 'sum' or 'none'",
    ),
    ("l1-shapes", lambda: F.l1_loss(x3, np.ones((2, 3))), ValueError, r"l1_loss: prediction of"),
    ("huber-module-delta", lambda: nn.HuberLoss(delta=-1), ValueError, r"HuberLoss: delta must"),
    # products: the subscripts or axes and the shapes they do not fit
    ("einsum-count", lambda: am.einsum("ij,jk", x23), ValueError, r"einsum: 'ij,jk' names 2 op"),
    (
        "einsum-axes",
        lambda: am.einsum("i", x23),
        ValueError,
        r"einsum: operand 0 has shape \(2, 3\)",
    ),
    ("einsum-ellipsis", lambda: am.einsum("j", x23), ValueError, r"einsum: .*add '\.\.\.'"),
    (
        "einsum-lengths",
        lambda: am.einsum("ij,ij", x23, w),
        ValueError,
        r"einsum: index 'i' of 'ij,ij' is 2 long in operand 0 and 3 in operand 1",
    ),
    ("einsum-diagonal", lambda: am.einsum("ii", x23), ValueError, r"einsum: index 'i' repeats"),
    ("einsum-letter", lambda: am.einsum("i1", x23), ValueError, r"einsum: operand 0 .* has '1'"),
    ("einsum-output", lambda: am.einsum("ij->k", x23), ValueError, r"einsum: .*names 'k', which"),
    ("einsum-output-twice", lambda: am.einsum("ij->ii", x23), ValueError, r"names an index twice"),
    ("einsum-arrows", lambda: am.einsum("i->i->", x3), ValueError, r"more than one '->'"),
    (
        "einsum-dropped-ellipsis",
        lambda: am.einsum("...j->j", x23),
        ValueError,
        r"einsum: .*add '\.\.\.' to the output",
    ),
    ("einsum-nothing", lambda: am.einsum(), TypeError, r"einsum: give the subscripts"),
    ("einsum-sublist", lambda: am.einsum(x23, "ij"), TypeError, r"einsum: in the sublist form"),
    ("einsum-sublist-int", lambda: am.einsum(x3, [52]), ValueError, r"einsum: a sublist index"),
    (
        "einsum-list-of-tensors",
        lambda: am.einsum("i,i", [x3[0], x3[1], x3[2]], x3),
        TypeError,
        r"einsum: a list operand holds tensors that require grad.*am.stack",
    ),
    ("tensordot-n", lambda: am.tensordot(x23, w, 3), ValueError, r"tensordot: axes=3 pairs"),
    (
        "tensordot-lengths",
        lambda: am.tensordot(x23, x23, axes=1),
        ValueError,
        r"tensordot: axis 1 of a \(shape \(2, 3\)\) is 3 long, axis 0 of b",
    ),
    ("tensordot-axes", lambda: am.tensordot(x23, w, "ij"), TypeError, r"tensordot: axes must"),
    ("tensordot-pairs", lambda: am.tensordot(x23, w, ([0, 1], [0])), ValueError, r"pairs 2 axes"),
    ("tensordot-axis", lambda: am.tensordot(x23, w, ([5], [0])), ValueError, r"tensordot: axis 5"),
    ("tensordot-twice", lambda: am.tensordot(x23, x23, ([0, 0], [0, 1])), ValueError, r"twice"),
    ("dot-lengths", lambda: am.dot(x23, x23), ValueError, r"dot: axis 1 of a .* axis 0 of b"),
    ("inner-lengths", lambda: am.inner(x23, w), ValueError, r"inner: axis 1 of a .* axis 1 of b"),
    ("list-einsum", backward_of(lambda: am.einsum("i,ij", [1.0, 2.0], x23)), None, None),
    ("list-kron", backward_of(lambda: am.kron([[1.0], [2.0]], x3)), None, None),
    # functional transforms
    ("grad-argnum", lambda: am.grad(lambda a: a.sum(), 3)(1.0), TypeError, r"grad: argnums=3"),
    (
        "grad-vector-output",
        lambda: am.grad(lambda a: a * 2)(np.ones(2)),
        TypeError,
        r"grad: f must return a single-element Tensor",
    ),
    ("jacobian-argnum", lambda: am.jacobian(lambda a: a, -2)(1.0), TypeError, r"jacobian: argnum"),
    (
        "grad-argnums-twice",
        lambda: am.grad(lambda a, b: (a * b).sum(), (0, -2))(1.0, 2.0),
        ValueError,
        r"grad: argnums=\(0, -2\) names an argument twice",
    ),
    (
        "grad-argnums-float",
        lambda: am.grad(lambda a: a.sum(), 1.5)(1.0),
        TypeError,
        r"grad: argnums must be an int or a non-empty tuple of ints",
    ),
    (
        "fit-nan",
        lambda: fit(
            nn.MLP([2, 1]),
            nn.mse_loss,
            optim.SGD(nn.MLP([2, 1]).parameters(), lr=0.1),
            np.array([[np.nan, 1.0]]),
            np.array([[1.0]]),
            progress=False,
        ),
        ValueError,
        r"fit: x holds NaN or inf \(first at index \(0, 0\)\)",
    ),
    (
        "fit-inf-target",
        lambda: fit(
            nn.MLP([2, 1]),
            nn.mse_loss,
            optim.SGD(nn.MLP([2, 1]).parameters(), lr=0.1),
            np.ones((1, 2)),
            np.array([[np.inf]]),
            progress=False,
        ),
        ValueError,
        r"fit: y holds NaN or inf",
    ),
    (
        "state-dict-extra",
        lambda: nn.Linear(2, 3).load_state_dict(
            {"weight": np.ones((3, 2)), "bias": np.ones(3), "extra": np.ones(1)}
        ),
        ValueError,
        r"unexpected: extra",
    ),
    # losses
    (
        "mse-shapes",
        lambda: F.mse_loss(leaf(np.ones((4, 1))), np.ones(4)),
        ValueError,
        r"mse_loss: prediction of shape \(4, 1\) and target of shape \(4,\)",
    ),
    (
        "bce-range",
        lambda: F.binary_cross_entropy(leaf([1.5]), [1.0]),
        ValueError,
        r"binary_cross_entropy: probabilities must lie in \[0, 1\]",
    ),
    (
        "bce-nan",
        lambda: F.binary_cross_entropy(leaf([np.nan]), [1.0]),
        ValueError,
        r"binary_cross_entropy: .*outside \(e.g. nan\)",
    ),
    (
        "cross-entropy-labels",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), [0, 3]),
        ValueError,
        r"cross_entropy: labels must lie in \[0, 2\]",
    ),
    (
        "cross-entropy-float-labels",
        lambda: F.cross_entropy(leaf(np.ones((2, 3))), [0.5, 1.0]),
        TypeError,
        r"cross_entropy: labels must be integers",
    ),
    (
        "loss-reduction",
        lambda: F.mse_loss(leaf([1.0]), [1.0], reduction="avg"),
        ValueError,
        r"reduction must be 'mean', 'sum' or 'none'",
    ),
    # optimisers and modules
    ("optim-no-params", lambda: optim.SGD([], lr=0.1), ValueError, r"SGD: got an empty"),
    (
        "optim-not-tensors",
        lambda: optim.SGD([np.ones(2)], lr=0.1),
        TypeError,
        r"SGD: can optimise Tensors only",
    ),
    (
        "optim-nan-lr",
        lambda: optim.Adam([leaf([1.0])], lr=float("nan")),
        ValueError,
        r"Adam: lr must be a number >= 0",
    ),
    ("optim-non-leaf", lambda: optim.SGD([x3 * 2], lr=0.1), ValueError, r"non-leaf"),
    ("linear-zero", lambda: nn.Linear(0, 3), ValueError, r"Linear: .* must be positive, got 0"),
    ("linear-float", lambda: nn.Linear(2.5, 3), TypeError, r"Linear: .* must be integers"),
    ("mlp-sizes", lambda: nn.MLP([2, 0, 1]), ValueError, r"MLP: sizes must .* positive"),
    (
        "mlp-activation",
        lambda: nn.MLP([2, 3], activation="relux"),
        ValueError,
        r"activation: unknown activation 'relux'; give a Module or one of",
    ),
    ("sequential-item", lambda: nn.Sequential(3), TypeError, r"Sequential holds Modules"),
    # files and drawings
    (
        "load-missing",
        lambda: am.load("/nonexistent/w.npz"),
        FileNotFoundError,
        r"load: cannot read '/nonexistent/w.npz'",
    ),
    (
        "save-object",
        lambda: am.save({"w": np.array([object()])}, "unused.npz"),
        TypeError,
        r"save: 'w' is a object array",
    ),
    ("draw-array", lambda: am.viz.draw(np.ones(3)), TypeError, r"draw: expected a Tensor"),
    (
        "state-dict-missing",
        lambda: nn.Linear(2, 3).load_state_dict({}),
        ValueError,
        r"load_state_dict: the state dict does not fit Linear",
    ),
    (
        "state-dict-shape",
        lambda: nn.Linear(2, 3).load_state_dict({"weight": np.ones((2, 2)), "bias": np.ones(3)}),
        ValueError,
        r"weight",
    ),
]


def _hooked(hook):
    z = x3 * 2
    z.register_hook(hook)
    return z


@pytest.mark.parametrize("call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_at_the_call_with_a_message_that_says_what(call, error, message):
    if error is None:  # accepted: converted to a constant at the op, differentiated correctly
        call()
        return
    with pytest.raises(error, match=message) as caught:
        call()
    assert caught.type is error or issubclass(caught.type, error)
    assert "Traceback" not in str(caught.value)


def test_lists_as_operands_are_constants_with_the_right_gradient():
    w2 = leaf(np.ones((3, 2)))
    ([[1.0, 2.0, 3.0]] @ w2).sum().backward()
    np.testing.assert_array_equal(w2.grad.data, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    x = leaf([2.0, 3.0])
    (x ** [2.0, 3.0]).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 27.0])


def test_lists_of_tensors_become_constants_only_when_no_graph_is_lost():
    a = am.tensor(2.0, requires_grad=True)
    with am.no_grad():  # nothing is recorded: the values are what is asked for
        np.testing.assert_array_equal(am.tensor([a, 3.0]).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(am.tensor([a.detach(), am.tensor(1.0)]).numpy(), [2.0, 1.0])
    y = am.stack([a, a * 3]).sum()  # the way to keep the graph
    y.backward()
    assert a.grad.item() == 4.0
