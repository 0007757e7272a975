"""Progress bars: `fit` draws one on a terminal, none into logs, pipes or CI unless asked for,
and none at all with TQDM_DISABLE=1; every example script and the demo take `--no-progress`.
The scripts run in a child process whose stderr is a pseudo-terminal, as in a shell."""

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import numpy as np
import pytest

import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.training import fit, show_progress

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


class Terminal(io.StringIO):
    """A stderr that says it is a terminal and keeps what was written to it."""

    def isatty(self) -> bool:
        return True


def train(progress):
    rng = np.random.default_rng(0)
    model = nn.MLP([2, 3, 1], rng=rng)
    x = rng.normal(size=(20, 2))
    fit(model, nn.mse_loss, optim.SGD(model.parameters(), lr=0.1), x, x[:, :1], 3, 10, rng=rng,
        progress=progress)  # fmt: skip


@pytest.mark.parametrize(
    "progress, on_terminal, tqdm_disable, shown",
    [
        (None, True, None, True),  # a terminal, nothing said: a bar
        (None, False, None, False),  # a log or a pipe: none
        (True, False, None, True),  # asked for: a bar even into a log
        (False, True, None, False),
        (None, True, "1", False),  # TQDM_DISABLE hides every bar, asked for or not
        (True, True, "1", False),
        (True, False, "true", False),
        (None, True, "0", True),  # 0 does not disable
        (None, True, "", True),
    ],
)
def test_fit_draws_a_bar_on_a_terminal_or_when_asked_and_never_with_tqdm_disable(
    progress, on_terminal, tqdm_disable, shown, monkeypatch
):
    if tqdm_disable is None:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
    else:
        monkeypatch.setenv("TQDM_DISABLE", tqdm_disable)
    stderr = Terminal() if on_terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert show_progress(progress) is shown
    train(progress)
    written = stderr.getvalue()
    assert ("fit" in written and "loss=" in written and "3/3" in written) is shown, written


def test_a_stderr_without_isatty_counts_as_no_terminal(monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(sys, "stderr", object())
    assert show_progress(None) is False


def test_a_jupyter_kernel_s_output_counts_as_a_terminal(monkeypatch):
    class KernelStream(io.StringIO):
        __module__ = "ipykernel.iostream"  # what a notebook's sys.stderr is

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(sys, "stderr", KernelStream())
    assert show_progress(None) is True
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert show_progress(None) is False


def run_on_terminal(args, cwd, tqdm_disable=None, timeout=120.0):
    """Run `args` with stderr on a pseudo-terminal; return (exit status, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    env["MPLBACKEND"] = "Agg"
    if tqdm_disable is not None:
        env["TQDM_DISABLE"] = tqdm_disable
    leader, follower = pty.openpty()
    # a new terminal is 0 columns wide, and tqdm draws nothing in 0 columns
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    chunks = []
    try:
        while select.select([leader], [], [], timeout)[0]:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal (Linux says EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = child.communicate(timeout=timeout)[0]
    finally:
        os.close(leader)
        if child.poll() is None:
            child.kill()
    return child.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace")


SHORT = {  # few epochs: the bar, not the training, is under test
    "xor": ["--epochs", "3"],
    "two_moons": ["--epochs", "3", "--n-samples", "40"],
    "digits": ["--epochs", "1"],
    "sine_series": ["--epochs", "3", "--n-points", "60"],
}


def test_every_example_is_run_here():
    assert {p.stem for p in EXAMPLES.glob("*.py")} == set(SHORT)


@pytest.mark.parametrize("name", sorted(SHORT))
def test_each_example_hides_its_bar_with_no_progress(name, tmp_path):
    script = [sys.executable, str(EXAMPLES / f"{name}.py"), *SHORT[name], "--out-dir", "out"]
    status, out, err = run_on_terminal([*script, "--no-progress"], tmp_path)
    assert status == 0 and out, err
    assert "fit:" not in err and "epoch" not in err, err


def test_an_example_shows_its_bar_on_a_terminal_and_not_with_tqdm_disable(tmp_path):
    script = [sys.executable, str(EXAMPLES / "xor.py"), *SHORT["xor"], "--out-dir", "out"]
    status, _, err = run_on_terminal(script, tmp_path)
    assert status == 0 and "fit:" in err and "3/3" in err, err
    status, _, err = run_on_terminal(script, tmp_path, tqdm_disable="1")
    assert status == 0 and "fit:" not in err, err


def test_an_example_whose_stderr_is_a_pipe_shows_no_bar(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "xor.py"), *SHORT["xor"], "--out-dir", "out"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout, done.stderr
    assert "fit:" not in done.stderr, done.stderr


def test_the_demo_shows_its_bar_on_a_terminal_and_hides_it_with_no_progress(tmp_path):
    demo = [sys.executable, "-m", "autograd_mini", "demo", "--epochs", "2", "--out-dir", "out"]
    status, _, err = run_on_terminal(demo, tmp_path)
    assert status == 0 and "fit:" in err and "2/2" in err, err
    status, _, err = run_on_terminal([*demo, "--no-progress"], tmp_path)
    assert status == 0 and "fit:" not in err, err
