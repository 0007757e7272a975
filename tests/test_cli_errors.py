"""The command line never ends in a traceback: every wrong invocation, run as the real command
(`python -m autograd_mini`), ends with one line on stderr that names the problem, and exit
status 2 for a usage error or 1 for a failure."""

import subprocess
import sys

import pytest

import autograd_mini
from autograd_mini import cli

LONG = "[" + ",".join(map(str, range(10_000))) + "]"  # 10,000 numbers: the most a value may hold
COLUMN = "[" + ",".join(f"[{i}]" for i in range(10_000)) + "]"


def run(*argv, cwd, stdout=subprocess.PIPE):
    return subprocess.run(
        [sys.executable, "-m", "autograd_mini", *argv],
        cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
    )  # fmt: skip


BAD = [  # (argv, exit status, what the one line must say); "FILE" is a plain file in the cwd
    ([], 2, "autograd-mini: error: give a command: demo, draw or explain"),
    (["nosuch"], 2, "invalid choice: 'nosuch'"),
    (["--versions"], 2, "unrecognized arguments: --versions"),
    # draw
    (["draw"], 2, "the following arguments are required: expression"),
    (["draw", "x*2", "--x", "1", "-o", "nodir/f.svg"], 2, "the directory 'nodir' does not exist"),
    (["draw", "x*2", "--x", "1", "-o", "FILE/f.svg"], 2, "'FILE' is a file, not a directory"),
    (["draw", "x*2", "--x", "1", "-o", "."], 2, "'.' is not a file name"),
    (["draw", "x*2", "--x", "1", "-o", "sub"], 2, "'sub' is a directory; give a file name"),
    (["draw", "x*2", "--x", "1", "--precision", "-3"], 2,
     "argument --precision: must be from 1 to 17, got -3"),
    (["draw", "x*2", "--x", "1", "--precision", "1000"], 2, "must be from 1 to 17, got 1000"),
    (["draw", "x*2", "--x", "1", "--precision", "four"], 2, "--precision: 'four' is not an"),
    (["draw", "x*y", "--x", LONG, "--y", COLUMN], 2,
     "'x * y' would make an array of 100,000,000 elements, more than the limit of 1,000,000; "
     "raise it with --max-elements N"),
    (["draw", "x@y", "--x", COLUMN, "--y", "[" + ",".join(["1"] * 1000) + "]",
      "--max-elements", "1000"], 2, "'x @ y' would make an array of 10,000 elements"),
    (["draw", "x*2", "--x", "1", "--max-elements", "0"], 2, "--max-elements: must be at least 1"),
    (["draw", "x*x*x*x*x*x*x*x*x*x*x*x", "--x", "1.1", "--max-nodes", "20"], 1,
     "graph too large to lay out"),
    (["draw", "x*2", "--x", "1", "--max-nodes", "0"], 2, "--max-nodes: must be at least 1"),
    (["draw", "x*2", "--x", "1", "--renderer", "zz"], 2, "argument --renderer: invalid choice"),
    (["draw", "x*2", "--x", "1", "--renderer", "graphviz-pure", "-o", "g.pdf"], 1,
     "PDF needs Graphviz's dot"),
    (["draw", "x @ y", "--x", "[1, 2]", "--y", "[1, 2, 3]"], 2, "matmul"),
    (["draw", "x * 2", "--x", "[1, 'a']"], 2, "not a number or a list of numbers"),
    (["draw", "__import__('os')", "--x", "1"], 2, "names starting with '_'"),
    # explain
    (["explain", "--sizes", "3"], 2, "argument --sizes: 3 is not a network"),
    (["explain", "--sizes", "3", "0", "1"], 2, "--sizes: 3 0 1 is not a network"),
    (["explain", "--sizes", "100000", "100000"], 2, "10,000,100,000 weights and biases"),
    (["explain", "--seed", "-1"], 2, "argument --seed: must be at least 0, got -1"),
    (["explain", "--batch", "0"], 2, "argument --batch: must be from 1 to 1000, got 0"),
    (["explain", "--activation", "nope"], 2, "argument --activation: invalid choice: 'nope'"),
    (["explain", "--sizes"], 2, "argument --sizes: expected at least one argument"),
    # demo
    (["demo", "--epochs", "0"], 2, "argument --epochs: must be at least 1, got 0"),
    (["demo", "--epochs", "x"], 2, "argument --epochs: invalid int value: 'x'"),
    (["demo", "--seed", "-1"], 2, "argument --seed: must be at least 0, got -1"),
    (["demo", "--out-dir", "FILE"], 2, "--out-dir: 'FILE' is a file, not a directory"),
    (["demo", "--out-dir", "FILE/sub", "--no-progress"], 1,
     "cannot write 'FILE/sub': Not a directory; check --out-dir"),
    (["demo", "--frobnicate"], 2, "unrecognized arguments: --frobnicate"),
]  # fmt: skip


@pytest.mark.parametrize(
    "argv, status, message", BAD, ids=[" ".join(a)[:50] or "(none)" for a, _, _ in BAD]
)
def test_a_bad_invocation_ends_with_one_line_and_its_exit_status(tmp_path, argv, status, message):
    (tmp_path / "FILE").write_text("not a directory")
    (tmp_path / "sub").mkdir()
    done = run(*argv, cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("autograd-mini") and message in lines[0], lines[0]
    assert done.returncode == status, done.stderr
    assert done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FILE", "sub"]  # nothing written


def test_version_is_the_package_version_and_python_m_is_the_command(tmp_path):
    done = run("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"autograd-mini {autograd_mini.__version__}\n")
    done = run("draw", "x*x", "--x", "3", "-o", "g.dot", cwd=tmp_path)
    assert done.returncode == 0 and "grad: x = 6 | wrote g.dot" in done.stdout
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph")


def test_max_elements_raises_the_cap(tmp_path):
    column = "[" + ",".join(f"[{i}]" for i in range(1000)) + "]"
    argv = ["draw", "x*y", "--x", LONG[:4000] + "]", "--y", column, "-o", "g.dot"]
    refused = run(*argv, "--max-elements", "100000", cwd=tmp_path)
    assert refused.returncode == 2 and "would make an array of" in refused.stderr
    done = run(*argv, "--max-elements", "10000000", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "array of shape (1000, " in done.stdout


def test_a_closed_pipe_ends_quietly(tmp_path):
    with subprocess.Popen(
        [sys.executable, "-m", "autograd_mini", "explain"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:  # fmt: skip
        process.stdout.close()  # the reader goes away before anything is written
        err = process.stderr.read()
        assert process.wait(timeout=120) == 1
    assert err == ""


def test_an_interrupt_ends_with_one_line_and_status_130(monkeypatch, capsys):
    import argparse
    import types

    def interrupted(options):
        raise KeyboardInterrupt

    fake = types.SimpleNamespace(build_parser=argparse.ArgumentParser, main=interrupted)
    monkeypatch.setitem(sys.modules, "autograd_mini.demo", fake)
    assert cli.main(["demo"]) == 130
    assert capsys.readouterr().err == "autograd-mini demo: interrupted\n"
