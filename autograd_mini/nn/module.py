"""What is a module? An object whose Parameters and sub-modules are found through its attributes.

Assigning `self.weight = Parameter(...)` or `self.fc = Linear(...)` is all it takes to register
them: `named_parameters()` walks the attributes in the order they were set, as PyTorch does. A
list of modules (`self.layers = [Linear(...), ...]`) becomes a `ModuleList`, a list of
parameters a `ParameterList`, so that `model.layers[1].weight` is registered as
`layers.1.weight`. Once an attribute holds a parameter, only a Parameter or None may be
assigned to it, as in PyTorch: anything else would silently leave the parameters. Buffers
(`register_buffer`) are tensors that are state but not parameters, such as BatchNorm's running
statistics: saved and loaded with the parameters, never trained.

Names follow the tree: each module knows its dotted path (`_name`, "" for the root) and each
parameter tensor carries its own in `tensor.name`, re-prefixed whenever a module is assigned
into a parent. Graph drawings read both, and `__call__` records the forward pass inside
`modes.enter_scope(self)` so that every node knows which modules it belongs to.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from .. import engine, inplace, modes
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable: a leaf with requires_grad=True."""

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, name: str | None = None) -> None:
        super().__init__(data, requires_grad=requires_grad, name=name)

    @classmethod
    def _from_op(  # type: ignore[override]  # a Tensor, not the class it is called on (Self)
        cls, data: np.ndarray, node: engine.Node | None
    ) -> Tensor:
        # Op results and gradients computed from a parameter are plain tensors, as in PyTorch.
        return Tensor._from_op(data, node)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of layers and models: subclass it, set parameters and sub-modules as
    attributes in `__init__`, and write `forward`. Calling `super().__init__()` is optional."""

    training: bool = True
    _name: str = ""  # dotted path from the root module; "" for the root

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outer = modes.enter_scope(self)  # nodes recorded in forward belong to this module
        try:
            return self.forward(*args, **kwargs)
        finally:
            modes.exit_scope(outer)

    # --- registration by attribute -------------------------------------------------------------

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self._buffer_names():  # assigning to a buffer replaces the buffer
            value = _as_buffer(value, f"{type(self).__name__}.{key}")
            if value is not None:
                value.name = _join(self._name, key)
        elif isinstance(value, (list, tuple)):
            value = _as_container(value, f"{type(self).__name__}.{key}")
        if key in self._parameter_names() and not (value is None or isinstance(value, Parameter)):
            raise TypeError(  # accepted, the weight would silently leave parameters()
                f"{type(self).__name__}.{key} is a parameter: cannot assign a "
                f"{type(value).__name__} to it (a Parameter or None expected, as in PyTorch); "
                f"assign nn.Parameter(...) to train a new tensor, write new values in place with "
                f"`with am.no_grad(): module.{key}[...] = values`, or `del module.{key}` first"
            )
        held = vars(self).get(key)
        if isinstance(held, Module) and not (
            value is None or isinstance(value, (Module, Parameter))
        ):
            raise TypeError(  # accepted, the sub-module would silently leave state_dict()
                f"{type(self).__name__}.{key} is a sub-module: cannot assign a "
                f"{type(value).__name__} to it (a Module, a Parameter or None, as in PyTorch); "
                f"`del module.{key}` first to use the name for something else"
            )
        object.__setattr__(self, key, value)
        if isinstance(value, Module):
            value._rename(_join(self._name, key))
        elif isinstance(value, Parameter):
            self._parameter_names().add(key)
            value.name = _join(self._name, key)

    def __delattr__(self, key: str) -> None:
        object.__delattr__(self, key)
        self._parameter_names().discard(key)  # the name is free for any value again
        self._buffer_names().pop(key, None)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """`module.name = param`, as PyTorch's; with None, the name is kept for a parameter:
        only a Parameter or None may be assigned to it later (Linear(bias=False) does this)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, got "
                f"{type(param).__name__}; wrap a tensor in nn.Parameter(...)"
            )
        self._parameter_names().add(name)
        setattr(self, name, param)

    def _parameter_names(self) -> set[str]:
        """The attributes that hold a parameter, or None in its place (PyTorch keeps the name
        of a parameter set to None, so that only a Parameter or None may be assigned to it)."""
        if "_parameters" not in vars(self):  # made here so super().__init__() stays optional
            object.__setattr__(self, "_parameters", set())
        names: set[str] = vars(self)["_parameters"]
        return names

    def _own(self) -> Iterator[tuple[str, Parameter | Module]]:
        """This module's direct parameters and sub-modules, in the order they were assigned."""
        for key, value in vars(self).items():
            if isinstance(value, (Parameter, Module)):
                yield key, value

    def _rename(self, name: str) -> None:
        """Name this module, and everything it holds after it, walking the tree with a list
        (no recursion; a module held twice, or holding its parent, is named once)."""
        pending, seen = [(self, name)], set()
        while pending:
            module, path = pending.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            object.__setattr__(module, "_name", path)
            for key, value in module._own():
                if isinstance(value, Module):
                    pending.append((value, _join(path, key)))
                else:
                    value.name = _join(path, key)
            for key, buffer in module._own_buffers():
                buffer.name = _join(path, key)

    # --- buffers -------------------------------------------------------------------------------

    def _buffer_names(self) -> dict[str, bool]:
        """Buffer name → persistent; kept in the instance so super().__init__() stays optional."""
        names: dict[str, bool] = vars(self).get("_buffers", {})
        return names

    def _own_buffers(self, persistent_only: bool = False) -> Iterator[tuple[str, Tensor]]:
        for key, persistent in self._buffer_names().items():
            value = vars(self).get(key)
            if value is not None and (persistent or not persistent_only):
                yield key, value

    def register_buffer(self, name: str, array: Any, persistent: bool = True) -> None:
        """Keep `array` as the tensor `self.<name>`: state that is not a parameter (no
        gradient, no optimiser), saved by state_dict() unless persistent=False, moved by to().
        None reserves the name without a value."""
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(
                f"register_buffer: the name must be a non-empty string without '.', got "
                f"{name!r}; nest modules to make dotted names"
            )
        if name in vars(self) and name not in self._buffer_names():
            raise ValueError(
                f"register_buffer: {type(self).__name__} already has an attribute {name!r}; "
                "choose another name or delete the attribute first"
            )
        if "_buffers" not in vars(self):
            object.__setattr__(self, "_buffers", {})
        self._buffer_names()[name] = bool(persistent)
        setattr(self, name, array)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs, e.g. ("norm.running_mean", tensor); shared ones once."""
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for key, value in module._own_buffers():
                if id(value) not in seen:
                    seen.add(id(value))
                    yield _join(module_name, key), value

    def buffers(self) -> Iterator[Tensor]:
        """Every buffer of the tree once, in the order of named_buffers()."""
        for _, b in self.named_buffers():
            yield b

    # --- walking the tree ------------------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for key, value in self._own():
            if isinstance(value, Module):
                yield key, value

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Every module of the tree once, this one first (depth-first, in assignment order)."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(_join(name, k), m) for k, m in module.named_children()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ("layers.1.weight", W); shared ones once."""
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for key, value in module._own():
                if isinstance(value, Parameter) and id(value) not in seen:
                    seen.add(id(value))
                    yield _join(module_name, key), value

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    # --- training state --------------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (Tensor.zero_grad): to None, as PyTorch's default,
        or with set_to_none=False to zeros written into its memory."""
        for p in self.parameters():
            p.zero_grad(set_to_none)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set requires_grad on every parameter (False freezes them: backward() leaves their
        .grad alone); returns the module, as PyTorch's."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def train(self, mode: bool = True) -> Module:
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every sub-module, then on this one (as PyTorch: children first), e.g.
        to initialise weights: `model.apply(lambda m: isinstance(m, Linear) and ...)`."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, dtype: Any) -> Module:
        """Cast every floating-point parameter, gradient and buffer to `dtype` (a float dtype,
        e.g. np.float32), in place on this module; integer buffers keep their dtype."""
        target = np.dtype(dtype)
        if target.kind != "f":
            raise TypeError(
                f"Module.to: can cast only to a floating-point dtype, got {target}; "
                "give e.g. np.float32 or np.float64"
            )
        tensors = [*self.parameters(), *self.buffers()]
        for t in tensors:
            if t.dtype.kind == "f" and t.dtype != target:
                grad = t.grad
                t.data = t.data.astype(target)
                engine.increment_version(t)  # a graph that saved t holds the old dtype
                if grad is not None:
                    t.grad = grad.data.astype(target)
        return self

    # --- saving ----------------------------------------------------------------------------------

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Name → a copy of the array, for every parameter and persistent buffer: module by
        module, each module's parameters then its buffers, as PyTorch orders them. As in
        PyTorch, a module or tensor reached under two names (weight tying) is listed under
        both, though parameters() gives it once."""
        return OrderedDict((name, t.data.copy()) for name, t in self._state_tensors())

    def _state_tensors(self) -> Iterator[tuple[str, Tensor]]:
        """(name, tensor) under every path through the tree, depth-first."""
        stack: list[tuple[str, Module, frozenset[int]]] = [("", self, frozenset())]
        while stack:
            name, module, above = stack.pop()
            if id(module) in above:  # every path through it would be endless
                raise ValueError(
                    f"state_dict: {type(module).__name__} '{name}' holds a module that holds it "
                    "(a cycle): its names would never end; hold the outer module some other way "
                    "than as an attribute (e.g. a weakref or a plain function argument)"
                )
            own = [(k, v) for k, v in module._own() if isinstance(v, Parameter)]
            for key, value in own + list(module._own_buffers(persistent_only=True)):
                yield _join(name, key), value
            below = above | {id(module)}
            children = [(_join(name, k), m, below) for k, m in module.named_children()]
            stack.extend(reversed(children))

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers in place (same array objects). Every
        problem is reported in one ValueError: missing names and unexpected names (unless
        strict=False) and shape mismatches (always)."""
        own = dict(self._state_tensors())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        arrays = {name: np.asarray(getattr(v, "data", v)) for name, v in state_dict.items()}
        problems = [
            f"{name}: shape {arrays[name].shape} in the state dict, {p.shape} in the model"
            for name, p in own.items()
            if name in arrays and arrays[name].shape != p.shape
        ]
        problems += [
            f"{name}: {arrays[name].dtype} data cannot be loaded into a {p.dtype} parameter"
            for name, p in own.items()
            if name in arrays and arrays[name].dtype.kind not in "biuf"
        ]
        if strict:
            problems += [f"missing: {name}" for name in missing]
            problems += [f"unexpected: {name}" for name in unexpected]
        if problems:
            raise ValueError(
                f"load_state_dict: the state dict does not fit {type(self).__name__}:\n  "
                + "\n  ".join(problems)
            )
        with modes.no_grad():  # a write outside the graph, counted and checked by inplace.py
            for name, p in own.items():
                if name in arrays:
                    inplace.setitem(p, ..., arrays[name], "load_state_dict")
        return IncompatibleKeys(missing, unexpected)

    # --- printing --------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of repr, e.g. `in_features=3, ...`."""
        return ""

    def __repr__(self) -> str:
        lines = [f"({k}): {child!r}".replace("\n", "\n  ") for k, child in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _as_buffer(value: Any, where: str) -> Tensor | None:
    """A buffer's value as a Tensor that records no gradient; None stays None."""
    if value is None or (isinstance(value, Tensor) and not isinstance(value, Parameter)):
        return value
    if isinstance(value, Parameter):
        raise TypeError(
            f"{where} is a buffer, and a Parameter cannot be one; give it an array, or register "
            "the Parameter under another name"
        )
    return Tensor(value)


def _as_container(items: list[Any] | tuple[Any, ...], where: str) -> Any:
    """A list of modules becomes a ModuleList, of parameters a ParameterList; others stay."""
    if not items:
        return items
    if all(isinstance(v, Module) for v in items):
        return ModuleList(items)
    if all(isinstance(v, Parameter) for v in items):
        return ParameterList(items)
    if any(isinstance(v, (Module, Parameter)) for v in items):
        raise TypeError(
            f"{where}: a list that holds Modules or Parameters must hold only Modules or only "
            "Parameters, so that each one is registered; split it into two attributes"
        )
    return items


class _ListMixin:
    """The list behaviour shared by ModuleList and ParameterList: items named "0", "1", ..."""

    _items: list[Any]

    def _own(self) -> Iterator[tuple[str, Any]]:
        return ((str(i), v) for i, v in enumerate(self._items))

    def _adopt(self, index: int, value: Any) -> None:
        name = _join(self._name, str(index))  # type: ignore[attr-defined]
        if isinstance(value, Module):
            value._rename(name)
        else:
            value.name = name

    def append(self, value: Any) -> Any:
        self._items.append(self._check(value))
        self._adopt(len(self._items) - 1, value)
        return self

    def extend(self, values: Iterable[Any]) -> Any:
        for value in values:
            self.append(value)
        return self

    def __getitem__(self, index: int | slice) -> Any:
        return self._items[index]  # a slice gives a plain list: the items keep their names

    def __setitem__(self, index: int, value: Any) -> None:
        self._items[index] = self._check(value)
        self._adopt(index % len(self._items), value)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def _check(self, value: Any) -> Any:
        raise NotImplementedError


class ModuleList(_ListMixin, Module):
    """A list of modules, registered as `0`, `1`, ... (what `self.layers = [...]` becomes)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        self._items = []
        self.extend(modules)

    def _check(self, value: Any) -> Module:
        if not isinstance(value, Module):
            raise TypeError(f"{type(self).__name__} holds Modules, got {type(value).__name__}")
        return value


class ModuleDict(Module):
    """Modules by name, registered under their keys, in insertion order:
    `self.heads = ModuleDict({"value": Linear(4, 1), "policy": Linear(4, 3)})`."""

    _items: dict[str, Module]  # set in __init__, past Module's registering __setattr__

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] = ()) -> None:
        super().__init__()
        object.__setattr__(self, "_items", {})
        self.update(modules)

    def _own(self) -> Iterator[tuple[str, Any]]:
        return iter(list(self._items.items()))

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(key, str) or not key or "." in key:
            raise ValueError(f"ModuleDict: keys must be non-empty strings without '.', got {key!r}")
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict holds Modules, got {type(module).__name__} for {key!r}")
        self._items[key] = module
        module._rename(_join(self._name, key))

    def __getitem__(self, key: str) -> Module:
        return self._items[key]

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def keys(self) -> Iterable[str]:
        """The keys, in insertion order."""
        return self._items.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._items.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """(key, module) pairs, in insertion order."""
        return self._items.items()

    def pop(self, key: str) -> Module:
        """Remove the module under `key` and return it."""
        return self._items.pop(key)

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or from (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module


class ParameterList(_ListMixin, Module):
    """A list of parameters, registered as `0`, `1`, ..."""

    def __init__(self, parameters: Iterable[Parameter] = ()) -> None:
        super().__init__()
        self._items = []
        self.extend(parameters)

    def _check(self, value: Any) -> Parameter:
        if not isinstance(value, Parameter):
            raise TypeError(f"ParameterList holds Parameters, got {type(value).__name__}")
        return value

    def extra_repr(self) -> str:
        return ", ".join(f"({i}): {p.dtype} {p.shape}" for i, p in enumerate(self._items))

    def __repr__(self) -> str:
        return f"ParameterList({self.extra_repr()})"


class Sequential(ModuleList):
    """Modules applied one after the other: `Sequential(Linear(2, 4), Tanh(), Linear(4, 1))`."""

    def __init__(self, *modules: Module) -> None:
        super().__init__(modules)

    def forward(self, x: Any) -> Any:
        for module in self._items:
            x = module(x)
        return x
