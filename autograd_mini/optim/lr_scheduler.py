"""Learning-rate schedules, as torch.optim.lr_scheduler: a scheduler rewrites `group["lr"]` of
its optimiser's parameter groups each time `step()` is called (once per epoch, after the
optimiser's steps), and `get_last_lr()` lists the rates it last set.

As in PyTorch, creating a scheduler counts as its first step (last_epoch becomes 0) and keeps
each group's starting rate as `group["initial_lr"]`; StepLR, ExponentialLR and
CosineAnnealingLR multiply the current rate (PyTorch's recursive forms), LambdaLR scales the
starting one. OneCycleLR is stepped once per batch, and cycles the momentum too.

Resuming with `last_epoch=k` (the optimiser's state loaded first, so that each group has its
rate of epoch k and its initial_lr) goes on as torch 2.13 does: ExponentialLR and
CosineAnnealingLR keep the current rate at construction and recurse from it; StepLR, LambdaLR
and OneCycleLR set the rate of epoch k + 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Any

import numpy as np

from .optimizers import Optimizer

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "OneCycleLR",
    "StepLR",
]


class LRScheduler:
    """The shared mechanics: base_lrs, last_epoch, step(), get_last_lr(); subclasses write
    `get_lr()`, the rates for the current last_epoch."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(type(self).__name__, optimizer)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs "
                    f"'initial_lr' in param_groups[{i}]; load the optimiser's state dict first"
                )
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self._initial = True  # the constructor's step: the recursive forms keep the rate
        self.step()  # the first step, as PyTorch: last_epoch 0 and the starting rates
        self._initial = False

    def get_lr(self) -> list[float]:
        """The rates for epoch last_epoch, one per parameter group (called by step())."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimiser's groups."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates of the last step(), one per parameter group."""
        return list(self._last_lr)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The epoch count and rates, for load_state_dict(); not the optimiser (saved on its
        own) nor LambdaLR's functions (code, rebuilt by the constructor), as PyTorch."""
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume the schedule from state_dict() of a scheduler of the same kind."""
        vars(self).update(state_dict)


def _check_optimizer(where: str, optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: expects an optimiser from autograd_mini.optim, got "
            f"{type(optimizer).__name__}"
        )


def _positive_int(where: str, name: str, value: Any) -> int:
    """value as an int, if it is a positive integer (a NumPy one too, as torch takes it)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


class StepLR(LRScheduler):
    """Multiply the rate by gamma every step_size epochs: lr = initial_lr · gamma^⌊epoch /
    step_size⌋."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    """Multiply the rate by gamma every epoch: lr = initial_lr · gamma^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class CosineAnnealingLR(LRScheduler):
    """Anneal from initial_lr to eta_min along half a cosine over T_max epochs (and back up
    over the next T_max, as PyTorch): lr ≈ eta_min + ½ (initial_lr − eta_min)(1 + cos(π ·
    epoch / T_max)), computed recursively from the current rate as PyTorch does (resumed with
    last_epoch=k, from the group's rate: not the formula's unless that rate is epoch k's)."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        epoch, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return self._current()
        if (epoch - 1 - T) % (2 * T) == 0:  # the bottom of the cosine: start back up
            return [
                lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                for base, lr in zip(self.base_lrs, self._current(), strict=True)
            ]
        ratio = (1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T))
        return [ratio * (lr - low) + low for lr in self._current()]


class LambdaLR(LRScheduler):
    """lr = initial_lr · lr_lambda(epoch); one function for every group, or one per group."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = len(optimizer.param_groups)
        lambdas: list[Any] = (
            list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        )
        if len(lambdas) != groups or not all(callable(f) for f in lambdas):
            raise ValueError(
                f"LambdaLR: lr_lambda must be a function or a list of {groups} functions (one "
                f"per parameter group), got {lr_lambda!r}"
            )
        self.lr_lambdas: list[Callable[[int], float]] = lambdas  # each checked callable above
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [
            base * f(self.last_epoch)
            for base, f in zip(self.base_lrs, self.lr_lambdas, strict=True)
        ]


class OneCycleLR(LRScheduler):
    """The one-cycle policy, as PyTorch's: the rate climbs from max_lr / div_factor to max_lr
    over the first pct_start of total_steps, then anneals to a minimum max_lr / (div_factor ·
    final_div_factor) at the last step (three_phase: first back down to the starting rate,
    as long as it climbed, then to the minimum); "cos" or "linear" in between. With
    cycle_momentum, SGD's or RMSprop's momentum, or Adam's β₁, moves the other way, between
    max_momentum and base_momentum. Step it after every batch; total_steps (or epochs ·
    steps_per_epoch) is how many steps it takes."""

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError(f"{name}: give total_steps, or epochs and steps_per_epoch")
            epochs = _positive_int(name, "epochs", epochs)
            total_steps = epochs * _positive_int(name, "steps_per_epoch", steps_per_epoch)
        total_steps = _positive_int(name, "total_steps", total_steps)
        # a float, as torch asks (1 is refused, 1.0 taken), a NumPy one too
        if not isinstance(pct_start, (float, np.floating)) or not 0.0 <= pct_start <= 1.0:
            raise ValueError(f"{name}: pct_start must be a float in [0, 1], got {pct_start!r}")
        pct_start = float(pct_start)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{name}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self.total_steps, self.anneal_strategy = total_steps, anneal_strategy
        # (last step of the phase, rate from → to, momentum from → to): names of group entries
        up = pct_start * total_steps - 1
        if three_phase:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (
                    2 * pct_start * total_steps - 2,
                    "max_lr",
                    "initial_lr",
                    "base_momentum",
                    "max_momentum",
                ),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        ends = [0.0] + [phase[0] for phase in self.phases]
        if any(a == b for a, b in zip(ends, ends[1:], strict=False)):
            raise ValueError(
                f"{name}: with total_steps={total_steps} and pct_start={pct_start} a phase of "
                "the cycle lasts no step; change either"
            )
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, peak in zip(groups, _per_group(name, "max_lr", max_lr, groups), strict=True):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(
                    f"{name}: cycle_momentum needs an optimiser with momentum or betas "
                    f"({type(optimizer).__name__} has neither); pass cycle_momentum=False"
                )
            highs = _per_group(name, "max_momentum", max_momentum, groups)
            lows = _per_group(name, "base_momentum", base_momentum, groups)
            if last_epoch == -1:
                for group, high, low in zip(groups, highs, lows, strict=True):
                    self._set_momentum(group, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, fraction: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)
        return (end - start) * fraction + start

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: stepped {step} times, past total_steps={self.total_steps}; give "
                "total_steps (or epochs and steps_per_epoch) for the whole run"
            )
        start = 0.0
        for i, phase in enumerate(self.phases):
            if step <= phase[0] or i == len(self.phases) - 1:
                break
            start = phase[0]
        end, lr_from, lr_to, momentum_from, momentum_to = phase
        fraction = (step - start) / (end - start)
        rates = []
        for group in self.optimizer.param_groups:
            rates.append(self._anneal(group[lr_from], group[lr_to], fraction))
            if self.cycle_momentum:
                momentum = self._anneal(group[momentum_from], group[momentum_to], fraction)
                self._set_momentum(group, momentum)
        return rates


def _per_group(where: str, name: str, value: Any, groups: list[dict[str, Any]]) -> list[float]:
    """One value for every parameter group, or a list of one per group."""
    values = list(value) if isinstance(value, (list, tuple)) else [value] * len(groups)
    if len(values) != len(groups):
        raise ValueError(
            f"{where}: {name} must be a number or a list of {len(groups)} (one per parameter "
            f"group), got {value!r}"
        )
    return values
