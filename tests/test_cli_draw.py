"""`autograd-mini draw`: legitimate expressions are drawn with their gradients, hostile ones are
refused before anything is evaluated."""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from renderers import SVG

from autograd_mini import cli

NEURON = ["tanh(x*w + b)", "--x", "2", "--w", "-3", "--b", "6.8813735870195432"]


def draw(tmp_path, *argv, output="g.svg"):
    return cli.main(["draw", *argv, "-o", str(tmp_path / output)])


def svg_counts(path):
    root = ET.parse(path).getroot()
    classes = [g.get("class") for g in root.iter(f"{SVG}g")]
    return classes.count("node"), classes.count("edge")


def gradients_printed(out):
    """{variable: gradient} from the summary line `... | grad: x = -1.5, w = 1 | wrote ...`."""
    grads = out.split("| grad: ")[1].split(" | wrote")[0]
    return {name: float(value) for name, value in re.findall(r"(\w+) = (\S+?)(?:,|$)", grads)}


def test_draws_the_neuron_and_prints_its_value_and_gradients(tmp_path, capsys):
    assert draw(tmp_path, *NEURON, output="neuron.svg") == 0
    out = capsys.readouterr().out
    assert svg_counts(tmp_path / "neuron.svg") == (9, 8)  # 6 tensors + 3 ops, 8 arrows
    f = lambda x, w, b: math.tanh(x * w + b)
    args, h = [2.0, -3.0, 6.8813735870195432], 1e-6
    expected = {}
    for i, name in enumerate("xwb"):
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        expected[name] = (f(*up) - f(*down)) / (2 * h)
    assert gradients_printed(out) == pytest.approx(expected, rel=1e-5)
    assert float(out.split(" = ")[1].split(" |")[0]) == pytest.approx(f(*args), rel=1e-5)
    text = " ".join(t.text or "" for t in ET.parse(tmp_path / "neuron.svg").iter(f"{SVG}text"))
    assert "grad -1.5" in text and "value 0.7071" in text


def test_runs_as_a_module_and_as_the_installed_command(tmp_path):
    out = tmp_path / "m.svg"
    done = subprocess.run(
        [sys.executable, "-m", "autograd_mini.cli", "draw", *NEURON, "-o", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "wrote" in done.stdout and ET.parse(out)
    scripts = sysconfig.get_path("scripts")  # the virtualenv's, activated or not
    path = os.pathsep.join([os.environ.get("PATH", ""), scripts])
    command = shutil.which("autograd-mini", path=path)
    if command is None:
        pytest.skip("the autograd-mini command is not installed (pip install -e .)")
    done = subprocess.run([command, "draw", "x*x", "--x", "3", "-o", str(out)], check=True,
                          capture_output=True, text=True)  # fmt: skip
    assert gradients_printed(done.stdout) == {"x": 6.0}


def test_array_variables_are_summed_before_backward(tmp_path, capsys):
    assert draw(tmp_path, "x * y", "--x", "[1, 2, 3]", "--y=[4, 5, 6]") == 0
    out = capsys.readouterr().out
    assert "(gradients of its sum)" in out
    assert "x = [4, 5, 6]" in out and "y = [1, 2, 3]" in out


def test_variables_may_stand_anywhere_and_be_negative(tmp_path, capsys):
    assert cli.main(["draw", "--a", "-2", "-o", str(tmp_path / "g.svg"), "a ** 3", "--rules"]) == 0
    assert gradients_printed(capsys.readouterr().out) == {"a": 12.0}
    assert cli.main(["draw", "--a", "5", "-o", str(tmp_path / "g.gv"), "--", "-a * 2"]) == 0
    assert gradients_printed(capsys.readouterr().out) == {"a": -2.0}
    assert (tmp_path / "g.gv").read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize(
    "expression, values",
    [
        ("sigmoid(x) * (1 - sigmoid(x))", ["--x", "0.3"]),
        ("sum(softmax(z, axis=-1) * t)", ["--z", "[[1, 2, 3], [0, 0, 1]]", "--t", "[1, 0, 0]"]),
        ("logsumexp(z) - max(z)", ["--z", "[1, 2, 3]"]),
        ("mean(relu(W @ v + c) ** 2)", ["--W", "[[1, -1], [2, 0.5]]", "--v", "[1, 2]",
                                        "--c", "0.1"]),
        ("sqrt(abs(x)) / (1 + exp(-x)) - log(x ** 2 + 1)", ["--x", "-1.5"]),
        ("maximum(x, 0.5) + minimum(x, y) + leaky_relu(x, negative_slope=0.1)",
         ["--x", "0.2", "--y", "3"]),
    ],
)  # fmt: skip
def test_legitimate_expressions_are_drawn(tmp_path, capsys, expression, values):
    assert draw(tmp_path, expression, *values, "--order") == 0
    nodes, edges = svg_counts(tmp_path / "g.svg")
    assert nodes > 2 and edges >= nodes - 1
    assert "wrote" in capsys.readouterr().out


HOSTILE = [
    ("__import__('os')", "names starting with '_'"),
    ("__import__('os').system('touch pwned')", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("x.__class__", "attribute access"),
    ("x.data", "attribute access"),
    ("x.grad_fn.primitive.forward", "attribute access"),
    ("open('pwned', 'w')", "call of 'open'"),
    ("eval('1')", "call of 'eval'"),
    ("exec('import os')", "call of 'exec'"),
    ("globals()", "call of 'globals'"),
    ("getattr(x, 'data')", "call of 'getattr'"),
    ("print(x)", "call of 'print'"),
    ("lambda: x", "lambda"),
    ("(lambda: 1)()", "lambda"),
    ("[t for t in (1, 2)]", "list comprehensions"),
    ("sum(t for t in x)", "generator expressions"),
    ("{k: 1 for k in 'ab'}", "dict comprehensions"),
    ("x[0]", "subscripts"),
    ("f'{x}'", "f-strings"),
    ("'a' * 3", "string literals"),
    ("9**9**9", "nested powers"),
    ("x ** 100000", "exponent 100000 too large"),
    ("1" + "0" * 400, "number too large"),
    ("exp(*[x])", "starred arguments"),
    ("sum(x, **{'axis': 0})", "**keyword arguments"),
    ("sum(x, where=x)", "keyword 'where'"),
    ("sum(x, axis=x)", "axis= takes a number"),
    ("(y := x)", "assignment expressions"),
    ("x if x else x", "conditional expressions"),
    ("x < 1", "comparisons"),
    ("x and x", "and/or"),
    ("exp", "used as a value"),
    ("exp(x)(x)", "calling the result"),
    ("tanh(" * 40 + "x" + ")" * 40, "nested too deeply"),
    ("x" + " + x" * 400, "expression too long"),
    ("import os", "not a valid expression"),
    ("x; import os", "not a valid expression"),
]


@pytest.mark.parametrize("expression, reason", HOSTILE)
def test_hostile_expressions_are_refused_before_anything_runs(
    tmp_path, capsys, monkeypatch, expression, reason
):
    monkeypatch.chdir(tmp_path)
    assert draw(tmp_path, expression, "--x", "1") == 2
    err = capsys.readouterr().err
    assert reason in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no `pwned`


@pytest.mark.parametrize(
    "argv, reason",
    [
        (["x * y", "--x", "1"], "no value for y (give --y VALUE)"),
        (["x * 2", "--x", "1", "--z", "2"], "--z is not used"),
        (["x * 2", "--x", "__import__('os')"], "not a number or a list of numbers"),
        (["x * 2", "--x", "[1, 'a']"], "not a number or a list of numbers"),
        (["x * 2", "--x", "[[1, 2], [3]]"], "not a rectangular array"),
        (["x * 2", "--x", "1", "--x", "2"], "--x given twice"),
        (["x * 2", "--x"], "--x needs a value"),
        (["x * y", "--x", "--y", "2"], "--x needs a value"),
        (["x * 2", "--__class__", "1"], "cannot be a variable name"),
        (["2 * 3"], "does not depend on its variables"),
        (["x @ y", "--x", "[1, 2]", "--y", "[1, 2, 3]"], "matmul"),
    ],
)
def test_bad_variables_and_shapes_are_explained(tmp_path, capsys, argv, reason):
    assert draw(tmp_path, *argv) == 2
    assert reason in capsys.readouterr().err


def test_a_format_the_renderer_cannot_write_fails_with_what_to_install(tmp_path, capsys):
    assert draw(tmp_path, "x*2", "--x", "1", "--renderer", "graphviz-pure", output="g.pdf") == 1
    assert "PDF needs Graphviz's dot" in capsys.readouterr().err
    assert not (tmp_path / "g.pdf").exists()


@pytest.mark.parametrize("renderer", ["graphviz-pure", "dot"])
def test_the_renderer_can_be_chosen(tmp_path, capsys, renderer):
    if renderer == "dot" and shutil.which("dot") is None:
        pytest.skip("the system Graphviz `dot` is not installed (CI installs it)")
    assert draw(tmp_path, *NEURON, "--renderer", renderer, output="g.png") == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert np.isclose(gradients_printed(capsys.readouterr().out)["b"], 0.5, rtol=1e-5)


@pytest.mark.parametrize("command", ["demo", "explain"])
def test_demo_and_explain_run_their_modules_with_their_own_options(monkeypatch, command):
    import argparse
    import types

    calls = []
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    fake = types.SimpleNamespace(build_parser=lambda: parser, main=lambda a: calls.append(a) or 0)
    monkeypatch.setitem(sys.modules, f"autograd_mini.{command}", fake)
    assert cli.main([command, "--seed", "7"]) == 0
    assert calls == [argparse.Namespace(seed=7)]


def test_a_value_over_max_elements_is_refused_before_it_is_allocated(tmp_path, capsys):
    import tracemalloc

    vector = repr(list(range(10_000)))
    column = repr([[i] for i in range(10_000)])
    tracemalloc.start()  # NumPy reports its arrays to tracemalloc
    try:
        status = draw(tmp_path, "exp(x * y)", "--x", vector, "--y", column)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 2
    assert peak < 50 * 2**20  # x * y alone would be 763 MiB
    err = capsys.readouterr().err
    assert "'x * y' would make an array of 100,000,000 elements" in err
    assert "raise it with --max-elements N" in err
    assert list(tmp_path.iterdir()) == []
    assert draw(tmp_path, "sum(x * y)", "--x", "[1, 2]", "--y", "[[1], [2]]",
                "--max-elements", "4") == 0  # fmt: skip
    assert draw(tmp_path, "sum(x * y)", "--x", "[1, 2]", "--y", "[[1], [2]]",
                "--max-elements", "3") == 2  # fmt: skip


def test_html_writes_a_self_contained_page_of_the_backward_pass(tmp_path, capsys):
    page = tmp_path / "neuron.html"
    assert cli.main(["draw", *NEURON, "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {page}" in out and not (tmp_path / "graph.svg").exists()
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<script>" in text
    assert not re.search(r"\b(?:src|href)=", text)  # nothing loaded from anywhere
    assert "The backward pass of tanh(x*w + b)" in text
    data = re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S)
    events = json.loads(data.group(1))["events"]
    # tanh's output first (the seed), then n, then the leaves as the engine reaches them
    assert [e["name"] for e in events] == ["the output of tanh", "the output of +", "b",
                                           "the output of ×", "x", "w"]  # fmt: skip
    assert [e["adjoint"] for e in events] == [["1"], ["0.5"], ["0.5"], ["0.5"], ["-1.5"], ["1"]]
    assert cli.main(["draw", *NEURON, "-o", str(tmp_path / "g.svg"), "--html", str(page)]) == 0
    assert (tmp_path / "g.svg").exists()
    assert cli.main(["draw", *NEURON, "--html", str(tmp_path)]) == 2
    assert "argument --html" in capsys.readouterr().err


def test_the_sum_draw_adds_for_a_non_scalar_result_is_named_in_the_drawing(tmp_path, capsys):
    assert draw(tmp_path, "x * 2", "--x", "[1, 2]", output="g.dot") == 0
    assert f"<b>{cli.SUM_NAME}</b>" in (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert draw(tmp_path, "x * 2", "--x", "3", output="h.dot") == 0
    assert cli.SUM_NAME not in (tmp_path / "h.dot").read_text(encoding="utf-8")


def test_dpi_sets_the_size_of_a_png(tmp_path, capsys):
    sizes = []
    for dpi in ("96", "192"):
        assert draw(tmp_path, *NEURON, "--dpi", dpi, "--renderer", "graphviz-pure",
                    output=f"n{dpi}.png") == 0  # fmt: skip
        data = (tmp_path / f"n{dpi}.png").read_bytes()
        sizes.append(int.from_bytes(data[16:20], "big"))
    assert sizes[1] == pytest.approx(2 * sizes[0], rel=0.02)
    with pytest.raises(SystemExit) as refused:
        draw(tmp_path, *NEURON, "--dpi", "0")
    assert refused.value.code == 2 and "argument --dpi: must be from 1 to 2400" in (
        capsys.readouterr().err
    )
