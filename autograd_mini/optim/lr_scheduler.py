"""Learning-rate schedules, as torch.optim.lr_scheduler: a scheduler rewrites `group["lr"]` of
its optimiser's parameter groups each time `step()` is called (once per epoch, after the
optimiser's steps), and `get_last_lr()` lists the rates it last set.

As in PyTorch, creating a scheduler counts as its first step (last_epoch becomes 0) and keeps
each group's starting rate as `group["initial_lr"]`; StepLR, ExponentialLR and
CosineAnnealingLR multiply the current rate (PyTorch's recursive forms), LambdaLR scales the
starting one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .optimizers import Optimizer

__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "StepLR"]


class LRScheduler:
    """The shared mechanics: base_lrs, last_epoch, step(), get_last_lr(); subclasses write
    `get_lr()`, the rates for the current last_epoch."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expects an optimiser from autograd_mini.optim, got "
                f"{type(optimizer).__name__}"
            )
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
        self.step()  # the first step, as PyTorch: last_epoch 0 and the starting rates

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


def _check_positive_int(where: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")


class StepLR(LRScheduler):
    """Multiply the rate by gamma every step_size epochs: lr = initial_lr · gamma^⌊epoch /
    step_size⌋."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        _check_positive_int("StepLR", "step_size", step_size)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    """Multiply the rate by gamma every epoch: lr = initial_lr · gamma^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        self._initial = True  # the constructor's step keeps the starting rate
        super().__init__(optimizer, last_epoch)
        self._initial = False

    def get_lr(self) -> list[float]:
        if self._initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class CosineAnnealingLR(LRScheduler):
    """Anneal from initial_lr to eta_min along half a cosine over T_max epochs (and back up
    over the next T_max, as PyTorch): lr ≈ eta_min + ½ (initial_lr − eta_min)(1 + cos(π ·
    epoch / T_max)), computed recursively from the current rate as PyTorch does."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        _check_positive_int("CosineAnnealingLR", "T_max", T_max)
        self.T_max, self.eta_min = T_max, eta_min
        self._initial = True
        super().__init__(optimizer, last_epoch)
        self._initial = False

    def get_lr(self) -> list[float]:
        epoch, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._initial and epoch == 0:
            return self._current()
        if self._initial:  # resumed at a later epoch: the closed form
            return [
                low + (base - low) * (1 + math.cos(epoch * math.pi / T)) / 2
                for base in self.base_lrs
            ]
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
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(lambdas) != groups or not all(callable(f) for f in lambdas):
            raise ValueError(
                f"LambdaLR: lr_lambda must be a function or a list of {groups} functions (one "
                f"per parameter group), got {lr_lambda!r}"
            )
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [
            base * f(self.last_epoch)
            for base, f in zip(self.base_lrs, self.lr_lambdas, strict=True)
        ]
