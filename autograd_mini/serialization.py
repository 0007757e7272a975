"""Saving and loading state dicts as `.npz` archives: arrays only, nothing is ever unpickled.

    am.save(model.state_dict(), "model.npz")
    model.load_state_dict(am.load("model.npz"))

An .npz file is a zip of .npy arrays that NumPy writes and reads without running any code;
reading with `allow_pickle=False` refuses object arrays, the one part of the format that would.
"""

from __future__ import annotations

import os
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

PathLike = str | os.PathLike


def save(state: Mapping[str, Any], path: PathLike) -> None:
    """Write a mapping name → array (or Tensor) to `path` as an .npz archive, at exactly that
    path (NumPy would add `.npz` to a name without it)."""
    if not isinstance(state, Mapping):
        hint = " (pass model.state_dict())" if hasattr(state, "state_dict") else ""
        raise TypeError(f"save: expects a dict of name → array, got {type(state).__name__}{hint}")
    arrays = {}
    for name, value in state.items():
        if not isinstance(name, str):
            raise TypeError(f"save: names must be strings, got {name!r}")
        array = np.asarray(getattr(value, "data", value))
        if array.dtype.kind not in "biufc":
            raise TypeError(
                f"save: {name!r} is a {array.dtype} array; only numeric arrays are saved "
                "(anything else would need pickling)"
            )
        arrays[name] = array
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def load(path: PathLike) -> OrderedDict[str, np.ndarray]:
    """Read an archive written by `save`: an ordered dict name → array. Object arrays (pickled
    Python objects) are refused with a ValueError and never unpickled."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"load: {os.fspath(path)!r} is not a readable .npz archive: {error}"
        ) from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"load: {os.fspath(path)!r} holds a single array, not an .npz archive")
    with archive:
        state = OrderedDict()
        for name in archive.files:
            try:
                state[name] = archive[name]
            except ValueError as error:  # NumPy: "Object arrays cannot be loaded when ..."
                raise ValueError(
                    f"load: {name!r} in {os.fspath(path)!r} holds pickled Python objects; "
                    f"refusing to unpickle them ({error})"
                ) from None
    return state
