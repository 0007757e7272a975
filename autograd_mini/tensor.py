"""Tensor: an ndarray that remembers how it was computed, with NumPy's names for array operations
and PyTorch's for autodiff. Every operator and method forwards to a primitive of ops.py, or is
composed of them (log_softmax, expand_dims, std: composites need no derivative rule of their own).

Axes are normalised here, once, by the rules of axes.py, before any primitive sees them: a
primitive's rule may rely on non-negative axes.

The class alone, as PyTorch keeps its Tensor class apart from its functions: the functions that
make tensors are in creation.py, and the same ops as functions (am.exp, am.concatenate, ...) in
routines.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from . import engine, inplace, modes, ops
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

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]


class Tensor(Value):
    """A NumPy array with a gradient.

    `Tensor(data, requires_grad=False, dtype=None, name=None)` copies `data`. Python numbers and
    lists become float64 (what gradient checks need); NumPy arrays keep their dtype, so float32
    stays float32 end to end. Only floating-point tensors can require gradients.
    """

    __slots__ = ()
    _grad: Tensor | None  # what backward() and the setter below store: a Tensor
    __hash__ = object.__hash__  # == is elementwise, so hash by identity as PyTorch does

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self._init(numeric_array("Tensor", data, dtype, copy=True), None)
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

    def item(self) -> int | float | bool:
        value: int | float | bool = self.data.item()  # a Python number, as torch's item()
        return value

    def numpy(self) -> np.ndarray:
        return self.data

    def tolist(self) -> Any:
        return self.data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The values, for NumPy; refused while they would leave a graph behind (np.array of a
        list of such tensors, say), as torch does: .numpy() or detach() says it on purpose."""
        if holds_graph((self,)):
            raise TypeError(
                "a tensor that requires grad (or carries a tangent inside jvp/jacfwd) was turned "
                "into a NumPy array, which would cut it from the graph (np.array([t, u]) or "
                "np.mean([t, u]), say). Use am.stack([...]) and the am. ops, or t.detach() / "
                "t.numpy() for the values"
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

    def __array_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
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

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset `.grad`: to None, or with set_to_none=False to zeros written into its memory,
        as PyTorch's optimisers and modules do it: a counted in-place write (a graph that saved
        the gradient refuses to differentiate with it). A gradient that backward(
        create_graph=True) left in a graph is cut from it first (torch's detach_(): `.grad`
        becomes a tensor with no graph over the same memory); a read-only one becomes zeros."""
        grad = self._grad
        if grad is None or set_to_none:
            self._grad = None
            return
        if not grad.data.flags.writeable:
            self._grad = Tensor(np.zeros_like(grad.data))
            return
        if not grad.is_leaf:
            grad = self._grad = grad.detach()  # same memory and version, no graph
        elif grad.requires_grad:
            grad.requires_grad_(False)
        with modes.no_grad():
            grad.zero_()

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
        from . import routines  # it imports this module

        return routines.isclose(self, other, rtol, atol, equal_nan)

    def isnan(self) -> Tensor:
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        return ops.isfinite(self)

    # Comparisons give boolean tensors outside the graph.
    def __lt__(self, other: ArrayLike) -> Tensor:
        return ops.less(self, other)

    def __le__(self, other: ArrayLike) -> Tensor:
        return ops.less_equal(self, other)

    def __gt__(self, other: ArrayLike) -> Tensor:
        return ops.greater(self, other)

    def __ge__(self, other: ArrayLike) -> Tensor:
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
        from . import routines  # it imports this module

        negative = self.data <= 0
        return routines.where(
            negative, alpha * ops.expm1(routines.where(negative, self, 0.0)), self
        )

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
        if any(isinstance(b, Value) and b.requires_grad for b in bounds):
            return _clip_to_tensors(self, a_min, a_max)
        a_min, a_max = (b.data if isinstance(b, Value) else b for b in bounds)
        return ops.clip(self, a_min=a_min, a_max=a_max)

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype; the adjoint is cast back to this tensor's dtype."""
        return ops.astype(self, dtype=np.dtype(dtype))

    # --- products (beyond @: NumPy's functions, also methods as in PyTorch) -----------------

    def dot(self, other: ArrayLike) -> Tensor:
        from . import routines  # it imports this module

        return routines.dot(self, other)

    def inner(self, other: ArrayLike) -> Tensor:
        from . import routines  # it imports this module

        return routines.inner(self, other)

    def outer(self, other: ArrayLike) -> Tensor:
        from . import routines  # it imports this module

        return routines.outer(self, other)

    def kron(self, other: ArrayLike) -> Tensor:
        from . import routines  # it imports this module

        return routines.kron(self, other)

    # --- reductions --------------------------------------------------------------------------

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("sum", axis, self.ndim, keepdims)
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axis = reduction_axes("mean", axis, self.ndim, keepdims)
        return ops.mean(self, axis=axis, keepdims=keepdims)

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
        from . import routines  # it imports this module

        v = self.var(axis=axis, ddof=ddof, keepdims=keepdims)
        flat = v.data == 0
        return routines.where(flat, 0.0, ops.sqrt(routines.where(flat, 1.0, v)))

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
        ndim = max(self.ndim, 1)
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
        axis = None if axis is None else axis_index("argmax", axis, max(self.ndim, 1))
        return ops.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        axis = None if axis is None else axis_index("argmin", axis, max(self.ndim, 1))
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
        axes = softmax_axis("log_softmax", axis, self.ndim)
        with np.errstate(invalid="ignore"):  # inf − inf: the slice's NaN, without a warning
            shifted: Tensor = self - np.max(self.data, axis=axes, keepdims=True, initial=-np.inf)
            return shifted - ops.logsumexp(shifted, axis=axes, keepdims=True)

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
        order = (
            axes[0] or ()
            if len(axes) == 1 and isinstance(axes[0], (tuple, list, type(None)))
            else axes
        )
        if not order:
            return ops.transpose(self, axes=tuple(reversed(range(self.ndim))))
        return ops.transpose(self, axes=permutation("transpose", order, self.shape))

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
        """x repeated along new or length-1 axes to `shape`; read-only, as NumPy's (a write
        could not reach x: the result is a copy here, and a view that repeats memory there)."""
        return _read_only(ops.broadcast_to(self, shape=tuple(shape)))

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
        axes = reduction_axes("squeeze", axis, self.ndim) or ()  # None only for axis=None
        if any(self.shape[a] != 1 for a in axes):
            raise ValueError(
                f"squeeze: can only remove axes of length 1; axis {axis} of a tensor of shape "
                f"{self.shape} is longer"
            )
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def flip(self, axis: Axis = None) -> Tensor:
        """The order of the elements reversed along `axis` (None: every axis), as np.flip."""
        named = reduction_axes("flip", axis, self.ndim)
        axes = range(self.ndim) if named is None else named
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
        axis = 0 if axis is None else axis_index("repeat", axis, max(x.ndim, 1))
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
        counts = tuple(reps) if isinstance(reps, (tuple, list)) else (reps,)
        if not all(
            isinstance(r, (int, np.integer)) and not isinstance(r, bool) and r >= 0 for r in counts
        ):
            raise TypeError(f"tile: reps must be non-negative integers, got {counts!r}")
        ndim = max(len(counts), self.ndim)
        counts = (1,) * (ndim - len(counts)) + counts
        shape = (1,) * (ndim - self.ndim) + self.shape
        spread = self.reshape(tuple(n for s in shape for n in (1, s)))
        copies = ops.broadcast_to(  # the primitive: its result is a copy, and tile's writable
            spread, shape=tuple(n for r, s in zip(counts, shape, strict=True) for n in (r, s))
        )
        return copies.reshape(tuple(r * s for r, s in zip(counts, shape, strict=True)))

    def diag(self, k: int = 0) -> Tensor:
        """The k-th diagonal of a matrix, or a matrix with this vector on its k-th diagonal."""
        from . import routines  # it imports this module

        return routines.diag(self, k)

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
        # read-only, as NumPy's: a copy here, so a write could not reach self
        return _read_only(self.moveaxis((a1, a2), (-2, -1))[..., rows, cols])

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
        axis = axis_index("gather", axis, max(self.ndim, 1))
        if positions.ndim != self.ndim or any(
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
        axis = axis_index("scatter_add", axis, max(self.ndim, 1))
        src_shape = np.shape(src.data if isinstance(src, Value) else src)
        if (
            positions.ndim != self.ndim
            or len(src_shape) != self.ndim
            or any(p > s for p, s in zip(positions.shape, src_shape, strict=False))
            or any(
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
        axis = axis_index("index_add", axis, max(self.ndim, 1))
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
        from . import routines  # it imports this module

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
            value = float(np.asarray(value)) if np.ndim(value) == 0 else value
        return routines.where(mask, value, self)

    def chunk(self, chunks: int, axis: int = 0) -> list[Tensor]:
        """At most `chunks` pieces along `axis`, each ⌈length / chunks⌉ long but the last, as
        torch.chunk (views of this tensor)."""
        from . import routines  # it imports this module

        return routines.chunk(self, chunks, axis)

    def __getitem__(self, index: Any) -> Tensor:
        """Basic slices, integer arrays and boolean masks, as NumPy; the adjoint is
        scatter-added back, so repeated indices accumulate."""
        return ops.getitem(self, index=_plain_index(index))


def numeric_array(op: str, data: Any, dtype: Any, copy: bool) -> np.ndarray:
    """`data` as an array: Python numbers and lists become float64 (what gradient checks
    need), NumPy arrays keep their dtype unless `dtype` says otherwise; only numbers. The one
    rule of Tensor() and as_tensor (creation.py)."""
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


def values_of(x: ArrayLike) -> np.ndarray:
    """x's values as an array (a tensor's own, without asking NumPy to convert it), for the
    functions of creation.py and routines.py too."""
    return x.data if isinstance(x, Value) else np.asarray(x)


def _read_only(t: Tensor) -> Tensor:
    t.data.flags.writeable = False
    return t


def _clip_to_tensors(x: Tensor, a_min: Any, a_max: Any) -> Tensor:
    """np.clip's values, with torch.clamp's adjoints for bounds that require grad: x's where
    a_min ≤ x ≤ a_max, a_min's where x < a_min < a_max, a_max's where x > a_max or
    a_max < a_min; none where x < a_min = a_max, or where a NaN makes the result NaN."""
    from . import routines  # it imports this module

    lo = -np.inf if a_min is None else a_min
    hi = np.inf if a_max is None else a_max
    lo_data, hi_data = values_of(lo), values_of(hi)
    valid = ~(np.isnan(lo_data) | np.isnan(hi_data))  # a NaN bound makes NaN
    inside = (x.data >= lo_data) & (x.data <= hi_data)
    to_lo = (x.data < lo_data) & (lo_data < hi_data) & valid
    to_hi = ((x.data > hi_data) | (hi_data < lo_data)) & valid
    rest = np.clip(x.data, lo_data, hi_data)  # a constant: no adjoint goes there
    return routines.where(inside, x, routines.where(to_lo, lo, routines.where(to_hi, hi, rest)))


_SELU_ALPHA = 1.6732632423543772848170429916717  # PyTorch's constants
_SELU_SCALE = 1.0507009873554804934193349852946


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
    from . import routines  # it imports this module

    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    if shifts.dtype.kind not in "iu" or axes.dtype.kind not in "iu" or shifts.ndim > 1:
        raise TypeError(f"roll: shift and axis must be integers, got {shift!r} and {axis!r}")
    total: dict[int, int] = {}
    for s, a in zip(shifts.reshape(-1), axes.reshape(-1), strict=True):
        a = axis_index("roll", int(a), max(x.ndim, 1))
        total[a] = total.get(a, 0) + int(s)
    out = x
    for a, s in total.items():
        n = x.shape[a] if x.ndim else 1
        if n == 0 or s % n == 0:
            continue
        cut = n - s % n
        before = (slice(None),) * a
        out = routines.concatenate(
            [out[before + (slice(cut, None),)], out[before + (slice(None, cut),)]], axis=a
        )
    return out if out is not x else x.clone()  # a new tensor, as np.roll's, even unmoved


def _triangle(op: str, x: Tensor, k: int, lower: bool) -> Tensor:
    from . import routines  # it imports this module

    if x.ndim < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {x.shape}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"{op}: k must be an integer, got {k!r}")
    rows, cols = x.shape[-2:]
    below = np.tri(rows, cols, k=k if lower else k - 1, dtype=bool)
    return routines.where(below if lower else ~below, x, 0.0)


def _same_dtype(op: str, x: Tensor, values: ArrayLike) -> Tensor | np.ndarray:
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
