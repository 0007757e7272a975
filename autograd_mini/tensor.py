"""Tensor: an ndarray that remembers how it was computed, with NumPy's names for array operations
and PyTorch's for autodiff. Every operator and method forwards to a primitive of ops.py, or is
composed of them (mean, log_softmax, expand_dims: composites need no derivative rule of their own).

Axes are normalised here, once, by the rules of axes.py, before any primitive sees them: a
primitive's rule may rely on non-negative axes.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from . import engine, inplace, ops, subscripts
from .axes import (
    Axis,
    along_axis,
    axis_index,
    check_range,
    diagonal_positions,
    distinct_axes,
    index_array,
    permutation,
    reduction_axes,
    softmax_axis,
)
from .engine import Value
from .primitive import holds_graph
from .randomness import Rng, generator

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]


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

    # --- products (beyond @: NumPy's functions, also methods as in PyTorch) -----------------

    def dot(self, other: ArrayLike) -> Tensor:
        return dot(self, other)

    def inner(self, other: ArrayLike) -> Tensor:
        return inner(self, other)

    def outer(self, other: ArrayLike) -> Tensor:
        return outer(self, other)

    def kron(self, other: ArrayLike) -> Tensor:
        return kron(self, other)

    # --- reductions --------------------------------------------------------------------------

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("sum", axis, self.ndim, keepdims)
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("mean", axis, self.ndim, keepdims)
        return ops.sum(self, axis=axis, keepdims=keepdims) / _count(self.shape, axis)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis`; the adjoint goes to the maximal elements, split evenly on ties."""
        axis = reduction_axes("max", axis, self.ndim, keepdims)
        return ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Minimum over `axis`; the adjoint goes to the minimal elements, split evenly on ties."""
        axis = reduction_axes("min", axis, self.ndim, keepdims)
        return ops.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """The variance over `axis`, Σ (x − mean)² / (n − ddof), as NumPy's (ddof=1 for the
        unbiased estimate, PyTorch's default)."""
        axes = reduction_axes("var", axis, self.ndim, keepdims)
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
        return ops.cumsum(self, axis=axis_index("cumsum", axis, self.ndim))

    def cumprod(self, axis: int | None = None) -> Tensor:
        """Running products along `axis` (None: of the flattened tensor), as np.cumprod; exact
        derivatives at zeros, as PyTorch's."""
        if axis is None:
            return ops.cumprod(self.reshape(-1), axis=0)
        return ops.cumprod(self, axis=axis_index("cumprod", axis, self.ndim))

    def prod(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The product over `axis`; its derivative is the product of the others, exact at zeros
        (one zero: only the zero's is not 0; two or more: all are 0)."""
        axis = reduction_axes("prod", axis, self.ndim, keepdims)
        return ops.prod(self, axis=axis, keepdims=keepdims)

    def median(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The median over `axis`, as np.median: the mean of the two middle values of an even
        count (torch.median takes the lower one), NaN for a slice holding NaN. The adjoint goes
        to the middle values, split evenly among ties."""
        axis = reduction_axes("median", axis, self.ndim, keepdims)
        if self.size == 0:
            raise ValueError(f"median: a tensor of shape {self.shape} has no elements")
        return ops.median(self, axis=axis, keepdims=keepdims)

    def sort(self, axis: int | None = -1, descending: bool = False) -> Tensor:
        """The values sorted along `axis` (None: flattened), as np.sort, not in place; NaN sorts
        last (first with descending=True, as torch.sort). Ties keep their order (a stable sort),
        so each value's adjoint goes back to the element it came from."""
        x = self.reshape(-1) if axis is None else self
        axis = -1 if axis is None else axis
        return _take_along(x, _sort_order("sort", x, axis, descending), axis)

    def argsort(self, axis: int | None = -1, descending: bool = False) -> Tensor:
        """The indices that sort the values along `axis` (a stable sort; an integer tensor,
        outside the graph)."""
        x = self.reshape(-1) if axis is None else self
        return Tensor._from_op(
            _sort_order("argsort", x, -1 if axis is None else axis, descending), None
        )

    def topk(
        self, k: int, axis: int = -1, largest: bool = True, sorted: bool = True
    ) -> tuple[Tensor, Tensor]:
        """The k largest (or smallest) values along `axis` and their indices, as torch.topk:
        (values, indices), the values always sorted (`sorted` is taken for torch's signature).
        Of tied values the first ones in order are taken; the values' adjoints go to the
        elements they came from, the indices are constants."""
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"topk: k must be an integer, got {k!r}")
        ndim = builtins.max(self.ndim, 1)
        length = self.shape[axis_index("topk", axis, ndim)] if self.ndim else 1
        if not 0 <= k <= length:
            raise ValueError(
                f"topk: k={k} is out of range for an axis of length {length} (shape {self.shape})"
            )
        order = _sort_order("topk", self, axis, descending=largest)
        if self.ndim:
            order = np.take(order, np.arange(k), axis=axis)
        elif k == 0:
            order = np.zeros(0, dtype=np.int64)
        return _take_along(self, order, axis), Tensor._from_op(order, None)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum (the first on ties; None: of the flattened tensor): an integer
        tensor, outside the graph."""
        axis = None if axis is None else axis_index("argmax", axis, builtins.max(self.ndim, 1))
        return ops.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        axis = None if axis is None else axis_index("argmin", axis, builtins.max(self.ndim, 1))
        return ops.argmin(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("any", axis, self.ndim, keepdims)
        return ops.any(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("all", axis, self.ndim, keepdims)
        return ops.all(self, axis=axis, keepdims=keepdims)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("logsumexp", axis, self.ndim, keepdims)
        return ops.logsumexp(self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        return ops.softmax(self, axis=softmax_axis("softmax", axis, self.ndim))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x − max − log Σ exp(x − max) over `axis` (the max a constant: the result does not
        depend on it), NaN along a slice holding +inf, as PyTorch's."""
        axis = softmax_axis("log_softmax", axis, self.ndim)
        shifted = self - np.max(self.data, axis=axis, keepdims=True, initial=-np.inf)
        return shifted - ops.logsumexp(shifted, axis=axis, keepdims=True)

    # --- shapes and indexing -----------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, shape=shape)

    def ravel(self) -> Tensor:
        return self.reshape(-1)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes start_dim to end_dim merged into one, as torch.flatten (all of them by default,
        as NumPy's flatten; a 0-d tensor becomes 1-d)."""
        if self.ndim == 0:
            axis_index("flatten", start_dim, 1), axis_index("flatten", end_dim, 1)
            return self.reshape(1)
        start = axis_index("flatten", start_dim, self.ndim)
        end = axis_index("flatten", end_dim, self.ndim)
        if start > end:
            raise ValueError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of "
                f"shape {self.shape}"
            )
        merged = math.prod(self.shape[start : end + 1])
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])

    def transpose(self, *axes: Any) -> Tensor:
        """NumPy's transpose: reverse the axes, or put them in the order given,
        t.transpose(1, 0, 2) or t.transpose((1, 0, 2)). PyTorch's two-axis t.transpose(0, 1) is
        t.swapaxes(0, 1) here."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0] or ()
        if not axes:
            return ops.transpose(self, axes=tuple(reversed(range(self.ndim))))
        return ops.transpose(self, axes=permutation("transpose", axes, self.shape))

    def permute(self, *axes: Any) -> Tensor:
        """The axes in the order given, as torch's permute: t.permute(2, 0, 1) or
        t.permute((2, 0, 1)) (NumPy's transpose with axes)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.transpose(self, axes=permutation("permute", axes, self.shape))

    def moveaxis(self, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """Axes moved to new positions, the others keeping their order, as np.moveaxis."""
        sources = distinct_axes("moveaxis", source, self.ndim)
        targets = distinct_axes("moveaxis", destination, self.ndim)
        if len(sources) != len(targets):
            raise ValueError(
                f"moveaxis: {len(sources)} source axes but {len(targets)} destinations"
            )
        order = [a for a in range(self.ndim) if a not in sources]
        for target, axis in sorted(zip(targets, sources, strict=True)):
            order.insert(target, axis)
        return ops.transpose(self, axes=tuple(order))

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        axis1 = axis_index("swapaxes", axis1, self.ndim)
        axis2 = axis_index("swapaxes", axis2, self.ndim)
        return ops.swapaxes(self, axis1=axis1, axis2=axis2)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return ops.broadcast_to(self, shape=tuple(shape))

    def expand_dims(self, axis: int | Sequence[int]) -> Tensor:
        """New axes of length 1 at the positions `axis` (an int or a tuple) of the result."""
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        ndim = self.ndim + len(axes)
        positions = distinct_axes("expand_dims", axes, ndim)
        rest = iter(self.shape)
        return self.reshape(tuple(1 if i in positions else next(rest) for i in range(ndim)))

    def unsqueeze(self, axis: int) -> Tensor:
        """A new axis of length 1 at position `axis`, as torch's unsqueeze (expand_dims)."""
        return self.expand_dims(axis_index("unsqueeze", axis, self.ndim + 1))

    def squeeze(self, axis: Axis = None) -> Tensor:
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = reduction_axes("squeeze", axis, self.ndim)
        if builtins.any(self.shape[a] != 1 for a in axes):
            raise ValueError(
                f"squeeze: can only remove axes of length 1; axis {axis} of a tensor of shape "
                f"{self.shape} is longer"
            )
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def flip(self, axis: Axis = None) -> Tensor:
        """The order of the elements reversed along `axis` (None: every axis), as np.flip."""
        axes = range(self.ndim) if axis is None else reduction_axes("flip", axis, self.ndim)
        return self[
            tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(self.ndim))
        ]

    def fliplr(self) -> Tensor:
        """Reversed along axis 1 (left-right), as np.fliplr; needs at least 2 dimensions."""
        if self.ndim < 2:
            raise ValueError(f"fliplr: needs at least 2 dimensions, got shape {self.shape}")
        return self.flip(1)

    def flipud(self) -> Tensor:
        """Reversed along axis 0 (up-down), as np.flipud; needs at least 1 dimension."""
        if self.ndim < 1:
            raise ValueError("flipud: needs at least 1 dimension, got a 0-d tensor")
        return self.flip(0)

    def roll(self, shift: int | Sequence[int], axis: Axis = None) -> Tensor:
        """Elements shifted by `shift` along `axis`, those past the end coming back at the start,
        as np.roll (axis=None: of the flattened tensor, shape kept)."""
        if axis is None:
            return _roll(self.reshape(-1), shift, 0).reshape(self.shape)
        return _roll(self, shift, axis)

    def repeat(self, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
        """Each element repeated `repeats` times along `axis` (None: flattened), as np.repeat
        (torch's repeat_interleave). PyTorch's t.repeat(*sizes), copies of the whole tensor,
        is tile here."""
        x = self.reshape(-1) if axis is None else self
        axis = 0 if axis is None else axis_index("repeat", axis, builtins.max(x.ndim, 1))
        if x.ndim == 0:
            x = x.reshape(1)
        counts = np.asarray(repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
            raise TypeError(
                f"repeat: repeats must be a non-negative integer or a 1-d sequence of them, "
                f"got {repeats!r}"
            )
        if counts.ndim == 1 and len(counts) not in (1, x.shape[axis]):
            raise ValueError(
                f"repeat: {len(counts)} repeats for an axis of length {x.shape[axis]}; give one "
                "count, or one per element"
            )
        positions = np.repeat(np.arange(x.shape[axis]), counts)
        return x[(slice(None),) * axis + (positions,)]

    def tile(self, reps: int | Sequence[int]) -> Tensor:
        """The tensor repeated `reps` times along each axis, as np.tile (torch's repeat)."""
        reps = tuple(reps) if isinstance(reps, (tuple, list)) else (reps,)
        if not builtins.all(
            isinstance(r, (int, np.integer)) and not isinstance(r, bool) and r >= 0 for r in reps
        ):
            raise TypeError(f"tile: reps must be non-negative integers, got {reps!r}")
        ndim = builtins.max(len(reps), self.ndim)
        reps = (1,) * (ndim - len(reps)) + reps
        shape = (1,) * (ndim - self.ndim) + self.shape
        spread = self.reshape(tuple(n for s in shape for n in (1, s)))
        copies = spread.broadcast_to(
            tuple(n for r, s in zip(reps, shape, strict=True) for n in (r, s))
        )
        return copies.reshape(tuple(r * s for r, s in zip(reps, shape, strict=True)))

    def diag(self, k: int = 0) -> Tensor:
        """The k-th diagonal of a matrix, or a matrix with this vector on its k-th diagonal."""
        return diag(self, k)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """The diagonal `offset` above the main one (below, if negative) of the matrices in
        axes axis1 and axis2, as the last axis of the result (np.diagonal, torch.diagonal)."""
        if self.ndim < 2:
            raise ValueError(f"diagonal: needs at least 2 dimensions, got shape {self.shape}")
        a1, a2 = axis_index("diagonal", axis1, self.ndim), axis_index("diagonal", axis2, self.ndim)
        if a1 == a2:
            raise ValueError(f"diagonal: axis1 and axis2 are the same axis ({axis1}, {axis2})")
        if not isinstance(offset, (int, np.integer)) or isinstance(offset, bool):
            raise TypeError(f"diagonal: offset must be an integer, got {offset!r}")
        rows, cols = diagonal_positions(self.shape[a1], self.shape[a2], int(offset))
        return self.moveaxis((a1, a2), (-2, -1))[..., rows, cols]

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """The sum of the diagonal (see diagonal), as np.trace."""
        return self.diagonal(offset, axis1, axis2).sum(axis=-1)

    def tril(self, k: int = 0) -> Tensor:
        """The lower triangle (on and below diagonal k) of the last two axes, 0 elsewhere."""
        return _triangle("tril", self, k, lower=True)

    def triu(self, k: int = 0) -> Tensor:
        """The upper triangle (on and above diagonal k) of the last two axes, 0 elsewhere."""
        return _triangle("triu", self, k, lower=False)

    def gather(self, axis: int, index: ArrayLike) -> Tensor:
        """`out[i][j][k] = x[index[i][j][k]][j][k]` for axis 0 (and so on), as torch.gather:
        `index` has x's number of dimensions and is no longer than x along the other axes."""
        positions = index_array("gather", index)
        axis = axis_index("gather", axis, builtins.max(self.ndim, 1))
        if positions.ndim != self.ndim or builtins.any(
            p > n
            for d, (p, n) in enumerate(zip(positions.shape, self.shape, strict=False))
            if d != axis
        ):
            raise ValueError(
                f"gather: index of shape {positions.shape} does not fit a tensor of shape "
                f"{self.shape} along axis {axis}: it needs {self.ndim} dimensions, each no "
                "longer than the tensor's except along the axis"
            )
        if self.ndim == 0:
            check_range("gather", positions, 1)
            return self.reshape(1)[positions]
        return self[along_axis("gather", positions, self.shape, axis, own=True)]

    def scatter_add(self, axis: int, index: ArrayLike, src: ArrayLike) -> Tensor:
        """A copy with `src[i][j]` added at row `index[i][j]` of column j (for axis 0; and so
        on), as torch's scatter_add: repeated indices accumulate. `index` is no longer than src,
        nor than x except along the axis."""
        positions = index_array("scatter_add", index)
        axis = axis_index("scatter_add", axis, builtins.max(self.ndim, 1))
        src_shape = np.shape(src.data if isinstance(src, Value) else src)
        if (
            positions.ndim != self.ndim
            or len(src_shape) != self.ndim
            or builtins.any(p > s for p, s in zip(positions.shape, src_shape, strict=False))
            or builtins.any(
                p > n
                for d, (p, n) in enumerate(zip(positions.shape, self.shape, strict=False))
                if d != axis
            )
        ):
            raise ValueError(
                f"scatter_add: index of shape {positions.shape} does not fit src of shape "
                f"{src_shape} and a tensor of shape {self.shape} along axis {axis}: all need "
                f"{self.ndim} dimensions, the index no longer than src, nor than the tensor "
                "except along the axis"
            )
        part = _same_dtype("scatter_add", self, src)[tuple(slice(0, n) for n in positions.shape)]
        index = along_axis("scatter_add", positions, self.shape, axis, own=True)
        return self + ops.scatter_add(part, index=index, shape=self.shape)

    def index_add(self, axis: int, index: ArrayLike, source: ArrayLike) -> Tensor:
        """A copy with source's slice i added at position index[i] along `axis`, as torch's
        index_add (repeated indices accumulate)."""
        positions = index_array("index_add", index)
        axis = axis_index("index_add", axis, builtins.max(self.ndim, 1))
        source_shape = np.shape(source.data if isinstance(source, Value) else source)
        expected = self.shape[:axis] + positions.shape + self.shape[axis + 1 :]
        if positions.ndim != 1 or source_shape != expected:
            raise ValueError(
                f"index_add: source of shape {source_shape} and index of shape "
                f"{positions.shape} do not fit a tensor of shape {self.shape} along axis "
                f"{axis}: the index must be 1-d and source of shape {expected}"
            )
        check_range("index_add", positions, self.shape[axis] if self.ndim else 1)
        index = (slice(None),) * axis + (positions,)
        part = _same_dtype("index_add", self, source)
        return self + ops.scatter_add(part, index=index, shape=self.shape)

    def masked_fill(self, mask: ArrayLike, value: ArrayLike) -> Tensor:
        """`value` where the boolean `mask` (broadcast to this shape) is True, as torch's
        masked_fill; a 0-d tensor value gets the adjoints of the positions it fills."""
        mask = mask.data if isinstance(mask, Value) else np.asarray(mask)
        if mask.dtype != np.bool_:
            raise TypeError(f"masked_fill: the mask must be boolean, got {mask.dtype}")
        if np.ndim(value.data if isinstance(value, Value) else value) != 0:
            raise ValueError(
                f"masked_fill: value must be a number or a 0-d tensor, got shape "
                f"{np.shape(value.data if isinstance(value, Value) else value)}"
            )
        if np.broadcast_shapes(mask.shape, self.shape) != self.shape:
            raise ValueError(
                f"masked_fill: a mask of shape {mask.shape} does not broadcast to the tensor's "
                f"shape {self.shape}"
            )
        if not isinstance(value, Value):
            value = float(value) if np.ndim(value) == 0 else value
        return where(mask, value, self)

    def chunk(self, chunks: int, axis: int = 0) -> list[Tensor]:
        """At most `chunks` pieces along `axis`, each ⌈length / chunks⌉ long but the last, as
        torch.chunk (views of this tensor)."""
        if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
        if self.ndim == 0:
            raise ValueError("chunk: a 0-d tensor cannot be split")
        n = self.shape[axis_index("chunk", axis, self.ndim)]
        size = -(-n // int(chunks))
        if size == 0:  # an empty axis: `chunks` empty pieces, as torch
            return [self] * int(chunks)
        return _split("chunk", self, list(range(size, n, size)), axis, equal=False)

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


def _take_along(x: Tensor, order: np.ndarray, axis: int) -> Tensor:
    """x's values at `order` along `axis` (the order of a sort, or its first k)."""
    if x.ndim == 0:
        return x.reshape(1)[order]
    return x[along_axis("sort", order, x.shape, axis_index("sort", axis, x.ndim), own=True)]


def _sort_order(op: str, x: Tensor, axis: int, descending: bool) -> np.ndarray:
    """The indices that sort x along `axis`: stable, NaN last (first when descending, as
    torch.sort); a descending sort keeps tied values in their order too."""
    if x.ndim == 0:
        axis_index(op, axis, 1)
        return np.zeros((), dtype=np.int64)
    axis = axis_index(op, axis, x.ndim)
    if not descending:
        return np.argsort(x.data, axis=axis, kind="stable")
    backwards = np.argsort(np.flip(x.data, axis), axis=axis, kind="stable")
    return np.flip(x.shape[axis] - 1 - backwards, axis)


def _roll(x: Tensor, shift: Any, axis: Any) -> Tensor:
    """x rolled along each axis in turn, as two slices joined (shifts to one axis add up)."""
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    if shifts.dtype.kind not in "iu" or axes.dtype.kind not in "iu" or shifts.ndim > 1:
        raise TypeError(f"roll: shift and axis must be integers, got {shift!r} and {axis!r}")
    total: dict[int, int] = {}
    for s, a in zip(shifts.reshape(-1), axes.reshape(-1), strict=True):
        a = axis_index("roll", int(a), builtins.max(x.ndim, 1))
        total[a] = total.get(a, 0) + int(s)
    out = x
    for a, s in total.items():
        n = x.shape[a] if x.ndim else 1
        if n == 0 or s % n == 0:
            continue
        cut = n - s % n
        before = (slice(None),) * a
        out = concatenate(
            [out[before + (slice(cut, None),)], out[before + (slice(None, cut),)]], axis=a
        )
    return out if out is not x else x.clone()  # a new tensor, as np.roll's, even unmoved


def _triangle(op: str, x: Tensor, k: int, lower: bool) -> Tensor:
    if x.ndim < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {x.shape}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"{op}: k must be an integer, got {k!r}")
    below = np.tri(*x.shape[-2:], k=k if lower else k - 1, dtype=bool)
    return where(below if lower else ~below, x, 0.0)


def _same_dtype(op: str, x: Tensor, values: ArrayLike) -> Any:
    """The values an op adds into x: a tensor of x's dtype, or an array made of it."""
    if not isinstance(values, Value):
        return np.asarray(values, dtype=x.dtype)
    if values.dtype != x.dtype:
        raise TypeError(
            f"{op}: the values are {values.dtype}, the tensor {x.dtype}; give both one dtype "
            "(.astype)"
        )
    return values


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
    *shape: Any, rng: Rng = None, dtype: Any = np.float64, requires_grad: bool = False
) -> Tensor:
    """Uniform samples in [0, 1) of `shape` (`rand(2, 3)` or `rand((2, 3))`), drawn as
    Generator.random does; `rng` is a Generator, an int seed or None (randomness.py)."""
    size, dtype = _random_shape("rand", shape), _float_dtype("rand", dtype)
    source = generator(rng, "rand")
    if source is np.random:  # the global state draws float64 only: below 1 in float32 too
        data = np.minimum(np.random.random_sample(size).astype(dtype), _BELOW_ONE[dtype])
    else:
        data = source.random(size, dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def randn(
    *shape: Any, rng: Rng = None, dtype: Any = np.float64, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples of `shape`, drawn as Generator.standard_normal does; `rng` is a
    Generator, an int seed or None (randomness.py)."""
    size, dtype = _random_shape("randn", shape), _float_dtype("randn", dtype)
    source = generator(rng, "randn")
    if source is np.random:
        data = np.random.standard_normal(size).astype(dtype)
    else:
        data = source.standard_normal(size, dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def uniform(
    low: ArrayLike = 0.0,
    high: ArrayLike = 1.0,
    size: int | Sequence[int] | None = None,
    *,
    rng: Rng = None,
    dtype: Any = np.float64,
    requires_grad: bool = False,
) -> Tensor:
    """Samples uniform in [low, high), as NumPy's Generator.uniform (low and high may be
    arrays; size=None draws their broadcast shape, one number for numbers); drawn in float64,
    then cast to `dtype`. `rng` is a Generator, an int seed or None (randomness.py)."""
    size = None if size is None else _random_shape("uniform", (size,))
    dtype = _float_dtype("uniform", dtype)
    data = generator(rng, "uniform").uniform(_values_of(low), _values_of(high), size)
    return Tensor(np.asarray(data, dtype=dtype), requires_grad=requires_grad)


def normal(
    loc: ArrayLike = 0.0,
    scale: ArrayLike = 1.0,
    size: int | Sequence[int] | None = None,
    *,
    rng: Rng = None,
    dtype: Any = np.float64,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples of mean `loc` and standard deviation `scale`, as NumPy's
    Generator.normal (arrays broadcast; size=None draws their broadcast shape); drawn in
    float64, then cast to `dtype`. `rng` is a Generator, an int seed or None (randomness.py)."""
    size = None if size is None else _random_shape("normal", (size,))
    dtype = _float_dtype("normal", dtype)
    if np.any(_values_of(scale) < 0):
        raise ValueError(f"normal: scale is a standard deviation and must be >= 0, got {scale!r}")
    data = generator(rng, "normal").normal(_values_of(loc), _values_of(scale), size)
    return Tensor(np.asarray(data, dtype=dtype), requires_grad=requires_grad)


_BELOW_ONE = {np.dtype(t): np.nextafter(t(1), t(0)) for t in (np.float16, np.float32, np.float64)}


def _random_shape(op: str, shape: tuple) -> tuple[int, ...]:
    """A shape given as ints, or as one int or sequence of them: non-negative integers."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not builtins.all(
        isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) and n >= 0
        for n in shape
    ):
        raise ValueError(f"{op}: a shape is non-negative integers, got {shape!r}")
    return tuple(int(n) for n in shape)


def _float_dtype(op: str, dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: draws floating-point numbers; dtype must be a float, got {dtype}")
    return dtype


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


def squeeze(x: ArrayLike, axis: Axis = None) -> Tensor:
    return as_tensor(x).squeeze(axis)


def expand_dims(x: ArrayLike, axis: int | Sequence[int]) -> Tensor:
    return as_tensor(x).expand_dims(axis)


def unsqueeze(x: ArrayLike, axis: int) -> Tensor:
    return as_tensor(x).unsqueeze(axis)


def ravel(x: ArrayLike) -> Tensor:
    return as_tensor(x).ravel()


def flatten(x: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return as_tensor(x).flatten(start_dim, end_dim)


def moveaxis(x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    return as_tensor(x).moveaxis(source, destination)


def permute(x: ArrayLike, axes: Sequence[int]) -> Tensor:
    return as_tensor(x).permute(tuple(axes))


def flip(x: ArrayLike, axis: Axis = None) -> Tensor:
    return as_tensor(x).flip(axis)


def fliplr(x: ArrayLike) -> Tensor:
    return as_tensor(x).fliplr()


def flipud(x: ArrayLike) -> Tensor:
    return as_tensor(x).flipud()


def roll(x: ArrayLike, shift: int | Sequence[int], axis: Axis = None) -> Tensor:
    return as_tensor(x).roll(shift, axis)


def repeat(x: ArrayLike, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
    return as_tensor(x).repeat(repeats, axis)


def tile(x: ArrayLike, reps: int | Sequence[int]) -> Tensor:
    return as_tensor(x).tile(reps)


def diag(x: ArrayLike, k: int = 0) -> Tensor:
    """The k-th diagonal of a matrix, or a square matrix with a vector on its k-th diagonal
    (zeros elsewhere), as np.diag."""
    x = as_tensor(x)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"diag: k must be an integer, got {k!r}")
    if x.ndim == 2:
        return x.diagonal(k)
    if x.ndim != 1:
        raise ValueError(f"diag: needs a 1-d or 2-d tensor, got shape {x.shape}")
    size = len(x) + builtins.abs(int(k))
    return ops.scatter_add(x, index=diagonal_positions(size, size, int(k)), shape=(size, size))


def diagonal(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return as_tensor(x).diagonal(offset, axis1, axis2)


def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return as_tensor(x).trace(offset, axis1, axis2)


def tril(x: ArrayLike, k: int = 0) -> Tensor:
    return as_tensor(x).tril(k)


def triu(x: ArrayLike, k: int = 0) -> Tensor:
    return as_tensor(x).triu(k)


def gather(x: ArrayLike, axis: int, index: ArrayLike) -> Tensor:
    return as_tensor(x).gather(axis, index)


def take_along_axis(x: ArrayLike, indices: ArrayLike, axis: int | None) -> Tensor:
    """x's values at `indices` along `axis` (None: of the flattened x), the index broadcast
    against x along the other axes, as np.take_along_axis; repeated indices add up their
    adjoints."""
    x = as_tensor(x)
    positions = index_array("take_along_axis", indices)
    if axis is None:
        x, axis = x.reshape(-1), 0
        if positions.ndim != 1:
            raise ValueError(
                f"take_along_axis: with axis=None the indices must be 1-d, got shape "
                f"{positions.shape}"
            )
    if x.ndim == 0 or positions.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {positions.shape} need as many dimensions as "
            f"the tensor of shape {x.shape} (at least 1)"
        )
    axis = axis_index("take_along_axis", axis, x.ndim)
    try:
        np.broadcast_shapes(
            *(
                tuple(n for d, n in enumerate(shape) if d != axis)
                for shape in (x.shape, positions.shape)
            )
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {positions.shape} do not broadcast against a "
            f"tensor of shape {x.shape} outside axis {axis}"
        ) from None
    return x[along_axis("take_along_axis", positions, x.shape, axis)]


def scatter_add(x: ArrayLike, axis: int, index: ArrayLike, src: ArrayLike) -> Tensor:
    return as_tensor(x).scatter_add(axis, index, src)


def index_add(x: ArrayLike, axis: int, index: ArrayLike, source: ArrayLike) -> Tensor:
    return as_tensor(x).index_add(axis, index, source)


def masked_fill(x: ArrayLike, mask: ArrayLike, value: ArrayLike) -> Tensor:
    return as_tensor(x).masked_fill(mask, value)


def split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Pieces of x along `axis`, as np.split: an int n makes n equal pieces (an error if the
    length is not a multiple of n), a list of indices cuts there. (PyTorch's split takes piece
    sizes: see chunk.)"""
    return _split("split", as_tensor(x), indices_or_sections, axis, equal=True)


def array_split(
    x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0
) -> list[Tensor]:
    """As split, but n pieces need not be equal: the first length % n are one longer."""
    return _split("array_split", as_tensor(x), indices_or_sections, axis, equal=False)


def chunk(x: ArrayLike, chunks: int, axis: int = 0) -> list[Tensor]:
    return as_tensor(x).chunk(chunks, axis)


def _split(op: str, x: Tensor, sections: Any, axis: int, equal: bool) -> list[Tensor]:
    if x.ndim == 0:
        raise ValueError(f"{op}: a 0-d tensor cannot be split")
    axis = axis_index(op, axis, x.ndim)
    n = x.shape[axis]
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, bool):
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be positive, got {sections}")
        if equal and n % sections:
            raise ValueError(
                f"{op}: an axis of length {n} does not split into {sections} equal sections; "
                "use array_split for unequal ones"
            )
        size, longer = divmod(n, int(sections))
        ends = np.cumsum([size + 1] * longer + [size] * (int(sections) - longer))
        cuts = [0, *ends.tolist()]
    else:
        sections = np.asarray(sections) if len(sections) else np.zeros(0, dtype=np.int64)
        points = index_array(op, sections).reshape(-1).tolist()
        cuts = [0, *points, n]
    before = (slice(None),) * axis
    return [
        x[before + (slice(start, builtins.max(start, end)),)]
        for start, end in zip(cuts, cuts[1:], strict=False)
    ]


def vstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the first axis, 1-d ones as rows (np.vstack)."""
    return concatenate([_at_least("vstack", t, 2) for t in _sequence("vstack", tensors)], axis=0)


def hstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the second axis, or the first for 1-d ones (np.hstack)."""
    pieces = [_at_least("hstack", t, 1) for t in _sequence("hstack", tensors)]
    return concatenate(pieces, axis=0 if np.ndim(pieces[0]) == 1 else 1)


def dstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the third axis, made 3-d as np.atleast_3d (np.dstack)."""
    return concatenate([_at_least("dstack", t, 3) for t in _sequence("dstack", tensors)], axis=2)


def _sequence(op: str, tensors: Any) -> Sequence[Any]:
    if isinstance(tensors, (Value, np.ndarray)) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: give a list or tuple of tensors, got {type(tensors).__name__}")
    return tensors


def _at_least(op: str, t: Any, ndim: int) -> Any:
    """t with axes of length 1 added as np.atleast_1d, _2d and _3d add them."""
    if not isinstance(t, Value):
        return {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[ndim](np.asarray(t))
    if t.ndim >= ndim:
        return t
    if ndim == 3 and t.ndim == 2:
        return t.reshape(t.shape + (1,))
    if ndim == 3:
        return t.reshape((1, t.size, 1))
    return t.reshape((1,) * (ndim - t.ndim) + t.shape)


def pad(x: ArrayLike, pad_width: Any, mode: str = "constant", constant_values: float = 0) -> Tensor:
    """x padded along each axis as np.pad: pad_width is an int, a (before, after) pair, or one
    pair per axis. mode "constant" (with constant_values), "reflect" (mirrored without the
    edge, PyTorch's "reflect"), "symmetric" (with it), "edge" or "wrap"."""
    x = original = as_tensor(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not give (before, after) for each of the "
            f"{x.ndim} axes of a tensor of shape {x.shape}"
        ) from None
    if widths.dtype.kind not in "iu" or (widths < 0).any():
        raise TypeError(f"pad: pad_width must hold non-negative integers, got {pad_width!r}")
    if mode not in ("constant", "reflect", "symmetric", "edge", "wrap"):
        raise ValueError(
            f"pad: mode must be 'constant', 'reflect', 'symmetric', 'edge' or 'wrap', got {mode!r}"
        )
    if np.ndim(constant_values) != 0:
        raise TypeError(f"pad: constant_values must be a number, got {constant_values!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == after == 0:
            continue
        if mode == "constant":
            shape = list(x.shape)
            blocks = []
            for width in (before, after):
                shape[axis] = width
                blocks.append(np.full(shape, constant_values, dtype=x.dtype))
            x = concatenate([blocks[0], x, blocks[1]], axis=axis)
            continue
        if x.shape[axis] == 0:
            raise ValueError(f"pad: mode {mode!r} cannot pad an empty axis ({axis} of {x.shape})")
        positions = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
        x = x[(slice(None),) * axis + (positions,)]
    return x if x is not original else x.clone()  # a new tensor, as np.pad's, even unpadded


def sort(x: ArrayLike, axis: int | None = -1, descending: bool = False) -> Tensor:
    return as_tensor(x).sort(axis, descending)


def argsort(x: ArrayLike, axis: int | None = -1, descending: bool = False) -> Tensor:
    return as_tensor(x).argsort(axis, descending)


def topk(
    x: ArrayLike, k: int, axis: int = -1, largest: bool = True, sorted: bool = True
) -> tuple[Tensor, Tensor]:
    return as_tensor(x).topk(k, axis, largest, sorted)


def prod(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).prod(axis=axis, keepdims=keepdims)


def cumprod(x: ArrayLike, axis: int | None = None) -> Tensor:
    return as_tensor(x).cumprod(axis=axis)


def median(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).median(axis=axis, keepdims=keepdims)


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


def einsum(*operands: Any) -> Tensor:
    """Einstein summation, as np.einsum: `einsum("ij,jk->ik", a, b)` (a matrix product),
    `einsum("ii", a)` (the trace), `einsum("ii->i", a)` (the diagonal), `einsum("...ij->...ji",
    a)`, `einsum("bi,bj->bij", x, y)`, any number of operands, and the sublist form
    `einsum(a, [0, 1], b, [1, 2])`. NumPy's rules for the subscripts (subscripts.py), one node
    whatever the number of operands; each operand's adjoint is an einsum too."""
    if not operands:
        raise TypeError("einsum: give the subscripts and the operands, e.g. einsum('ij,j', a, b)")
    if isinstance(operands[0], str):
        spec, xs = operands[0], list(operands[1:])
    else:
        spec, xs = subscripts.from_sublists(operands)
    xs = [_operand("einsum", x) for x in xs]
    spec = subscripts.explicit(spec, [x.shape for x in xs])
    return _tensor_of(ops.einsum, *xs, subscripts=spec)


def tensordot(a: ArrayLike, b: ArrayLike, axes: Any = 2) -> Tensor:
    """Σ of a's and b's products over paired axes, as np.tensordot: axes=N pairs the last N
    axes of a with the first N of b (0: the outer product), axes=(a_axes, b_axes) pairs them
    one by one. The result has a's other axes, then b's."""
    a, b = _operand("tensordot", a), _operand("tensordot", b)
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, (bool, np.bool_)):
        most = builtins.min(a.ndim, b.ndim)
        if not 0 <= axes <= most:
            raise ValueError(
                f"tensordot: axes={axes} pairs the last {axes} axes of a (shape {a.shape}) with "
                f"the first {axes} of b (shape {b.shape}); it must lie in 0..{most}"
            )
        pairs = (range(a.ndim - axes, a.ndim), range(axes))
    else:
        try:
            pairs = tuple(
                tuple(p) if isinstance(p, (list, tuple, range, np.ndarray)) else (p,) for p in axes
            )
            if len(pairs) != 2 or isinstance(axes, str):
                raise ValueError
        except (TypeError, ValueError):
            raise TypeError(
                f"tensordot: axes must be an integer or a pair of axis sequences, as "
                f"([1, 0], [0, 2]), got {axes!r}"
            ) from None
    return _contract("tensordot", a, b, *pairs)


def dot(a: ArrayLike, b: ArrayLike) -> Tensor:
    """As np.dot: a product with a 0-d operand; the inner product of two vectors; otherwise the
    sum over a's last axis and b's second-to-last (its only, if b is 1-d): the matrix product
    for 2-d operands, and dot(a, b)[i, j, k, m] = Σ a[i, j, :] b[k, :, m] beyond."""
    a, b = _operand("dot", a), _operand("dot", b)
    if a.ndim == 0 or b.ndim == 0:
        return _tensor_of(ops.multiply, a, b)
    return _contract("dot", a, b, (a.ndim - 1,), (builtins.max(b.ndim - 2, 0),))


def inner(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Σ over the last axes of a and b, as np.inner (a product if either is 0-d); the result
    has a's other axes, then b's."""
    a, b = _operand("inner", a), _operand("inner", b)
    if a.ndim == 0 or b.ndim == 0:
        return _tensor_of(ops.multiply, a, b)
    return _contract("inner", a, b, (a.ndim - 1,), (b.ndim - 1,))


def outer(a: ArrayLike, b: ArrayLike) -> Tensor:
    """a[i] · b[j] for every pair, as np.outer: both are flattened first."""
    a, b = _operand("outer", a), _operand("outer", b)
    return _tensor_of(ops.multiply, a.reshape((-1, 1)), b.reshape((1, -1)))


def kron(a: ArrayLike, b: ArrayLike) -> Tensor:
    """The Kronecker product, as np.kron: a's grid of blocks a[i, j] · b (the operand with fewer
    axes gets leading axes of length 1)."""
    a, b = _operand("kron", a), _operand("kron", b)
    n = builtins.max(a.ndim, b.ndim)
    sa, sb = (1,) * (n - a.ndim) + a.shape, (1,) * (n - b.ndim) + b.shape
    # a[i, j] b[k, l] at [i, k, j, l], whose axes then merge pairwise: (i, k) -> i·len(b) + k
    spread_a = a.reshape(tuple(x for m in sa for x in (m, 1)))
    spread_b = b.reshape(tuple(x for m in sb for x in (1, m)))
    product = _tensor_of(ops.multiply, spread_a, spread_b)
    return product.reshape(tuple(m * k for m, k in zip(sa, sb, strict=True)))


def _operand(op: str, x: ArrayLike) -> Any:
    """A product's operand: a tensor as it is, anything else as an array (not a list of tensors
    that require grad: their array would be a constant cut from their graph)."""
    if isinstance(x, Value):
        return x
    if isinstance(x, (list, tuple)) and holds_graph(x):
        raise TypeError(
            f"{op}: a list operand holds tensors that require grad; it would be a constant cut "
            "from their graph. Use am.stack([...])"
        )
    return np.asarray(x)


def _contract(op: str, a: Any, b: Any, axes_a: Sequence[int], axes_b: Sequence[int]) -> Tensor:
    """Σ over the paired axes of a and b (one einsum), the result holding a's other axes, then
    b's; the paired axes must have equal lengths (no broadcasting, as NumPy's tensordot)."""
    axes_a = [axis_index(op, x, a.ndim) for x in axes_a]
    axes_b = [axis_index(op, x, b.ndim) for x in axes_b]
    if len(axes_a) != len(axes_b):
        raise ValueError(
            f"{op}: pairs {len(axes_a)} axes of a with {len(axes_b)} of b; give as many of each"
        )
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError(f"{op}: axes {axes_a} of a and {axes_b} of b name an axis twice")
    for i, j in zip(axes_a, axes_b, strict=True):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"{op}: axis {i} of a (shape {a.shape}) is {a.shape[i]} long, axis {j} of b "
                f"(shape {b.shape}) {b.shape[j]}; summed axes need equal lengths"
            )
    letters = subscripts.LETTERS
    of_a = letters[: a.ndim]
    of_b = [letters[a.ndim + j] for j in range(b.ndim)]
    for i, j in zip(axes_a, axes_b, strict=True):
        of_b[j] = of_a[i]
    free_a = "".join(c for i, c in enumerate(of_a) if i not in axes_a)
    free_b = "".join(c for j, c in enumerate(of_b) if j not in axes_b)
    return _tensor_of(ops.einsum, a, b, subscripts=f"{of_a},{''.join(of_b)}->{free_a}{free_b}")


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
    return ops.concatenate(*pieces, axis=axis_index("concatenate", axis, ndim))


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis, as np.stack (one op, whatever their number)."""
    pieces = _pieces("stack", tensors)
    shapes = {_values_of(t).shape for t in pieces}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    return ops.stack(*pieces, axis=axis_index("stack", axis, _values_of(pieces[0]).ndim + 1))


def _pieces(op: str, tensors: Sequence[ArrayLike]) -> list:
    """The inputs of a joining op: tensors as they are, anything else as an array; at least one
    of them a Tensor, so that the op returns one."""
    if not len(tensors):
        raise ValueError(f"{op}: needs at least one tensor")
    pieces = [t if isinstance(t, Value) else np.asarray(t) for t in tensors]
    if not builtins.any(isinstance(t, Value) for t in pieces):
        pieces[0] = Tensor(pieces[0])
    return pieces
