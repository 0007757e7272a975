"""Optimisers and learning-rate schedules, with torch.optim's names and rules:
`optim.SGD`, `optim.Adam`, `optim.AdamW`, `optim.RMSprop`, `optim.Adagrad`, and
`optim.lr_scheduler.StepLR` and friends. The update rules are in `optimizers.py`."""

from . import lr_scheduler
from .optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
