"""What an op is: a forward function on arrays and the derivative rule (vector-Jacobian product)
of each input, declared together in ops.py; and how calling one on tensors records a node.

A primitive knows the rules; the engine (engine.py) knows the order in which to run them. What
a rule reads is worked out from its code (PyTorch's "saved tensors"), so that an in-place
write refuses a backward pass only when the values it changed are needed.
"""

from __future__ import annotations

import dis
import inspect
from collections.abc import Callable, Sequence
from types import CodeType
from typing import Any, TypeVar, overload

import numpy as np

from . import modes
from .engine import Node, Value, give_node, latest_write, shared_log

V = TypeVar("V", bound=Value)

_mode = modes.state  # this thread's modes, read on every op
# Shared by the nodes of ops called without parameters (a dict of its own per node would be
# one more object for every full garbage collection to touch while the graph lives), and so
# never written to. A plain dict, not a read-only MappingProxyType: a call `rule(**params)`
# copies any mapping that is not a dict into a new one (~0.2 µs per vjp call).
_NO_PARAMS: dict[str, Any] = {}


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum an adjoint over the axes that broadcasting added or stretched, back to `shape`.
    (`shape` may also have more leading axes of length 1 than g: NumPy drops those when it
    assigns v to t[index].)"""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra < 0:
        g = g.reshape((1,) * -extra + g.shape)
        extra = 0
    if extra:
        g = g.sum(axis=tuple(range(extra)))
        if g.shape == shape:  # the common case: a bias added to every row
            return g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


# Set by forward.py while a forward-mode transform is open (in any thread) to the function that
# gives an op's output its tangents; None otherwise, when this one check is all it costs.
forward_hook: Callable[..., None] | None = None

# NumPy 2.3 taught ufuncs `out=...`: return an array even for 0-d inputs, not a NumPy scalar.
_UFUNC_OUT_ELLIPSIS = np.lib.NumpyVersion(np.__version__) >= "2.3.0"


class Primitive:
    """An op: a forward function on arrays and one vjp per input, declared together in ops.py.

    Each vjp is called as `vjp(g, ans, *inputs, **params)` and returns the adjoint of its input.
    `vjp_all(g, ans, *inputs, **params)`, returning every input's adjoint at once, serves ops
    with any number of inputs (one call per node, not one per input). With
    `broadcasts=True` the engine reduces each adjoint to its input's shape (`unbroadcast`).
    `view=True` marks an op whose output may share its first input's memory (reshape,
    transpose, basic indexing): an in-place write to one is then counted on both.
    `symbol`, `rule` and `arguments` (the names of inputs that do not commute) are what a
    drawing of the op says. `jvp` is its forward-mode rule ("linear", "elementwise", or rules
    of the tangents: ops.py says how), which forward.py applies.

    A primitive declared with no vjp (a comparison) is never recorded: its output is a constant.
    Called on arrays only, a primitive returns an array: that is how the same vjp formulas run on
    raw arrays in a plain backward pass and on Tensors when `create_graph=True`.
    """

    __slots__ = (
        "name",
        "forward",
        "vjps",
        "vjp_all",
        "broadcasts",
        "view",
        "saves_output",
        "_reads",
        "_input_names",
        "_more_inputs",
        "explain",
        "symbol",
        "rule",
        "arguments",
        "differentiable",
        "returns_array",
        "jvp",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        *vjps: Callable[..., Any] | None,
        vjp_all: Callable[..., Any] | None = None,
        broadcasts: bool = False,
        view: bool = False,
        explain: Callable[..., str] | None = None,
        symbol: str | None = None,
        rule: str | None = None,
        arguments: tuple[str, ...] | None = None,
        jvp: Any = None,
    ) -> None:
        self.name = name
        self.jvp = jvp  # the forward-mode rule: "linear", "elementwise" or rules (forward.py)
        self.forward = forward
        self.vjps = vjps
        self.vjp_all = vjp_all
        self.broadcasts = broadcasts
        self.view = view
        self.explain = explain  # a clearer message than NumPy's when the forward fails
        self.symbol = symbol or name
        self.rule = rule
        self.arguments = arguments
        self.differentiable = bool(vjps) or vjp_all is not None
        # What each rule reads, as PyTorch's "saved tensors": only a change to these (an
        # in-place write between forward and backward) makes backward() refuse the node.
        rules = [r for r in (*vjps, vjp_all) if r is not None]
        self._reads = [_names_read(r) if r is not None else set() for r in (vjp_all, *vjps)]
        self._input_names, self._more_inputs = _input_names(rules[0]) if rules else ((), None)
        self.saves_output = any("ans" in names for names in self._reads)
        # one rule per input the rules name, so that the engine can call vjps[i] for any of
        # them: an input with no derivative gets a rule that says so
        missing = len(self._input_names) - len(vjps)
        self.vjps = tuple(
            _no_rule(name, i) if rule is None else rule
            for i, rule in enumerate(vjps + (None,) * missing)
        )
        # A ufunc returns a NumPy scalar for 0-d inputs unless told out=... (NumPy ≥ 2.3): asking
        # for the array directly is cheaper than wrapping the scalar into one afterwards.
        self.returns_array = (
            _UFUNC_OUT_ELLIPSIS and isinstance(forward, np.ufunc) and forward.nout == 1
        )

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    # What a call returns, for the type checker: a value of its first tensor input's class (a
    # Tensor) when one of the first two inputs is one; an ndarray when all are arrays (as the
    # rules' inputs are in a plain backward pass), which the last form leaves open.
    @overload
    def __call__(self, x: V, /, *args: Any, **params: Any) -> V: ...
    @overload
    def __call__(self, x: Any, y: V, /, *args: Any, **params: Any) -> V: ...
    @overload
    def __call__(self, *args: Any, **params: Any) -> Any: ...

    def __call__(self, *args: Any, **params: Any) -> Any:
        cls = None
        needs_grad = False
        values = []  # the inputs as arrays (and constants as they are)
        inputs = []  # what a node keeps of each: its node, or the leaf or constant itself
        for a in args:
            if isinstance(a, Value):
                if a._view is not None and _mode.grad_enabled:
                    refresh_view(a)
                cls = type(a)
                values.append(a.data)
                node = a._node
                if node is None:
                    inputs.append(a)
                else:
                    inputs.append(node)
                    if node.ans is None:  # released by a backward(): the tensor still has it
                        node.ans = a.data
                if a._requires_grad:
                    needs_grad = True
            else:
                if a.__class__ is list or a.__class__ is tuple:  # a constant the rules can read
                    if holds_graph(a):
                        raise TypeError(
                            f"{self.name}: a list operand holds tensors that require grad; it "
                            "would be a constant cut from their graph. Use am.stack([...])"
                        )
                    a = np.asarray(a)
                values.append(a)
                inputs.append(a)
        try:
            if cls is None:  # no tensor among the inputs: NumPy's result, no graph
                return self.forward(*values, **params)
            if self.returns_array:
                out = self.forward(*values, out=..., **params)
            else:
                out = self.forward(*values, **params)
                if type(out) is not np.ndarray:
                    out = np.asarray(out)
        except (ValueError, TypeError, IndexError, AttributeError) as error:
            explain = self.explain
            reason = explain(*values, **params) if explain is not None else None
            # NumPy raises subclasses with constructors of their own: re-raise as the builtin
            # (an AttributeError is NumPy looking for a method on an object: a wrong type)
            kinds = (TypeError, ValueError, IndexError)
            kind = next((k for k in kinds if isinstance(error, k)), TypeError)
            raise kind(f"{self.name}: {reason or f'{describe(values)}: {error}'}") from None
        kind = out.dtype.kind
        record = (needs_grad or _mode.record_all) and self.differentiable and _mode.grad_enabled
        if record and kind == "f":
            result = cls._from_op(out, Node(self, inputs, params or _NO_PARAMS, out))
        elif kind in "biuf" or (kind == "c" and not record):
            result = cls._from_op(out, None)  # integer and boolean results are constants
        else:
            raise TypeError(_unsupported_result(self.name, values, out))
        if self.view and isinstance(args[0], Value) and np.may_share_memory(out, values[0]):
            first = args[0]
            result._base = first if first._base is None else first._base
            # made when: the writes it saw, and whether outside the graph (under no_grad())
            result._view = (first, self, params, latest_write(), not _mode.grad_enabled)
            if result._node is not None:
                result._node.log = shared_log(result._base)
        if forward_hook is not None:  # a forward-mode transform is open: tangents too
            forward_hook(self, args, params, result)
        return result

    def reads(self, wanted: Sequence[Any]) -> set[str]:
        """The names whose values the rules for the `wanted` inputs read (not None)."""
        if self.vjp_all is not None:
            return self._reads[0]
        rules = self._reads[1:]
        return set().union(*(r for r, w in zip(rules, wanted, strict=False) if w is not None))

    def input_name(self, i: int) -> str | None:
        """The name the rules give input i."""
        names = self._input_names
        return names[i] if i < len(names) else self._more_inputs

    def fit(self, i: int, gi: Any, x: Any) -> Any:
        """Input i's adjoint in its shape (summing what broadcasting stretched) and dtype."""
        if gi.shape != x.shape:
            if not self.broadcasts:
                raise RuntimeError(
                    f"{self.name}: the derivative rule for input {i} returned shape "
                    f"{gi.shape}, expected {x.shape}; this is a bug in ops.py"
                )
            gi = unbroadcast(gi, x.shape)
        if gi.dtype != x.dtype:
            gi = gi.astype(x.dtype)
        return gi


def _no_rule(name: str, i: int) -> Callable[..., Any]:
    def no_rule(*args: Any, **params: Any) -> Any:
        raise TypeError(f"{name}: no derivative rule for input {i}; it is not differentiable")

    return no_rule


def holds_graph(items: list | tuple) -> bool:
    """Whether nested lists hold a tensor that requires grad while a graph is recorded, or one
    with a tangent of an open forward-mode transform (jvp, jacfwd): made an array, it would
    lose either."""
    recording, tangents = _mode.grad_enabled, _mode.forward is not None
    if not (recording or tangents):
        return False
    if tangents:
        from .forward import carries_tangent  # it imports this module
    pending = [items]
    while pending:
        for item in pending.pop():
            if isinstance(item, Value):
                if (recording and item._requires_grad) or (tangents and carries_tangent(item)):
                    return True
            elif isinstance(item, (list, tuple)):
                pending.append(item)
    return False


def refresh_view(view: Value, writing: bool = False) -> None:
    """Make a view again from its base if the base's memory was written since the view was
    made (through the base or another view of it): as PyTorch's view replay, its values, which
    changed with the memory, then come with the base's current graph. A view outside the
    base's graph (made under no_grad(), or before the base required grad) is a constant to
    the ops that read it, as in PyTorch; one about to be `writing` joins the graph first, so
    that the base keeps its gradient."""
    base, op, params, made_at, without_grad = view._view
    log = view._base._log
    changed = log is not None and bool(log.stamps) and log.stamps[-1] > made_at
    if changed and without_grad and not writing:
        raise RuntimeError(
            "a view made under no_grad() is read after its memory was written by a recorded "
            "in-place op: whether it is a constant or part of the graph is ambiguous (PyTorch "
            "forbids it too). Take a copy under no_grad() (v = y[...].clone()) for a constant, "
            "or make the view after the write"
        )
    outside = view._node is None and base._requires_grad
    if changed or (outside and writing):
        remake_view(view)


def remake_view(view: Value) -> None:
    """Make `view` again from the tensor that owns its memory, as PyTorch's view replay: its
    values then come with that tensor's current graph, so that its hooks and retain_grad() see
    the view's later uses (and the view's own retain_grad() moves with it). A view of a view is
    replayed from the owner too, past the view in between, whose node it does not pass through
    (as in PyTorch, where the in-between view's retained .grad does not collect its uses)."""
    node = replay_view(view)._node
    if node is not None:
        node.ans, node.log = view.data, shared_log(view._base)
        give_node(view, node)
    base, op, params, _, _ = view._view
    view._view = (base, op, params, latest_write(), False)  # in the graph now


def replay_view(view: Value) -> Value:
    """A new view of the same memory, made by the same view ops from the tensor that owns it,
    with that tensor's current graph (not through `view`'s own node)."""
    steps, t = [], view
    while t._view is not None:  # the view ops from the owner of the memory to `view`
        parent, op, params, _, _ = t._view
        steps.append((op, params))
        t = parent
    for op, params in reversed(steps):
        t = op(t, **params)
    return t


def _names_read(rule: Callable[..., Any]) -> set[str]:
    """The local names whose values a rule's code reads (its parameters among them), including
    those that a nested comprehension or lambda takes from it. A name read only for its shape
    or dtype (`g.reshape(x.shape)`) does not count: an in-place write changes neither.
    Each Python compiles rules its own way (tests/test_what_rules_read.py checks every rule
    against its source on each)."""
    return _code_reads(rule.__code__)


def _code_reads(code: CodeType) -> set[str]:
    names: set[str] = set()
    # The names a nested function takes from this one: loading them here only builds its
    # closure (what it reads of them is counted from its own code, below)
    captured = {*code.co_cellvars, *code.co_freevars}
    # (name, span): from 3.12 a comprehension is inlined, and within its span its variable
    # hides the rule's name (LOAD_FAST_AND_CLEAR keeps the rule's value aside meanwhile)
    hidden: list[tuple[str, Any]] = []
    instructions = list(dis.get_instructions(code))
    for instruction, after in zip(instructions, instructions[1:] + [None], strict=True):
        if instruction.opname == "LOAD_FAST_AND_CLEAR":
            hidden.append((instruction.argval, instruction.positions))
        loaded = _loaded(instruction)
        if after is not None and after.opname == "LOAD_ATTR" and after.argval in _METADATA:
            loaded = loaded[:-1]  # the attribute is read from the last name loaded only
        for name in loaded:
            if name in captured and instruction.opname != "LOAD_DEREF":
                continue  # the cell itself, for a closure (LOAD_DEREF reads the value in it)
            if any(name == n and _within(instruction.positions, span) for n, span in hidden):
                continue
            names.add(name)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):  # a nested lambda, def or (before 3.12) comprehension
            names.update(_code_reads(constant) & set(constant.co_freevars))
    return names


def _within(at: Any, span: Any) -> bool:
    """Whether the source positions `at` lie in `span` (dis.Positions)."""
    if at.lineno is None:
        return False
    start, end = (at.lineno, at.col_offset), (at.end_lineno, at.end_col_offset)
    return (span.lineno, span.col_offset) <= start and end <= (span.end_lineno, span.end_col_offset)


def _loaded(instruction: dis.Instruction) -> tuple[str, ...]:
    """The names an instruction loads the values of, in order."""
    opname, value = instruction.opname, instruction.argval
    if opname == "LOAD_DEREF":
        return (value,)
    if opname == "STORE_FAST_LOAD_FAST":  # 3.13: a store, then a load on the same line
        return (value[1],)
    if opname.startswith("LOAD_FAST") and opname != "LOAD_FAST_AND_CLEAR":
        # LOAD_FAST_LOAD_FAST (3.13) loads two; LOAD_FAST_AND_CLEAR only keeps the value aside
        return value if isinstance(value, tuple) else (value,)
    return ()


_METADATA = ("shape", "dtype", "ndim", "size")


def _input_names(rule: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """The names a rule gives its inputs (the positional parameters after g and ans), and
    the name of a `*inputs` parameter if it takes any number of them."""
    names, more = [], None
    for parameter in list(inspect.signature(rule).parameters.values())[2:]:
        if parameter.kind is parameter.VAR_POSITIONAL:
            more = parameter.name
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            names.append(parameter.name)
    return tuple(names), more


def _unsupported_result(name: str, values: Sequence[Any], out: np.ndarray) -> str:
    if out.dtype.kind == "c":
        return (
            f"{name}: the result is complex ({out.dtype}) and would need a gradient; "
            "autograd_mini differentiates real floating-point values only. Compute with "
            "real and imaginary parts as separate float tensors, or use .detach()"
        )
    return (
        f"{name}: the result has dtype {out.dtype} ({describe(values)}); autograd_mini "
        "computes on numeric arrays only: convert the operand (e.g. float(x)) first"
    )


def describe(values: Sequence[Any]) -> str:
    """Shapes and dtypes of an op's inputs, for error messages; a run of alike inputs (a join
    of many pieces) is told once, with its count."""
    parts: list[list] = []  # [description, count]
    for v in values:
        if isinstance(v, np.ndarray):
            part = f"{v.dtype} array of shape {v.shape}"
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], np.ndarray):
            part = f"arrays of shapes {[a.shape for a in v]}"
        else:
            part = repr(v)
        if parts and parts[-1][0] == part:
            parts[-1][1] += 1
        else:
            parts.append([part, 1])
    return ", ".join(part if n == 1 else f"{n} × {part}" for part, n in parts)
