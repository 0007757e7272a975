"""The functions that make tensors (PyTorch's "creation ops", NumPy's "array creation
routines"): from data (tensor, as_tensor), filled (zeros, ones, full, eye and the _like ones),
evenly spaced (arange, linspace), and random samples (rand, randn, uniform, normal), whose `rng=`
is read by randomness.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .randomness import Rng, generator
from .tensor import ArrayLike, Tensor, numeric_array, values_of


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
    return Tensor._from_op(numeric_array("as_tensor", x, dtype, copy=False), None)


def zeros(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def zeros_like(x: ArrayLike, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros_like(values_of(x)), requires_grad=requires_grad)


def ones_like(x: ArrayLike, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones_like(values_of(x)), requires_grad=requires_grad)


def full(
    shape: int | Sequence[int], fill_value: Any, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of `shape` filled with `fill_value` (a Python number gives float64)."""
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad=requires_grad)


def full_like(x: ArrayLike, fill_value: Any, requires_grad: bool = False) -> Tensor:
    """A tensor of x's shape and dtype filled with `fill_value`."""
    return Tensor(np.full_like(values_of(x), fill_value), requires_grad=requires_grad)


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
    data = generator(rng, "uniform").uniform(values_of(low), values_of(high), size)
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
    if np.any(values_of(scale) < 0):
        raise ValueError(f"normal: scale is a standard deviation and must be >= 0, got {scale!r}")
    data = generator(rng, "normal").normal(values_of(loc), values_of(scale), size)
    return Tensor(np.asarray(data, dtype=dtype), requires_grad=requires_grad)


_BELOW_ONE = {np.dtype(t): np.nextafter(t(1), t(0)) for t in (np.float16, np.float32, np.float64)}


def _random_shape(op: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape given as ints, or as one int or sequence of them: non-negative integers."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) and n >= 0
        for n in shape
    ):
        raise ValueError(f"{op}: a shape is non-negative integers, got {shape!r}")
    return tuple(int(n) for n in shape)


def _float_dtype(op: str, dtype: DTypeLike) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: draws floating-point numbers; dtype must be a float, got {dtype}")
    return dtype


def _shape(shape: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
