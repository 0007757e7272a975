"""Modes: thread-local switches, as in PyTorch. Is an op call recorded (no_grad, enable_grad,
set_grad_enabled), are adjoints checked for NaN and inf (detect_anomaly), is every op recorded
for a drawing (record_all), and which modules (outermost first) the ops being recorded belong
to (nn.Module.__call__ opens a scope).

Each thread has its own: one thread can run inference under no_grad() while another trains.
As decorators the switches hold around every call, and around every step of a generator.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import Callable
from typing import Any


class _State(threading.local):
    """The current thread's modes; a new thread starts with these defaults."""

    grad_enabled = True
    anomaly = False
    record_all = False  # ops on tensors that need no gradient recorded too (for a drawing)
    scope: tuple = ()  # the modules (outermost first) whose forward is running
    forward: tuple | None = None  # the open forward-mode levels, outermost first (forward.py)
    # a transform that runs f once per input element and needs the same f each time (jacfwd):
    # a random draw inside f raises (randomness.generator)
    draws_refused_by: str | None = None
    # the ids of the running reverse-mode transforms' own variables: f may not turn their
    # requires_grad off
    variables: frozenset[int] = frozenset()


state = _State()  # read by the engine on every op, so an attribute and not a function


def is_grad_enabled() -> bool:
    return state.grad_enabled


class _Switch:
    """A context manager and decorator that sets one mode of the current thread and restores
    it on exit. As a decorator it makes a fresh switch for every call (so calls from several
    threads do not share one), and holds around every step of a generator function."""

    attribute = ""

    def __init__(self, value: bool) -> None:
        self.value = value
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(getattr(state, self.attribute))
        setattr(state, self.attribute, self.value)

    def __exit__(self, *exc: object) -> None:
        setattr(state, self.attribute, self._previous.pop())

    def _fresh(self) -> _Switch:
        return _Switch.__new__(type(self))._set(self.value)

    def _set(self, value: bool) -> _Switch:
        _Switch.__init__(self, value)
        return self

    def __call__(self, func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"{type(self).__name__}: decorates a function, got {func!r}")
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        attribute, value = self.attribute, self.value

        @functools.wraps(func)
        def switched(*args: Any, **kwargs: Any) -> Any:
            # the thread's mode saved and restored here, not by a fresh switch per call (a
            # switch object costs 1 µs, an optimiser's step is a few µs per parameter)
            previous = getattr(state, attribute)
            setattr(state, attribute, value)
            try:
                return func(*args, **kwargs)
            finally:
                setattr(state, attribute, previous)

        return switched

    def _wrap_generator(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def switched(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                generator = func(*args, **kwargs)
            try:
                with self._fresh():
                    response = generator.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self._fresh():
                            generator.close()
                        raise
                    except BaseException:
                        with self._fresh():
                            response = generator.throw(*sys.exc_info()[1:2])
                    else:
                        with self._fresh():
                            response = generator.send(request)
            except StopIteration as stop:
                return stop.value

        return switched


class _FixedSwitch(_Switch):
    """A switch to one fixed value, which also works as a bare decorator (`@am.no_grad`)."""

    fixed = False

    def __new__(cls, func: Callable | None = None) -> Any:
        if func is None:
            return super().__new__(cls)
        return cls()(func)  # the bare decorator

    def __init__(self, func: Callable | None = None) -> None:
        super().__init__(self.fixed)


class no_grad(_FixedSwitch):  # noqa: N801 - PyTorch's name
    """Ops inside record no graph (inference, optimiser steps). A context manager, or a
    decorator with or without parentheses: `@am.no_grad()`, `@am.no_grad`."""

    attribute, fixed = "grad_enabled", False


class enable_grad(_FixedSwitch):  # noqa: N801 - PyTorch's name
    """Record graphs again inside a `no_grad()` block (context manager or decorator)."""

    attribute, fixed = "grad_enabled", True


class set_grad_enabled(_Switch):  # noqa: N801 - PyTorch's name
    """Record graphs if `mode`, as `torch.set_grad_enabled`: it takes effect when called, so it
    works as a plain function, and as a context manager or decorator restores the old mode."""

    attribute = "grad_enabled"

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self.__enter__()

    def __enter__(self) -> None:
        if not self._previous:  # already set when made
            super().__enter__()

    def __call__(self, func: Callable) -> Callable:
        self.__exit__()  # as a decorator, the mode applies inside the function only
        return super().__call__(func)


class detect_anomaly(_FixedSwitch):  # noqa: N801 - PyTorch's name
    """Inside, backward() checks every adjoint and names the op that first produced NaN or inf."""

    attribute, fixed = "anomaly", True


class record_all(_FixedSwitch):  # noqa: N801 - a mode, named as the others
    """Inside, every float op on a tensor is recorded, even if none of its inputs requires
    grad, so that a drawing can show ∂E/∂x for every leaf x (`viz.draw(..., grads="all")`, as
    micrograd does). Outputs of such ops then have a graph (and requires_grad); leaves that
    need no gradient still get no `.grad`, and backward() gives the others what it gives them
    outside."""

    attribute, fixed = "record_all", True


def enter_scope(owner: Any, replace_innermost: bool = False) -> tuple:
    """Tag the nodes recorded from now on with `owner` too (nn.Module.__call__ does this), so
    that a drawing can group a layer's ops; returns the scope to restore with `exit_scope`.
    With `replace_innermost`, `owner` takes the innermost owner's place (a loss module's call
    and the loss it calls are one scope)."""
    previous = state.scope
    state.scope = (*(previous[:-1] if replace_innermost else previous), owner)
    return previous


def innermost_scope() -> Any:
    """The innermost owner of the nodes being recorded (None outside every module)."""
    return state.scope[-1] if state.scope else None


def exit_scope(previous: tuple) -> None:
    state.scope = previous
