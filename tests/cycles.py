"""What the tests of "a dropped graph leaves no reference cycle" share: the cyclic garbage a piece
of code leaves, counted among autograd_mini's own objects only, so that garbage another thread
makes meanwhile (a browser driver's event loop, a finished test's pool) cannot fail them."""

from __future__ import annotations

import gc
import types
from collections.abc import Callable
from pathlib import Path

import autograd_mini

PACKAGE = str(Path(autograd_mini.__file__).parent)


def cyclic_garbage(run: Callable[[], object]) -> list:
    """The objects of autograd_mini (its classes' instances, its functions, frames of its code)
    that only the cyclic collector would free after `run()`."""
    gc.collect()
    gc.disable()
    debug = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds, to look at it
    try:
        run()
        gc.collect()
        return [o for o in gc.garbage if _ours(o)]
    finally:
        gc.set_debug(debug)
        gc.garbage.clear()
        gc.enable()


def _ours(o: object) -> bool:
    if isinstance(o, types.FrameType):
        return o.f_code.co_filename.startswith(PACKAGE)
    if isinstance(o, types.FunctionType):
        return o.__code__.co_filename.startswith(PACKAGE)
    return type(o).__module__.startswith("autograd_mini")
