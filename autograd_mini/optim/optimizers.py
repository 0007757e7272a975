"""Optimisers: how a gradient becomes a step. The update rules are PyTorch's, line for line
(`torch.optim.SGD`, `Adam`, `AdamW`, `RMSprop`, `Adagrad`), so that both give the same
trajectory from the same weights; the moving averages are rounded as torch's kernels round them
(`_lerp_`). `maximize=True` ascends: every rule sees −g, as in torch.

Each step runs on the raw arrays, in place (`p.data` stays the same array object, so nothing
that holds the parameter has to be told), records no graph, and skips parameters whose
`.grad` is None. As in PyTorch, `params` may also be a list of dicts ("parameter groups"), each
with its own settings: `SGD([{"params": a}, {"params": b, "lr": 0.1}], lr=0.01)`.

`state_dict()` and `load_state_dict()` save and restore the settings and every per-parameter
buffer (momentum, moment estimates, step counts), so that training resumes from a checkpoint
exactly where it stopped.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ..engine import increment_version
from ..inplace import READ_ONLY
from ..modes import no_grad
from ..tensor import Tensor

# Each update rule is written on whole arrays and is elementwise, so the base class may apply it
# to a large parameter block by block: the parameter, its gradient and its state buffers cut
# into pieces of this many elements (256 kB of float64), so that no temporary the rule makes is
# larger than a piece. Temporaries the size of the parameter, freed each step, leave glibc's
# heap in pieces too small for the next step's gradients, so that each step maps and faults in
# fresh pages: on 784-256-256-10 that was 750-1,190 page faults per step and the larger part of
# its time (benchmarks/README.md). Pieces are reused from the heap and stay in cache; smaller
# ones cost more Python per element.
_BLOCK = 32768


def _blocks(
    param: np.ndarray, grad: np.ndarray, state: dict[str, Any]
) -> Iterator[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """(param, grad, {name: buffer}) for each piece of a parameter, as views of the arrays."""
    buffers = {
        k: v for k, v in state.items() if isinstance(v, np.ndarray) and v.shape == param.shape
    }
    arrays = [param, grad, *buffers.values()]
    if not all(a.flags.c_contiguous for a in arrays):
        yield param, grad, buffers
        return
    flat = [a.reshape(-1) for a in arrays]
    for start in range(0, param.size, _BLOCK):
        piece = [a[start : start + _BLOCK] for a in flat]
        yield piece[0], piece[1], dict(zip(buffers, piece[2:], strict=True))


def _with_weight_decay(grad: np.ndarray, param: np.ndarray, settings: dict[str, Any]) -> Any:
    """g + weight_decay · p: the gradient of the loss with its L2 penalty (½ λ ‖p‖²) added."""
    decay = settings["weight_decay"]
    return grad + decay * param if decay else grad


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start ← start + weight · (end − start), in place, by torch's lerp_ formulas: from start
    for a weight below 0.5, from end above it (end − (1 − weight)(end − start): exactly end at
    weight 1, so that Adam with β₁ = 0 takes the gradient itself). torch's CPU kernel fuses
    each multiply-add; here the product is rounded first, so the last bit may differ."""
    w = start.dtype.type(weight)  # and 1 − w in start's dtype, as torch computes it
    if abs(w) < 0.5:
        start += w * (end - start)
    else:
        np.subtract(end, (1 - w) * (end - start), out=start)


class Optimizer:
    """Holds the parameter groups and the per-parameter state; subclasses write `_begin` (the
    state's first step and step count) and `_update` (the elementwise rule)."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of tensors (e.g. "
                "model.parameters() or [w, b]), got a single Tensor"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}  # Tensors hash by identity
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: can optimise Tensors only, got {p!r}")
            if not p.is_leaf:
                raise ValueError(
                    f"{type(self).__name__}: can't optimise a non-leaf tensor (an op's output)"
                )
            if not p.data.flags.writeable:  # a step would fail halfway, its state changed
                raise ValueError(
                    f"{type(self).__name__}: can't optimise a read-only tensor ({READ_ONLY}); "
                    "optimise a copy: p = p.clone().detach(), then p.requires_grad = True"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{type(self).__name__}: a parameter appears in two groups")
        settings = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}}
        self._validate(settings)
        self.param_groups.append({"params": params, **settings})

    @no_grad()
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (Tensor.zero_grad): to None, as PyTorch's default,
        or with set_to_none=False to zeros written into its memory."""
        for group in self.param_groups:
            for p in group["params"]:
                p.zero_grad(set_to_none)

    @no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient, in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                param = p.data
                grad = np.asarray(p.grad.data, dtype=param.dtype)
                if group["maximize"]:  # ascend: every rule sees −g, as torch's
                    grad = -grad
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                settings = self._begin(param, state, group)
                if param.size <= _BLOCK:  # one block: the state holds the buffers
                    self._update(param, grad, state, settings)
                else:
                    for piece, g, buffers in _blocks(param, grad, state):
                        self._update(piece, g, buffers, settings)
                increment_version(p)  # a graph that saved p must not use the new value

    def _begin(
        self, param: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> dict[str, Any]:
        """Make the parameter's state on its first step and count the step; return the
        settings of this step (the group's, and what follows from the step count)."""
        return group

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        buffers: dict[str, np.ndarray],
        settings: dict[str, Any],
    ) -> None:
        """The update rule, in place on `param` and the state's arrays in `buffers` (for a
        parameter of one block, the state itself): elementwise, so that it gives the same on a
        whole parameter as on each of its blocks."""
        raise NotImplementedError

    def _validate(self, settings: dict[str, Any]) -> None:
        for key in ("lr", "momentum", "dampening", "weight_decay", "eps", "lr_decay"):
            value = settings.get(key, 0.0)
            number = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if not (number and float(value) >= 0):
                raise ValueError(
                    f"{type(self).__name__}: {key} must be a number >= 0, got {value!r}; give a "
                    "non-negative number"
                )

    # --- checkpoints -------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: copy}}, "param_groups": [{settings, "params": [index]}]},
        as torch.optim: parameters are numbered in the order of the groups, so the dict holds
        no tensor and fits any optimiser built over the same parameters in the same order."""
        index = {id(p): i for i, p in enumerate(self._all_params())}
        groups = [
            {
                **copy.deepcopy({k: v for k, v in g.items() if k != "params"}),
                "params": [index[id(p)] for p in g["params"]],
            }
            for g in self.param_groups
        ]
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if s}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take the settings and buffers of `state_dict` (from state_dict() of an optimiser of
        the same kind over parameters of the same shapes, in the same order), as copies. All
        is checked before anything changes: a refused state dict leaves the optimiser as it
        was."""
        name = type(self).__name__
        groups = state_dict.get("param_groups") if isinstance(state_dict, Mapping) else None
        if groups is None or "state" not in state_dict:
            raise ValueError(
                f"{name}.load_state_dict: expects the dict that state_dict() returns, with "
                "'state' and 'param_groups'"
            )
        ours = [len(g["params"]) for g in self.param_groups]
        theirs = [len(g["params"]) for g in groups]
        if ours != theirs:
            raise ValueError(
                f"{name}.load_state_dict: the state dict has groups of {theirs} parameters, this "
                f"optimiser {ours}; build it over the same parameters in the same order"
            )
        params = self._all_params()
        state: dict[Tensor, dict[str, Any]] = {}
        for key, saved in state_dict["state"].items():
            if not 0 <= int(key) < len(params):
                raise ValueError(
                    f"{name}.load_state_dict: the state of parameter {key}, but this optimiser "
                    f"has {len(params)} parameters; build it over the same parameters"
                )
            p = params[int(key)]
            state[p] = {}
            for k, v in saved.items():
                if isinstance(v, np.ndarray):
                    if v.shape != p.shape:
                        raise ValueError(
                            f"{name}.load_state_dict: {k} of parameter {key} has shape "
                            f"{v.shape}, the parameter {p.shape}"
                        )
                    v = v.astype(p.dtype) if v.dtype.kind == "f" else v.copy()
                state[p][k] = copy.deepcopy(v)
        settings = [
            copy.deepcopy({k: v for k, v in saved.items() if k != "params"}) for saved in groups
        ]
        for group, saved_settings in zip(self.param_groups, settings, strict=True):
            self._validate({**group, **saved_settings})
        for group, saved_settings in zip(self.param_groups, settings, strict=True):
            group.update(saved_settings)
        self.state = state

    def _all_params(self) -> list[Tensor]:
        return [p for g in self.param_groups for p in g["params"]]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in group.items() if k != "params"]
        return "\n".join(lines) + "\n)"


class SGD(Optimizer):
    """Stochastic gradient descent, as torch.optim.SGD:

        g ← g + weight_decay · p
        b ← g on the first step, then b ← momentum · b + (1 − dampening) · g
        g ← g + momentum · b (nesterov) or g ← b
        p ← p − lr · g

    Nesterov momentum needs momentum > 0 and dampening = 0.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay)
        super().__init__(params, {**defaults, "nesterov": nesterov, "maximize": maximize})

    def _validate(self, settings: dict[str, Any]) -> None:
        super()._validate(settings)
        if settings["nesterov"] and (settings["momentum"] <= 0 or settings["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")

    def _begin(
        self, param: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> dict[str, Any]:
        if group["momentum"] and "momentum_buffer" not in state:
            state["momentum_buffer"] = np.empty_like(param)  # the first step's g fills it
            return {**group, "first": True}
        return group

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        buffers: dict[str, np.ndarray],
        settings: dict[str, Any],
    ) -> None:
        grad = _with_weight_decay(grad, param, settings)
        momentum = settings["momentum"]
        if momentum:
            buf = buffers["momentum_buffer"]
            if settings.get("first"):
                buf[...] = grad
            else:
                buf *= momentum
                buf += (1 - settings["dampening"]) * grad
            grad = grad + momentum * buf if settings["nesterov"] else buf
        param -= settings["lr"] * grad


class Adam(Optimizer):
    """Adam (Kingma & Ba), as torch.optim.Adam, at step t:

        g ← g + weight_decay · p                  (L2 penalty; AdamW decays p instead)
        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
        p ← p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)

    With amsgrad=True, the running maximum of v is used in place of v.
    """

    decoupled_weight_decay = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)
        super().__init__(params, {**defaults, "amsgrad": amsgrad, "maximize": maximize})

    def _validate(self, settings: dict[str, Any]) -> None:
        super()._validate(settings)
        if len(settings["betas"]) != 2 or not all(0.0 <= b < 1.0 for b in settings["betas"]):
            raise ValueError(
                f"{type(self).__name__}: betas must be two numbers in [0, 1), "
                f"got {settings['betas']}"
            )

    def _begin(
        self, param: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> dict[str, Any]:
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        return {
            **group,
            "step_size": group["lr"] / (1 - beta1 ** state["step"]),
            "correction": math.sqrt(1 - beta2 ** state["step"]),
        }

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        buffers: dict[str, np.ndarray],
        settings: dict[str, Any],
    ) -> None:
        lr, (beta1, beta2), decay = settings["lr"], settings["betas"], settings["weight_decay"]
        if not self.decoupled_weight_decay:
            grad = _with_weight_decay(grad, param, settings)
        elif decay:  # AdamW shrinks the parameter instead
            param *= 1 - lr * decay
        m, v = buffers["exp_avg"], buffers["exp_avg_sq"]
        _lerp_(m, grad, 1 - beta1)  # m ← β₁ m + (1 − β₁) g
        v *= beta2
        v += (1 - beta2) * grad * grad
        if settings["amsgrad"]:
            v = np.maximum(buffers["max_exp_avg_sq"], v, out=buffers["max_exp_avg_sq"])
        denom = np.sqrt(v) / settings["correction"] + settings["eps"]
        param -= settings["step_size"] * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW: the
    parameter is shrunk by (1 − lr · weight_decay) before the Adam step."""

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class RMSprop(Optimizer):
    """RMSprop (Hinton), as torch.optim.RMSprop:

    g ← g + weight_decay · p
    v ← α v + (1 − α) g²
    centered: ḡ ← α ḡ + (1 − α) g and the denominator is √(v − ḡ²) + eps, else √v + eps
    momentum > 0: b ← momentum · b + g / denominator, p ← p − lr · b
    otherwise:    p ← p − lr · g / denominator
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        super().__init__(params, {**defaults, "centered": centered, "maximize": maximize})

    def _validate(self, settings: dict[str, Any]) -> None:
        super()._validate(settings)
        if not settings["alpha"] >= 0.0:
            raise ValueError(f"RMSprop: alpha must be >= 0, got {settings['alpha']}")

    def _begin(
        self, param: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> dict[str, Any]:
        if not state:
            state.update(step=0, square_avg=np.zeros_like(param))
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        return group

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        buffers: dict[str, np.ndarray],
        settings: dict[str, Any],
    ) -> None:
        alpha, momentum = settings["alpha"], settings["momentum"]
        grad = _with_weight_decay(grad, param, settings)
        v = buffers["square_avg"]
        v *= alpha
        v += (1 - alpha) * grad * grad
        if settings["centered"]:
            mean = buffers["grad_avg"]
            _lerp_(mean, grad, 1 - alpha)  # ḡ ← α ḡ + (1 − α) g
            # where v overflowed to inf, v − ḡ² is inf (a step of 0), as torch's fused addcmul
            # gives, not inf − inf
            with np.errstate(invalid="ignore"):
                spread = np.where(np.isinf(v), v, v - mean * mean)
            denom = np.sqrt(spread) + settings["eps"]
        else:
            denom = np.sqrt(v) + settings["eps"]
        if momentum > 0:
            buf = buffers["momentum_buffer"]
            buf *= momentum
            buf += grad / denom
            param -= settings["lr"] * buf
        else:
            param -= settings["lr"] * (grad / denom)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), as torch.optim.Adagrad, at step t:

    g ← g + weight_decay · p
    s ← s + g²                                (s starts at initial_accumulator_value)
    p ← p − lr / (1 + (t − 1) · lr_decay) · g / (√s + eps)

    As in torch, s starts at the constructor's initial_accumulator_value in every group: a
    group's own value is kept in the group but not used.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps)
        defaults["initial_accumulator_value"] = initial_accumulator_value
        super().__init__(params, {**defaults, "maximize": maximize})

    def _validate(self, settings: dict[str, Any]) -> None:
        super()._validate(settings)
        if not settings["initial_accumulator_value"] >= 0.0:
            raise ValueError(
                f"Adagrad: initial_accumulator_value must be >= 0, got "
                f"{settings['initial_accumulator_value']}"
            )

    def _begin(
        self, param: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> dict[str, Any]:
        if not state:
            start = self.defaults["initial_accumulator_value"]  # torch's: not the group's
            state.update(step=0, sum=np.full_like(param, start))
        state["step"] += 1
        return {**group, "step_lr": group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])}

    def _update(
        self,
        param: np.ndarray,
        grad: np.ndarray,
        buffers: dict[str, np.ndarray],
        settings: dict[str, Any],
    ) -> None:
        grad = _with_weight_decay(grad, param, settings)
        total = buffers["sum"]
        total += grad * grad
        param -= settings["step_lr"] * (grad / (np.sqrt(total) + settings["eps"]))
