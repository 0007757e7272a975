"""Tensor: an ndarray that remembers how it was computed, with NumPy's names for array operations
and PyTorch's for autodiff. Every operator and method forwards to a primitive of ops.py, or is
composed of them (mean, log_softmax, expand_dims: composites need no derivative rule of their own).

Axes are normalised here, once, before any primitive sees them: a primitive's rule may rely on
non-negative axes.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from . import engine, inplace, ops
from .engine import Value
from .primitive import holds_graph

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = int | tuple[int, ...] | None


class Tensor(Value):
    """A NumPy array with a gradient.

    `Tensor(data, requires_grad=False, dtype=None, name=None)` copies `data`. Python numbers and
    lists become float64 (what gradient checks need); NumPy arrays keep their dtype, so float32
    stays float32 end to end. Only floating-point tensors can require gradients.
    """

    __slots__ = ()
    __hash__ = object.__hash__  # == is elementwise, so hash by identity as PyTorch does

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self._init(_numeric_array("Tensor", data, dtype, copy=True), None)
        self.name = name
        if requires_grad:
            self.requires_grad = True

    # --- what it is --------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (or under no_grad), False for op outputs."""
        return self._node is None

    @property
    def grad_fn(self) -> engine.Node | None:
        """The graph node that made this tensor (None for leaves), as in PyTorch."""
        return self._node

    @property
    def grad(self) -> Tensor | None:
        """The accumulated adjoint: set by backward() on leaves, and on non-leaves that called
        retain_grad(). None before any backward(); assign None to reset it."""
        return self._grad

    @grad.setter
    def grad(self, value: ArrayLike | None) -> None:
        if value is not None:
            value = value if isinstance(value, Tensor) else Tensor(value, dtype=self.dtype)
            if value.shape != self.shape or value.dtype != self.dtype:
                raise ValueError(
                    f"grad: a {value.dtype} gradient of shape {value.shape} does not fit the "
                    f"tensor's {self.dtype} of shape {self.shape}; give it the tensor's shape "
                    "and dtype (an array or list is converted to the dtype)"
                )
        self._grad = value

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return self.data

    def tolist(self) -> Any:
        return self.data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The values, for NumPy; refused while they would leave a graph behind (np.array of a
        list of such tensors, say), as torch does: .numpy() or detach() says it on purpose."""
        if self._requires_grad and holds_graph((self,)):
            raise TypeError(
                "a tensor that requires grad was turned into a NumPy array, which would cut it "
                "from the graph (np.array([t, u]) or np.mean([t, u]), say). Use am.stack([...]) "
                "and the am. ops, or t.detach() / t.numpy() for the values"
            )
        return self.data if dtype is None else self.data.astype(dtype)

    def __index__(self) -> int:
        """A 0-d integer tensor as an index (np.argmax(t) into a list), as torch's."""
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(
                f"only a one-element integer tensor can be an index, not {self.data.dtype} of "
                f"shape {self.data.shape}"
            )
        return int(self.data.reshape(()))

    def __format__(self, spec: str) -> str:
        """f"{loss:.3f}" formats a one-element tensor's number, as torch's."""
        if spec and self.data.size == 1:
            return format(self.data.reshape(()).item(), spec)
        return format(str(self), spec)

    # NumPy's functions on tensors (np.exp(t), ndarray * t, np.sum(t)) run the ops: interop.py
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from . import interop  # it imports this module

        return interop.call_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Callable, types: Any, args: tuple, kwargs: dict) -> Any:
        from . import interop

        return interop.call_function(func, args, kwargs)

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.dtype != np.float64:
            extras.append(f"dtype={self.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.primitive.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # --- autodiff ----------------------------------------------------------------------------

    def backward(
        self,
        gradient: ArrayLike | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that requires grad.

        `gradient` is needed when self has more than one element (it is the vector of the
        vector-Jacobian product). The graph's saved values are released afterwards unless
        `retain_graph=True`; it defaults to `create_graph`, as in PyTorch.
        """
        engine.backward(self, gradient, retain_graph, create_graph)

    def clone(self) -> Tensor:
        """A copy with memory of its own that stays in the graph (its adjoint passes through
        unchanged), as `torch.Tensor.clone`; `detach()` is the opposite: shared memory, no graph."""
        return ops.copy(self)

    def detach(self) -> Tensor:
        """The same data as a new leaf, cut from the graph. It shares this tensor's memory and
        version: an in-place write to either is seen by the graphs that saved the other."""
        out = Tensor._from_op(self.data, None)
        out._base = self if self._base is None else self._base
        return out

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's adjoint in `.grad` after backward() (e.g. δ = ∂E/∂z)."""
        if not self._requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        engine.retain(self)  # a leaf keeps its gradient anyway

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> engine.HookHandle:
        """Call `hook(adjoint)` when this tensor's adjoint is complete during backward();
        a hook that returns a tensor replaces the adjoint. Returns a handle whose `remove()`
        unregisters the hook, as PyTorch's."""
        if not self._requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")
        return engine.add_hook(self, hook)

    def zero_grad(self) -> None:
        self._grad = None

    def fill_(self, value: ArrayLike) -> Tensor:
        """Write `value` (a number or a 0-d tensor) into every element, in place; returns self.
        As `t[...] = value`: recorded in a graph, refused on a leaf that requires grad outside
        `no_grad()`."""
        inplace.fill(self, value, "fill_")
        return self

    def zero_(self) -> Tensor:
        """Write 0 into every element, in place (`w.grad.zero_()`); returns self."""
        inplace.fill(self, 0, "zero_")
        return self

    # --- arithmetic --------------------------------------------------------------------------

    def __add__(self, other: ArrayLike) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: ArrayLike) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return ops.subtract(self, other)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return ops.subtract(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return ops.multiply(self, other)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return ops.multiply(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return ops.divide(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return ops.divide(other, self)

    def __pow__(self, other: ArrayLike) -> Tensor:
        return ops.power(self, other)

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return ops.power(other, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return ops.negative(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ops.absolute(self)

    # In-place operators, as PyTorch's (inplace.py): they write into this tensor's memory and
    # count a new version of it; while a graph is recorded they are recorded too.
    def __iadd__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "+=", ops.add, other)
        return self

    def __isub__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "-=", ops.subtract, other)
        return self

    def __imul__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "*=", ops.multiply, other)
        return self

    def __itruediv__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "/=", ops.divide, other)
        return self

    def __ipow__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "**=", ops.power, other)
        return self

    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        """`t[index] = value`, as NumPy (broadcasting `value`); differentiable with respect to
        both while recording a graph."""
        inplace.setitem(self, _plain_index(index), value)

    def __imod__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "%=", ops.remainder, other)
        return self

    def __ifloordiv__(self, other: ArrayLike) -> Tensor:
        inplace.apply(self, "//=", ops.floor_divide, other)
        return self

    def __mod__(self, other: ArrayLike) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: ArrayLike) -> Tensor:
        return ops.remainder(other, self)

    def __floordiv__(self, other: ArrayLike) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: ArrayLike) -> Tensor:
        return ops.floor_divide(other, self)

    # Elementwise functions of two inputs, also as methods (as torch's; NumPy's names)
    def arctan2(self, x: ArrayLike) -> Tensor:
        return ops.arctan2(self, x)

    def hypot(self, other: ArrayLike) -> Tensor:
        return ops.hypot(self, other)

    def logaddexp(self, other: ArrayLike) -> Tensor:
        return ops.logaddexp(self, other)

    def fmod(self, other: ArrayLike) -> Tensor:
        return ops.fmod(self, other)

    def remainder(self, other: ArrayLike) -> Tensor:
        return ops.remainder(self, other)

    def floor_divide(self, other: ArrayLike) -> Tensor:
        return ops.floor_divide(self, other)

    def isclose(
        self, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> Tensor:
        return isclose(self, other, rtol, atol, equal_nan)

    def isnan(self) -> Tensor:
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        return ops.isfinite(self)

    # Comparisons give boolean tensors outside the graph.
    def __lt__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return ops.less(self, other)

    def __le__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return ops.less_equal(self, other)

    def __gt__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return ops.greater(self, other)

    def __ge__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]
        return ops.greater_equal(self, other)

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return ops.equal(self, other)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return ops.not_equal(self, other)

    # Bitwise operators (logical on boolean tensors, as masks are combined): constants too.
    def __and__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_and(self, other)

    def __rand__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_and(other, self)

    def __or__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_or(self, other)

    def __ror__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_or(other, self)

    def __xor__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_xor(self, other)

    def __rxor__(self, other: ArrayLike) -> Tensor:
        return ops.bitwise_xor(other, self)

    def __invert__(self) -> Tensor:
        return ops.invert(self)

    # --- elementwise functions ---------------------------------------------------------------

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.absolute(self)

    def sign(self) -> Tensor:
        return ops.sign(self)

    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        if isinstance(negative_slope, (bool, np.bool_)) or not isinstance(
            negative_slope, (int, float, np.integer, np.floating)
        ):
            raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
        return ops.leaky_relu(self, negative_slope=float(negative_slope))

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """ln(1 + e^(βx))/β, and x itself where βx > threshold, as torch's."""
        return ops.softplus(self, beta=float(beta), threshold=float(threshold))

    # More elementwise maths (NumPy's names); composites where composing is exact
    def log1p(self) -> Tensor:
        return ops.log1p(self)

    def expm1(self) -> Tensor:
        return ops.expm1(self)

    def log2(self) -> Tensor:
        return ops.log(self) / math.log(2)

    def log10(self) -> Tensor:
        return ops.log(self) / math.log(10)

    def exp2(self) -> Tensor:
        return ops.exp(self * math.log(2))

    def square(self) -> Tensor:
        return self * self

    def reciprocal(self) -> Tensor:
        return 1.0 / self

    def rsqrt(self) -> Tensor:
        return 1.0 / ops.sqrt(self)

    def tan(self) -> Tensor:
        return ops.tan(self)

    def sinh(self) -> Tensor:
        return ops.sinh(self)

    def cosh(self) -> Tensor:
        return ops.cosh(self)

    def arcsin(self) -> Tensor:
        return ops.arcsin(self)

    def arccos(self) -> Tensor:
        return ops.arccos(self)

    def arctan(self) -> Tensor:
        return ops.arctan(self)

    def arcsinh(self) -> Tensor:
        return ops.arcsinh(self)

    def arccosh(self) -> Tensor:
        return ops.arccosh(self)

    def arctanh(self) -> Tensor:
        return ops.arctanh(self)

    def erf(self) -> Tensor:
        return ops.erf(self)

    def floor(self) -> Tensor:
        """Rounded down; its gradient is 0, as in PyTorch."""
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def round(self) -> Tensor:
        """Rounded half to even, as NumPy and PyTorch; its gradient is 0."""
        return ops.round(self)

    def trunc(self) -> Tensor:
        return ops.trunc(self)

    # More activations, as torch.nn.functional's
    def silu(self) -> Tensor:
        """x σ(x) (also called swish)."""
        return self * ops.sigmoid(self)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x for x > 0, else α (eˣ − 1), as PyTorch's (NaN takes the x side). The exponential
        is taken where x ≤ 0 only: no inf on the unused side, whose adjoint would be NaN."""
        negative = self.data <= 0
        return where(negative, alpha * ops.expm1(where(negative, self, 0.0)), self)

    def selu(self) -> Tensor:
        """λ elu(x, α) with PyTorch's λ and α (self-normalising)."""
        return _SELU_SCALE * self.elu(_SELU_ALPHA)

    def softsign(self) -> Tensor:
        return self / (1 + ops.absolute(self))

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
        if min_val > max_val:
            raise ValueError(
                f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})"
            )
        return ops.hardtanh(self, low=float(min_val), high=float(max_val))

    def relu6(self) -> Tensor:
        return ops.hardtanh(self, low=0.0, high=6.0)

    def hardsigmoid(self) -> Tensor:
        return ops.hardsigmoid(self)

    def logsigmoid(self) -> Tensor:
        """log σ(x) = −softplus(−x), stable for any x."""
        return -ops.softplus(-self)

    def mish(self) -> Tensor:
        return self * ops.tanh(ops.softplus(self))

    def gelu(self, approximate: str = "none") -> Tensor:
        """x Φ(x) (approximate="none", with erf), or its tanh approximation ("tanh")."""
        if approximate == "none":
            return self * 0.5 * (1 + ops.erf(self * (1 / math.sqrt(2))))
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (self + 0.044715 * self * self * self)
            return 0.5 * self * (1 + ops.tanh(inner))
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")

    def clip(self, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Tensor:
        """Values below a_min raised to it, above a_max lowered to it. Bounds that are tensors
        which require grad get the adjoint of the positions they bound, as torch.clamp's."""
        if a_min is None and a_max is None:
            raise ValueError("clip: give a_min, a_max or both")
        bounds = (a_min, a_max)
        if builtins.any(isinstance(b, Value) and b.requires_grad for b in bounds):
            return _clip_to_tensors(self, a_min, a_max)
        a_min, a_max = (b.data if isinstance(b, Value) else b for b in bounds)
        return ops.clip(self, a_min=a_min, a_max=a_max)

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype; the adjoint is cast back to this tensor's dtype."""
        return ops.astype(self, dtype=np.dtype(dtype))

    # --- reductions --------------------------------------------------------------------------

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return ops.sum(self, axis=_axes("sum", axis, self.ndim, keepdims), keepdims=keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = _axes("mean", axis, self.ndim, keepdims)
        return ops.sum(self, axis=axis, keepdims=keepdims) / _count(self.shape, axis)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis`; the adjoint goes to the maximal elements, split evenly on ties."""
        axis = _axes("max", axis, self.ndim, keepdims, empty=False)
        return ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Minimum over `axis`; the adjoint goes to the minimal elements, split evenly on ties."""
        axis = _axes("min", axis, self.ndim, keepdims, empty=False)
        return ops.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """The variance over `axis`, Σ (x − mean)² / (n − ddof), as NumPy's (ddof=1 for the
        unbiased estimate, PyTorch's default)."""
        axes = _axes("var", axis, self.ndim, keepdims)
        return ops.var(self, axis=axes, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """The standard deviation, √var (see var); where the variance is 0 (all values
        equal) its adjoint is 0, as PyTorch's, not √'(0) · 0 = NaN."""
        v = self.var(axis=axis, ddof=ddof, keepdims=keepdims)
        flat = v.data == 0
        return where(flat, 0.0, ops.sqrt(where(flat, 1.0, v)))

    def cumsum(self, axis: int | None = None) -> Tensor:
        """Running sums along `axis` (None: of the flattened tensor), as np.cumsum."""
        if axis is None:
            return ops.cumsum(self.reshape(-1), axis=0)
        return ops.cumsum(self, axis=_axis("cumsum", axis, self.ndim))

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum (the first on ties; None: of the flattened tensor): an integer
        tensor, outside the graph."""
        axis = None if axis is None else _axis("argmax", axis, builtins.max(self.ndim, 1))
        return ops.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        axis = None if axis is None else _axis("argmin", axis, builtins.max(self.ndim, 1))
        return ops.argmin(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return ops.any(self, axis=_axes("any", axis, self.ndim, keepdims), keepdims=keepdims)

    def all(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return ops.all(self, axis=_axes("all", axis, self.ndim, keepdims), keepdims=keepdims)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = _axes("logsumexp", axis, self.ndim, keepdims)
        return ops.logsumexp(self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        return ops.softmax(self, axis=_one_axis("softmax", axis, self.ndim))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x − max − log Σ exp(x − max) over `axis` (the max a constant: the result does not
        depend on it), NaN along a slice holding +inf, as PyTorch's."""
        axis = _one_axis("log_softmax", axis, self.ndim)
        shifted = self - np.max(self.data, axis=axis, keepdims=True, initial=-np.inf)
        return shifted - ops.logsumexp(shifted, axis=axis, keepdims=True)

    # --- shapes and indexing -----------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, shape=shape)

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    def transpose(self, *axes: Any) -> Tensor:
        """Reverse the axes, or permute them: t.transpose(1, 0, 2), t.transpose((1, 0, 2))."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0] or ()
        if not axes:
            return ops.transpose(self, axes=tuple(reversed(range(self.ndim))))
        permutation = tuple(_axis("transpose", a, self.ndim) for a in axes)
        if sorted(permutation) != list(range(self.ndim)):
            raise ValueError(
                f"transpose: axes {tuple(axes)} are not a permutation of the {self.ndim} axes "
                f"of a tensor of shape {self.shape}"
            )
        return ops.transpose(self, axes=permutation)

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        axis1, axis2 = _axis("swapaxes", axis1, self.ndim), _axis("swapaxes", axis2, self.ndim)
        return ops.swapaxes(self, axis1=axis1, axis2=axis2)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return ops.broadcast_to(self, shape=tuple(shape))

    def expand_dims(self, axis: int) -> Tensor:
        shape = list(self.shape)
        shape.insert(_axis("expand_dims", axis, self.ndim + 1), 1)
        return self.reshape(tuple(shape))

    def squeeze(self, axis: Axis = None) -> Tensor:
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = _axes("squeeze", axis, self.ndim)
        if builtins.any(self.shape[a] != 1 for a in axes):
            raise ValueError(
                f"squeeze: can only remove axes of length 1; axis {axis} of a tensor of shape "
                f"{self.shape} is longer"
            )
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def __getitem__(self, index: Any) -> Tensor:
        """Basic slices, integer arrays and boolean masks, as NumPy; the adjoint is
        scatter-added back, so repeated indices accumulate."""
        return ops.getitem(self, index=_plain_index(index))


def _clip_to_tensors(x: Tensor, a_min: Any, a_max: Any) -> Tensor:
    """np.clip's values, with torch.clamp's adjoints for bounds that require grad: x's where
    a_min ≤ x ≤ a_max, a_min's where x < a_min < a_max, a_max's where x > a_max or
    a_max < a_min; none where x < a_min = a_max, or where a NaN makes the result NaN."""
    lo = -np.inf if a_min is None else a_min
    hi = np.inf if a_max is None else a_max
    lo_data, hi_data = _values_of(lo), _values_of(hi)
    valid = ~(np.isnan(lo_data) | np.isnan(hi_data))  # a NaN bound makes NaN
    inside = (x.data >= lo_data) & (x.data <= hi_data)
    to_lo = (x.data < lo_data) & (lo_data < hi_data) & valid
    to_hi = ((x.data > hi_data) | (hi_data < lo_data)) & valid
    rest = np.clip(x.data, lo_data, hi_data)  # a constant: no adjoint goes there
    return where(inside, x, where(to_lo, lo, where(to_hi, hi, rest)))


_SELU_ALPHA = 1.6732632423543772848170429916717  # PyTorch's constants
_SELU_SCALE = 1.0507009873554804934193349852946


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many elements a reduction over `axes` averages (math.prod: np.prod costs µs here)."""
    if axes is None:
        return math.prod(shape)
    return math.prod(shape[a] for a in axes)


def _axis(op: str, axis: Any, ndim: int) -> int:
    """One axis as a non-negative int, or a clear error (NumPy's counting: -1 is the last)."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, (bool, np.bool_)):
        raise TypeError(f"{op}: an axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op}: axis {axis} is out of range for a tensor with {ndim} dimension"
            f"{'' if ndim == 1 else 's'} (valid: {-ndim} to {ndim - 1})"
        )
    return int(axis) % ndim


def _one_axis(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """The one axis of softmax-like ops, as a tuple (empty for a 0-d tensor's axis 0 or -1)."""
    if ndim == 0 and isinstance(axis, int) and axis in (0, -1):
        return ()
    return (_axis(op, axis, ndim),)


def _axes(op: str, axis: Axis, ndim: int, keepdims: Any = False, empty: bool = True) -> Any:
    """The axes of a reduction, normalised: None (all), or a sorted tuple of non-negative ints.
    A 0-d tensor accepts axis 0 and -1, as NumPy does (it reduces nothing). `keepdims` must be
    a bool (NumPy would take any truthy value)."""
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"{op}: keepdims must be True or False, got {keepdims!r}")
    if axis is None:
        return None
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if ndim == 0 and builtins.all(a in (0, -1) for a in axes if not isinstance(a, bool)):
        return None if not empty else ()
    normalised = tuple(sorted(_axis(op, a, ndim) for a in axes))
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: axis {axis} names an axis twice")
    if not normalised and not empty:
        raise ValueError(f"{op}: needs at least one axis to reduce, got axis={axis!r}")
    return normalised


def _plain_index(index: Any) -> Any:
    """An index with Tensors replaced by their arrays (indices are constants to the graph)."""
    if isinstance(index, Value):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Value) else i for i in index)
    return index


# ---------------------------------------------------------------------------------------------
# Creating tensors
# ---------------------------------------------------------------------------------------------


def tensor(
    data: ArrayLike, requires_grad: bool = False, dtype: Any = None, name: str | None = None
) -> Tensor:
    """A new leaf tensor holding a copy of `data` (see Tensor for the dtype rules)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def as_tensor(x: ArrayLike, dtype: Any = None) -> Tensor:
    """`x` itself if it is a Tensor (of `dtype`, if given), else a constant tensor of it that
    shares a NumPy array's memory instead of copying it, as `torch.as_tensor`."""
    if isinstance(x, Tensor) and (dtype is None or x.dtype == np.dtype(dtype)):
        return x
    if isinstance(x, Tensor):
        return x.astype(dtype)
    return Tensor._from_op(_numeric_array("as_tensor", x, dtype, copy=False), None)


def _numeric_array(op: str, data: Any, dtype: Any, copy: bool) -> np.ndarray:
    """`data` as an array: Python numbers and lists become float64 (what gradient checks
    need), NumPy arrays keep their dtype unless `dtype` says otherwise; only numbers."""
    if isinstance(data, Value):
        data = data.data
    elif isinstance(data, (list, tuple)) and holds_graph(data):
        raise TypeError(
            f"{op}: the list holds tensors that require grad; an array of their values would be "
            "cut from their graph. Use am.stack([...]) (or am.concatenate) to keep it, or "
            "detach() them (or build it under am.no_grad()) for a constant"
        )
    from_python = not isinstance(data, (np.ndarray, np.generic))
    array = np.array(data, dtype=dtype) if copy else np.asarray(data, dtype=dtype)
    if dtype is None and from_python and array.dtype.kind in "biu":
        array = array.astype(np.float64)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"{op}: cannot hold {array.dtype} data; give numbers or a numeric array")
    return array


def zeros(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def zeros_like(x: ArrayLike, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros_like(_values_of(x)), requires_grad=requires_grad)


def ones_like(x: ArrayLike, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones_like(_values_of(x)), requires_grad=requires_grad)


def full(
    shape: int | Sequence[int], fill_value: Any, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of `shape` filled with `fill_value` (a Python number gives float64)."""
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad=requires_grad)


def full_like(x: ArrayLike, fill_value: Any, requires_grad: bool = False) -> Tensor:
    """A tensor of x's shape and dtype filled with `fill_value`."""
    return Tensor(np.full_like(_values_of(x), fill_value), requires_grad=requires_grad)


def arange(
    start: float, stop: float | None = None, step: float = 1, dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:  # fmt: skip
    """Evenly spaced values in [start, stop), as np.arange: integer arguments give integers
    (as in NumPy and PyTorch), give dtype=np.float64 or a float argument for floats."""
    return Tensor(np.arange(start, stop, step, dtype=dtype), requires_grad=requires_grad)


def linspace(
    start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:  # fmt: skip
    """`num` evenly spaced values from start to stop, as np.linspace."""
    return Tensor(
        np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype), requires_grad=requires_grad
    )


def eye(
    n: int, m: int | None = None, dtype: Any = np.float64, requires_grad: bool = False
) -> Tensor:
    """The n × m identity matrix (m = n by default)."""
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def rand(
    *shape: Any, rng: np.random.Generator | None = None, requires_grad: bool = False
) -> Tensor:
    """Uniform samples in [0, 1), from `rng` (a NumPy Generator) or NumPy's global seed."""
    size = _shape(shape)
    data = rng.random(size) if rng is not None else np.random.random_sample(size)
    return Tensor(data, requires_grad=requires_grad)


def randn(
    *shape: Any, rng: np.random.Generator | None = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples, from `rng` (a NumPy Generator) or NumPy's global seed."""
    size = _shape(shape)
    data = rng.standard_normal(size) if rng is not None else np.random.standard_normal(size)
    return Tensor(data, requires_grad=requires_grad)


def _values_of(x: ArrayLike) -> np.ndarray:
    """x's values as an array (a tensor's own, without asking NumPy to convert it)."""
    return x.data if isinstance(x, Value) else np.asarray(x)


def _shape(shape: tuple) -> tuple[int, ...]:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


# ---------------------------------------------------------------------------------------------
# The ops as functions, with NumPy's names: am.exp(x), am.concatenate([a, b], axis=1), ...
# ---------------------------------------------------------------------------------------------


def clone(x: ArrayLike) -> Tensor:
    return as_tensor(x).clone()


def exp(x: ArrayLike) -> Tensor:
    return as_tensor(x).exp()


def log(x: ArrayLike) -> Tensor:
    return as_tensor(x).log()


def sqrt(x: ArrayLike) -> Tensor:
    return as_tensor(x).sqrt()


def abs(x: ArrayLike) -> Tensor:  # NumPy's name, shadowing the builtin here only
    return as_tensor(x).abs()


def sign(x: ArrayLike) -> Tensor:
    return as_tensor(x).sign()


def sin(x: ArrayLike) -> Tensor:
    return as_tensor(x).sin()


def cos(x: ArrayLike) -> Tensor:
    return as_tensor(x).cos()


def tanh(x: ArrayLike) -> Tensor:
    return as_tensor(x).tanh()


def sigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).sigmoid()


def relu(x: ArrayLike) -> Tensor:
    return as_tensor(x).relu()


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> Tensor:
    return as_tensor(x).leaky_relu(negative_slope)


def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return as_tensor(x).softplus(beta, threshold)


def clip(x: ArrayLike, a_min: float | None = None, a_max: float | None = None) -> Tensor:
    return as_tensor(x).clip(a_min, a_max)


def log1p(x: ArrayLike) -> Tensor:
    return as_tensor(x).log1p()


def expm1(x: ArrayLike) -> Tensor:
    return as_tensor(x).expm1()


def log2(x: ArrayLike) -> Tensor:
    return as_tensor(x).log2()


def log10(x: ArrayLike) -> Tensor:
    return as_tensor(x).log10()


def exp2(x: ArrayLike) -> Tensor:
    return as_tensor(x).exp2()


def square(x: ArrayLike) -> Tensor:
    return as_tensor(x).square()


def reciprocal(x: ArrayLike) -> Tensor:
    return as_tensor(x).reciprocal()


def rsqrt(x: ArrayLike) -> Tensor:
    return as_tensor(x).rsqrt()


def tan(x: ArrayLike) -> Tensor:
    return as_tensor(x).tan()


def sinh(x: ArrayLike) -> Tensor:
    return as_tensor(x).sinh()


def cosh(x: ArrayLike) -> Tensor:
    return as_tensor(x).cosh()


def arcsin(x: ArrayLike) -> Tensor:
    return as_tensor(x).arcsin()


def arccos(x: ArrayLike) -> Tensor:
    return as_tensor(x).arccos()


def arctan(x: ArrayLike) -> Tensor:
    return as_tensor(x).arctan()


def arcsinh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arcsinh()


def arccosh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arccosh()


def arctanh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arctanh()


def erf(x: ArrayLike) -> Tensor:
    return as_tensor(x).erf()


def floor(x: ArrayLike) -> Tensor:
    return as_tensor(x).floor()


def ceil(x: ArrayLike) -> Tensor:
    return as_tensor(x).ceil()


def round(x: ArrayLike) -> Tensor:
    return as_tensor(x).round()


def trunc(x: ArrayLike) -> Tensor:
    return as_tensor(x).trunc()


def silu(x: ArrayLike) -> Tensor:
    return as_tensor(x).silu()


def selu(x: ArrayLike) -> Tensor:
    return as_tensor(x).selu()


def softsign(x: ArrayLike) -> Tensor:
    return as_tensor(x).softsign()


def relu6(x: ArrayLike) -> Tensor:
    return as_tensor(x).relu6()


def hardsigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).hardsigmoid()


def logsigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).logsigmoid()


def mish(x: ArrayLike) -> Tensor:
    return as_tensor(x).mish()


def elu(x: ArrayLike, alpha: float = 1.0) -> Tensor:
    return as_tensor(x).elu(alpha)


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return as_tensor(x).hardtanh(min_val, max_val)


def gelu(x: ArrayLike, approximate: str = "none") -> Tensor:
    return as_tensor(x).gelu(approximate)


def sum(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).sum(axis=axis, keepdims=keepdims)


def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).mean(axis=axis, keepdims=keepdims)


def max(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).max(axis=axis, keepdims=keepdims)


def min(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).min(axis=axis, keepdims=keepdims)


def var(x: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    return as_tensor(x).var(axis=axis, ddof=ddof, keepdims=keepdims)


def std(x: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    return as_tensor(x).std(axis=axis, ddof=ddof, keepdims=keepdims)


def cumsum(x: ArrayLike, axis: int | None = None) -> Tensor:
    return as_tensor(x).cumsum(axis=axis)


def argmax(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).argmax(axis=axis, keepdims=keepdims)


def argmin(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).argmin(axis=axis, keepdims=keepdims)


def any(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).any(axis=axis, keepdims=keepdims)


def all(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).all(axis=axis, keepdims=keepdims)


def logsumexp(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).logsumexp(axis=axis, keepdims=keepdims)


def softmax(x: ArrayLike, axis: int = -1) -> Tensor:
    return as_tensor(x).softmax(axis=axis)


def log_softmax(x: ArrayLike, axis: int = -1) -> Tensor:
    return as_tensor(x).log_softmax(axis=axis)


def reshape(x: ArrayLike, shape: tuple[int, ...]) -> Tensor:
    return as_tensor(x).reshape(shape)


def transpose(x: ArrayLike, axes: tuple[int, ...] | None = None) -> Tensor:
    return as_tensor(x).transpose(axes or ())


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> Tensor:
    return as_tensor(x).swapaxes(axis1, axis2)


def matmul(x: ArrayLike, y: ArrayLike) -> Tensor:
    return ops.matmul(as_tensor(x), y)


def linear(x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None) -> Tensor:
    """The affine map `x @ weight.T + bias` of a layer, as one node (weight: (out, in))."""
    if _values_of(weight).ndim != 2:  # NumPy would take a vector, and the rules would not
        raise ValueError(
            f"linear: weight must be 2-D (out_features, in_features), got shape "
            f"{_values_of(weight).shape}; reshape it, e.g. weight.reshape(1, -1)"
        )
    return ops.linear(as_tensor(x), weight, bias)


def maximum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise maximum; on ties each input gets half the adjoint."""
    return _tensor_of(ops.maximum, x, y)


def minimum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise minimum; on ties each input gets half the adjoint."""
    return _tensor_of(ops.minimum, x, y)


def arctan2(y: ArrayLike, x: ArrayLike) -> Tensor:
    """The angle of the point (x, y), as np.arctan2; both derivatives are 0 at the origin."""
    return _tensor_of(ops.arctan2, y, x)


def hypot(x: ArrayLike, y: ArrayLike) -> Tensor:
    return _tensor_of(ops.hypot, x, y)


def logaddexp(x: ArrayLike, y: ArrayLike) -> Tensor:
    """ln(eˣ + eʸ) without overflow."""
    return _tensor_of(ops.logaddexp, x, y)


def fmod(x: ArrayLike, y: ArrayLike) -> Tensor:
    """The remainder of x / y with x's sign (C's fmod, torch.fmod)."""
    return _tensor_of(ops.fmod, x, y)


def remainder(x: ArrayLike, y: ArrayLike) -> Tensor:
    """The remainder of x / y with y's sign, as Python's and NumPy's `%`."""
    return _tensor_of(ops.remainder, x, y)


def floor_divide(x: ArrayLike, y: ArrayLike) -> Tensor:
    """⌊x / y⌋ as NumPy's `//`; a constant to the graph (its derivative is 0 almost everywhere)."""
    return _tensor_of(ops.floor_divide, x, y)


def isnan(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isnan, x)


def isinf(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isinf, x)


def isfinite(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isfinite, x)


def isclose(
    x: ArrayLike, y: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """|x − y| ≤ atol + rtol·|y|, elementwise, as np.isclose (a boolean constant)."""
    return _tensor_of(ops.isclose, x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)


def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike) -> Tensor:
    """`x` where `condition` holds, else `y`; the condition is a constant to the graph."""
    condition = condition.data if isinstance(condition, Value) else np.asarray(condition)
    return _tensor_of(ops.where, condition.astype(bool, copy=False), x, y)


def _tensor_of(primitive: ops.Primitive, *args: Any, **params: Any) -> Tensor:
    """primitive(*args, **params) as a Tensor. Python numbers stay numbers, so that NumPy's
    rules treat them as weak (0.5 with a float32 tensor stays float32); lists become arrays."""
    args = tuple(
        a if isinstance(a, (Value, int, float)) or a is None else np.asarray(a) for a in args
    )
    out = primitive(*args, **params)
    return out if isinstance(out, Tensor) else as_tensor(out)


def concatenate(tensors: Sequence[ArrayLike], axis: int | None = 0) -> Tensor:
    """Join tensors along an existing axis, as np.concatenate (one op, whatever their number);
    axis=None joins them flattened."""
    pieces = _pieces("concatenate", tensors)
    if axis is None:
        pieces = [p.reshape(-1) if isinstance(p, Value) else np.ravel(p) for p in pieces]
        axis = 0
    ndim = _values_of(pieces[0]).ndim
    if ndim == 0:
        raise ValueError("concatenate: 0-d tensors cannot be joined along an axis; use stack")
    return ops.concatenate(*pieces, axis=_axis("concatenate", axis, ndim))


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis, as np.stack (one op, whatever their number)."""
    pieces = _pieces("stack", tensors)
    shapes = {_values_of(t).shape for t in pieces}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    return ops.stack(*pieces, axis=_axis("stack", axis, _values_of(pieces[0]).ndim + 1))


def _pieces(op: str, tensors: Sequence[ArrayLike]) -> list:
    """The inputs of a joining op: tensors as they are, anything else as an array; at least one
    of them a Tensor, so that the op returns one."""
    if not len(tensors):
        raise ValueError(f"{op}: needs at least one tensor")
    pieces = [t if isinstance(t, Value) else np.asarray(t) for t in tensors]
    if not builtins.any(isinstance(t, Value) for t in pieces):
        pieces[0] = Tensor(pieces[0])
    return pieces
