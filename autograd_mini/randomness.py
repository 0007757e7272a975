"""Where random numbers come from. Every function that draws them (am.rand, am.randn,
am.uniform, am.normal, dropout, Embedding's first weights) takes `rng=`, NumPy's name and
kind of source rather than PyTorch's `generator=`:

- a `np.random.Generator`: its stream goes on from call to call (successive draws differ, and
  a run seeded once repeats);
- an int: the seed of a new Generator, `np.random.default_rng(seed)`, so the same int gives the
  same draws each time;
- None: NumPy's global state (`np.random.seed`).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import modes

Rng = np.random.Generator | int | None


def generator(rng: Rng, where: str = "rng") -> Any:
    """The source `rng` names: a Generator as given, a new one for an int seed, or the module
    np.random (its global state) for None. Refused inside jacfwd (and hessian), which calls f
    once per input element: each call would draw anew (torch.func refuses too)."""
    refused_by = modes.state.draws_refused_by
    if refused_by is not None:
        raise RuntimeError(
            f"{refused_by}: f draws random numbers ({where}), and f runs once per element of "
            "the input, so each column of the Jacobian would come from other draws; draw them "
            "outside f and pass them in, or use jacrev (one forward pass)"
        )
    if rng is None:
        return np.random
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{where}: rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}"
    )
