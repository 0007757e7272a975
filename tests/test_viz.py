"""Graph drawings: what each box says, that the SVG matches the graph, with either renderer."""

import math
import re
import shutil
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from itertools import pairwise

import numpy as np
import pytest
from renderers import NO_DOT, RENDERERS, SVG

import autograd_mini as am
from autograd_mini import engine, modes, ops, primitive, viz
from autograd_mini.viz import backend

# --- helpers ------------------------------------------------------------------------------------


def neuron():
    """micrograd's neuron: y = tanh(x·w + b), with b chosen so that x·w + b = 0.8814."""
    x = am.tensor(2.0, requires_grad=True, name="x")
    w = am.tensor(-3.0, requires_grad=True, name="w")
    b = am.tensor(6.8813735870195432, requires_grad=True, name="b")
    n = x * w + b
    n.name = "n"
    return n.tanh(), (x, w, b)


def parse_svg(svg):
    """{node title: its text lines} and the edge titles of a rendered graph (must be XML)."""
    root = ET.fromstring(svg)
    nodes, edges = {}, []
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title").text if g.find(f"{SVG}title") is not None else None
        if g.get("class") == "node":
            nodes[title] = [t.text or "" for t in g.iter(f"{SVG}text")]
        elif g.get("class") == "edge":
            edges.append(title)
    return nodes, edges


def svg_of(root, renderer, **options):
    return backend.pipe(viz.draw(root, **options).source, "svg", renderer)


def expected_counts(root):
    """Boxes and arrows the graph needs: per op one op box and one output box, one box per
    distinct leaf and per constant operand; an arrow per operand and per output."""
    order = engine.backward_order(root.grad_fn)
    leaves, constants, operands = set(), 0, 0
    for node in order:
        for source in node.inputs:
            operands += 1
            if isinstance(source, am.Tensor):
                leaves.add(id(source))
            elif not isinstance(source, engine.Node):
                constants += 1
    return 2 * len(order) + len(leaves) + constants, operands + len(order)


def label_of(nodes, name):
    """The text of the one tensor box whose first line is `name`."""
    (lines,) = [lines for lines in nodes.values() if lines and lines[0] == name]
    return " ".join(lines)


def number_after(text, prefix):
    match = re.search(re.escape(prefix) + r" (\S+)", text)
    assert match, f"{prefix!r} not in {text!r}"
    return float(match.group(1))


def central_difference(f, args, i, h=1e-6):
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


class Layer:
    """A stand-in for nn.Linear: a dotted name, parameters as attributes, a scoped forward."""

    def __init__(self, name, n_in, n_out, rng):
        self._name = name
        self.weight = am.tensor(
            rng.standard_normal((n_out, n_in)) * 0.05, True, name=f"{name}.weight"
        )
        self.bias = am.tensor(np.zeros(n_out), requires_grad=True, name=f"{name}.bias")

    def __call__(self, x):
        with scope(self):
            return x @ self.weight.T + self.bias


@contextmanager
def scope(owner):
    """What nn.Module.__call__ does: the nodes recorded inside belong to `owner`."""
    outer = modes.enter_scope(owner)
    try:
        yield
    finally:
        modes.exit_scope(outer)


class Net:
    """A stand-in for nn.MLP: calls its layers inside its own scope, relu in between."""

    _name = ""

    def __init__(self, sizes, rng):
        self.layers = [Layer(f"layers.{i}", a, b, rng) for i, (a, b) in enumerate(pairwise(sizes))]
        self.pre_activations = []  # the z of the last call, so that tests can ask for ∂E/∂z

    def __call__(self, x):
        self.pre_activations = []
        with scope(self):
            for i, layer in enumerate(self.layers, start=1):
                z = layer(x)
                z.name = f"z{i}"
                self.pre_activations.append(z)
                x = z.relu() if i < len(self.layers) else z
        return x


def training_loss(sizes=(784, 128, 10), batch=32, seed=0):
    rng = np.random.default_rng(seed)
    net = Net(sizes, rng)
    x = am.tensor(rng.standard_normal((batch, sizes[0])), name="x")
    labels = rng.integers(0, sizes[-1], batch)
    logits = net(x)
    loss = -logits.log_softmax()[np.arange(batch), labels].mean()
    return loss, net


# --- the SVG matches the graph ------------------------------------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_svg_is_well_formed_with_a_box_per_tensor_and_op_and_an_arrow_per_use(renderer):
    x = am.tensor([1.0, -2.0, 0.5], requires_grad=True, name="x")
    W = am.tensor(np.arange(6.0).reshape(2, 3) / 6, requires_grad=True, name="W")
    y = ((W @ x).tanh() * 2 + x.sum() ** 2).sum()  # x used twice, two constants
    nodes, edges = parse_svg(svg_of(y, renderer))
    assert (len(nodes), len(edges)) == expected_counts(y)
    y2, _ = neuron()
    nodes, edges = parse_svg(svg_of(y2, renderer))
    assert (len(nodes), len(edges)) == expected_counts(y2) == (9, 8)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_labels_hold_the_values_and_the_adjoints_of_every_tensor(renderer):
    y, (x, w, b) = neuron()
    nodes, _ = parse_svg(svg_of(y, renderer))
    f = lambda x, w, b: math.tanh(x * w + b)
    args = [2.0, -3.0, 6.8813735870195432]
    for i, name in enumerate("xwb"):
        text = label_of(nodes, name)
        assert number_after(text, "value") == pytest.approx(args[i], rel=1e-3)
        assert number_after(text, "grad") == pytest.approx(central_difference(f, args, i), rel=1e-3)
    n = label_of(nodes, "n")
    assert number_after(n, "value") == pytest.approx(0.8814, rel=1e-3)
    assert number_after(n, "grad") == pytest.approx(1 - math.tanh(0.8814) ** 2, rel=1e-3)
    (root,) = [" ".join(t) for t in nodes.values() if " ".join(t).startswith("value 0.7071")]
    assert number_after(root, "grad") == 1


def test_drawing_changes_no_grad_runs_no_hook_and_keeps_the_graph():
    y, (x, w, b) = neuron()
    seen = []
    x.register_hook(lambda g: seen.append(g))
    t = (x * w).tanh()
    t.retain_grad()
    t.register_hook(lambda g: seen.append(g))
    E = t + y
    viz.draw(E)
    viz.draw(E, collapse="modules", order=True)
    assert (x.grad, w.grad, t.grad, seen) == (None, None, None, [])
    E.backward()  # the graph was not released by drawing
    assert w.grad.item() == pytest.approx(2 * (1 - math.tanh(-6) ** 2) + 2 * 0.5)
    assert len(seen) == 2


def test_a_small_graph_drawn_after_backward_shows_what_the_pass_saw():
    # micrograd's order: backward() first, then draw
    y, (x, w, b) = neuron()
    z = y * 3
    z.name = "z"
    before = viz.draw(z).source
    z.backward()
    assert z.grad_fn.released
    assert viz.draw(z).source == before  # every value and adjoint, as before backward()


def test_a_graph_drawn_after_an_optimiser_step_says_its_inputs_changed():
    y, (x, w, b) = neuron()
    y.backward()
    with am.no_grad():
        w -= 0.1 * w.grad  # the step after backward()
    source = viz.draw(y).source
    assert "changed in place since it was recorded" in source
    nodes, _ = parse_svg(svg_of(y, "graphviz-pure"))
    assert number_after(label_of(nodes, "w"), "value") == pytest.approx(w.item(), rel=1e-3)
    assert all("grad" not in " ".join(t) for t in nodes.values() if "value 0.7071" in " ".join(t))


def test_a_released_graph_shows_what_backward_left_and_says_how_to_keep_the_rest():
    n = am.engine.KEPT_AFTER_BACKWARD + 1  # a graph whose values backward() does not keep
    x = am.tensor(np.linspace(-1, 1, n), requires_grad=True, name="x")
    y = (x * 2).tanh()
    y.name = "y"
    y.retain_grad()
    z = y.sum() * 3
    z.name = "z"
    z.backward()
    source = viz.draw(z).source
    assert "released by backward()" in source and "retain_graph=True" in source
    assert "value released" in source
    nodes, _ = parse_svg(svg_of(z, "graphviz-pure"))
    assert number_after(label_of(nodes, "z"), "value") == pytest.approx(z.item(), rel=1e-3)
    assert "grad" in label_of(nodes, "x")  # the leaf's .grad, as backward() left it


def test_a_named_intermediate_keeps_its_name_in_the_drawing_after_the_user_drops_it():
    x = am.tensor(1.0, requires_grad=True, name="x")
    h = x * 2
    h.name = "h"
    y = h.exp().sum()
    del h  # the graph keeps no Tensor object for it, only its node
    nodes, _ = parse_svg(svg_of(y, "graphviz-pure"))
    assert number_after(label_of(nodes, "h"), "grad") == pytest.approx(np.exp(2.0), rel=1e-3)


def test_the_same_graph_gives_byte_identical_dot():
    first = viz.draw(neuron()[0], order=True, rules=True).source
    assert first == viz.draw(neuron()[0], order=True, rules=True).source
    loss = training_loss((20, 8, 3), batch=4)[0]
    again = training_loss((20, 8, 3), batch=4)[0]
    for options in ({}, {"collapse": "modules"}, {"cluster": False}):
        assert viz.draw(loss, **options).source == viz.draw(again, **options).source
    assert not re.search(r"0x[0-9a-f]{6,}|\b\d{9,}\b", viz.draw(loss).source)  # no id()s


# --- what the boxes say -------------------------------------------------------------------------


def test_large_values_are_summarised_by_a_few_entries_and_the_norm():
    W = am.tensor(np.random.default_rng(1).standard_normal((128, 784)), True, name="W")
    E = (W * W).sum()
    source = viz.draw(E).source
    label = re.search(r"<b>W</b>.*?</table>>", source).group(0)
    assert "(128, 784)" in label and "100352 values" in label
    norms = [float(v) for v in re.findall(r"‖·‖ = (\S+?)<", label)]
    assert norms == pytest.approx([np.linalg.norm(W.data), 2 * np.linalg.norm(W.data)], rel=1e-3)
    assert len(source) < 4000  # 100352 numbers twice, summarised


def test_small_arrays_are_written_out_in_full():
    x = am.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="x")
    source = viz.draw((x * x).sum()).source
    assert "[[1, 2],<br/>[3, 4]]" in source and "grad [[2, 4],<br/>[6, 8]]" in source


def test_pre_activations_are_highlighted_and_their_adjoints_labelled_delta():
    loss, net = training_loss((5, 4, 3), batch=1)
    source = viz.draw(loss).source
    deltas = engine.gradients(loss, net.pre_activations)
    for layer, delta in zip("12", deltas, strict=True):
        (line,) = [line for line in source.splitlines() if f"<b>z{layer}</b>" in line]
        assert 'bgcolor="#fff2cc"' in line  # highlighted
        sup = "¹²"[int(layer) - 1]
        row = re.search(rf"δ{sup} = ∂E/∂z{sup} \[\[(.*?)\]\]<", line).group(1)
        shown = [float(v) for v in row.split(", ")]
        assert shown == pytest.approx(delta.data.ravel(), rel=1e-3, abs=1e-7)
    assert "δˡ = ∂E/∂zˡ" in source  # the caption explains the notation


def test_rules_are_captions_and_every_differentiable_primitive_has_one():
    y, _ = neuron()
    assert "1 − tanh²(x)" in viz.draw(y, rules=True).source
    assert "1 − tanh²(x)" not in viz.draw(y).source
    primitives = [p for p in vars(ops).values() if isinstance(p, primitive.Primitive)]
    missing = [p.name for p in primitives if p.differentiable and not p.rule]
    assert missing == []


def test_backward_order_numbers_each_adjoint_after_all_its_consumers():
    x = am.tensor(0.3, requires_grad=True, name="x")
    a = x * x
    E = a.tanh() * a.exp()  # a is used twice: final only after both uses
    graph = viz.draw(E, order=True)
    step = {
        m[0]: int(m[1]) for m in re.findall(r"\t(t\d+) \[label=<.*?>#(\d+)</font>", graph.source)
    }
    edges = re.findall(r"\t(\w+) -> (\w+)", graph.source)
    made_by = {head: tail for tail, head in edges if head.startswith("t")}
    assert min(step.values()) == 1 and len(step) == 5  # x, a, tanh, exp, E
    for tail, op in edges:
        if tail.startswith("t"):
            output = next(h for t, h in edges if t == op)
            assert step[tail] >= step[output]
            if tail in made_by:  # an op's output is final only after its last consumer ran
                assert step[tail] > step[output]
    assert "step of the backward pass" in graph.source


def test_constants_and_non_scalar_roots_are_drawn_and_explained():
    x = am.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * 2.5
    source = viz.draw(y).source
    assert "label=<2.5>" in source and "style=dashed" in source
    assert "adjoints shown are those of its sum" in source and "grad [2.5, 2.5]" in source
    leaf = viz.draw(x).source
    assert leaf.count("[label=") == 1 and "grad [1, 1]" in leaf


def test_a_chain_of_many_ops_draws_without_recursion():
    x = am.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert viz.draw(y).source.count("->") == 3 * 5000


# --- modules ------------------------------------------------------------------------------------


def test_each_module_is_a_cluster_holding_its_ops_and_parameters_but_not_its_input():
    loss, net = training_loss((6, 4, 3), batch=2)
    source = viz.draw(loss).source
    labels = re.findall(r"\t(?:\t*)graph \[.*?label=\"?([^\"\]]+?)\"? labeljust", source)
    assert sorted(labels) == ["Net", "layers.0 · Layer", "layers.1 · Layer"]

    def nesting(text):  # how many clusters the line with `text` is inside
        (line,) = [line for line in source.splitlines() if text in line]
        return len(line) - len(line.lstrip("\t")) - 1

    assert nesting('label="layers.0 · Layer"') == nesting('label="layers.1 · Layer"') == 2
    for name in ("layers.0.weight", "layers.1.bias", "<b>z1</b>", "<b>z2</b>"):
        assert nesting(name) == 2  # inside its layer, inside the Net
    assert nesting("[label=<ReLU>") == 1  # recorded by the Net itself
    assert nesting("<b>x</b>") == 0  # the input belongs to no module
    assert "subgraph" not in viz.draw(loss, cluster=False).source


def test_collapsed_modules_draw_one_box_per_module_call():
    rng = np.random.default_rng(0)
    shared = Layer("shared", 3, 3, rng)
    x = am.tensor(rng.standard_normal((2, 3)), name="x")
    h = shared(shared(x).tanh())  # the same layer called twice: two calls, two boxes
    E = (h * h).sum()
    source = viz.draw(E, collapse="modules").source
    boxes = re.findall(r"\t(m\d+) \[label=<<table.*?<b>shared</b>", source)
    assert len(boxes) == 2
    edges = re.findall(r"\t(\w+) -> (\w+)", source)
    assert sum(head in boxes for _, head in edges) == 2 * 3  # input, weight, bias each call
    # each call's result is inside its box; arrows go from the box to its uses: tanh, and h * h
    # which uses it twice
    assert sum(tail in boxes for tail, _ in edges) == 1 + 2
    assert "tanh" in source  # ops outside modules stay ops


@pytest.mark.parametrize("renderer", RENDERERS)
def test_the_collapsed_training_step_of_a_784_128_10_mlp_renders_in_seconds(renderer):
    loss, net = training_loss()
    start = time.perf_counter()
    svg = backend.pipe(viz.draw(loss, collapse="modules").source, "svg", renderer)
    assert time.perf_counter() - start < 5
    nodes, edges = parse_svg(svg)
    modules = [lines[0] for title, lines in nodes.items() if title.startswith("m")]
    assert modules == ["layers.0", "layers.1"]  # one box per Linear call
    assert len(nodes) < 30
    text = " ".join(" ".join(lines) for lines in nodes.values())
    assert "(128, 784)" in text and "δ¹ = ∂E/∂z¹" in text and "δ² = ∂E/∂z²" in text


# --- rendering ----------------------------------------------------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_render_writes_svg_and_png(tmp_path, renderer):
    y, _ = neuron()
    svg = viz.render(y, tmp_path / "neuron", renderer=renderer)
    assert svg == tmp_path / "neuron.svg"
    ET.parse(svg)
    png = viz.render(viz.draw(y, rules=True), tmp_path / "neuron.png", renderer=renderer)
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.skipif(shutil.which("dot") is None, reason=NO_DOT)
def test_the_system_dot_writes_pdf(tmp_path, monkeypatch):
    monkeypatch.delenv(backend.ENVIRONMENT, raising=False)
    assert backend.choose() == "dot"
    assert viz.render(neuron()[0], tmp_path / "n.pdf").read_bytes().startswith(b"%PDF")


def test_graphviz_pure_is_the_fallback_and_says_it_cannot_write_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(backend, "system_dot", lambda: None)
    monkeypatch.delenv(backend.ENVIRONMENT, raising=False)
    assert backend.choose() == "graphviz-pure"
    ET.parse(viz.render(neuron()[0], tmp_path / "n.svg"))
    with pytest.raises(ValueError, match="PDF needs Graphviz's dot"):
        viz.render(neuron()[0], tmp_path / "n.pdf")


def test_the_environment_variable_chooses_the_renderer(monkeypatch):
    monkeypatch.setenv(backend.ENVIRONMENT, "graphviz-pure")
    assert backend.choose() == "graphviz-pure"
    assert backend.choose("auto") in backend.RENDERERS
    monkeypatch.setenv(backend.ENVIRONMENT, "neato")
    with pytest.raises(ValueError, match="AUTOGRAD_MINI_DOT"):
        backend.choose()


def test_without_any_renderer_the_error_says_what_to_install_and_draw_still_works(monkeypatch):
    monkeypatch.setattr(backend, "system_dot", lambda: None)
    monkeypatch.setattr(backend, "graphviz_pure", lambda: None)
    y, _ = neuron()
    assert "tanh" in viz.draw(y).source
    with pytest.raises(
        viz.RendererNotFound, match="apt-get install graphviz.*pip install graphviz-pure"
    ):
        viz.render(y, "never.svg")
    with pytest.raises(viz.RendererNotFound, match="'dot' is not installed"):
        backend.choose("dot")


def test_dot_suffix_writes_the_source_without_a_renderer(tmp_path, monkeypatch):
    monkeypatch.setattr(backend, "graphviz_pure", lambda: None)
    monkeypatch.setattr(backend, "system_dot", lambda: None)
    y, _ = neuron()
    assert viz.render(y, tmp_path / "n.gv").read_text(encoding="utf-8") == viz.draw(y).source
    assert viz.render(y, tmp_path / "n", format="dot") == tmp_path / "n.dot"


def test_a_drawing_displays_itself_in_jupyter_with_the_fallback_renderer(monkeypatch):
    monkeypatch.setattr(backend, "system_dot", lambda: None)
    shown = viz.draw(neuron()[0])
    assert ET.fromstring(shown._repr_svg_().encode()).tag == f"{SVG}svg"
    bundle = shown._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "tanh" in bundle["image/svg+xml"]


def test_draw_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.draw(np.ones(3))
    with pytest.raises(ValueError, match="collapse"):
        viz.draw(neuron()[0], collapse="layers")


# --- graphs too large to lay out ----------------------------------------------------------------


def reused_chain(n):
    """y = x·x·…·x: every step uses x again, an arrow from x past every step before it."""
    x = am.tensor(0.5, requires_grad=True, name="x")
    y = x
    for _ in range(n):
        y = y * x
    return y


def unrolled_rnn(steps, hidden=8):
    """h ← tanh(W h + U xₜ + b): W, U and b are used again at every step."""
    rng = np.random.default_rng(0)
    W = am.tensor(rng.standard_normal((hidden, hidden)), True, name="W")
    U = am.tensor(rng.standard_normal((hidden, 3)), True, name="U")
    b = am.tensor(np.zeros(hidden), True, name="b")
    h = am.tensor(np.zeros(hidden), name="h0")
    for t in range(steps):
        h = (W @ h + U @ am.tensor(rng.standard_normal(3), name=f"x{t}") + b).tanh()
    return h.sum()


@pytest.fixture
def no_layout(monkeypatch):
    """Rendering records the DOT it would lay out instead of running a renderer."""
    sources = []

    def pipe(source, format="svg", renderer=None, dpi=None):
        sources.append(source)
        return b"<svg/>"

    monkeypatch.setattr(backend, "pipe", pipe)
    return sources


def test_the_layout_size_counts_a_hidden_node_for_each_rank_an_arrow_skips():
    # x → (×) → t1 → (×) → t2 → (×) → t3, and x also feeds the 2nd and 3rd ×: 2 + 4 skipped
    assert viz.draw(reused_chain(3)).layout == viz.size.LayoutSize(boxes=7, arrows=9, hidden=6)
    loss, _ = training_loss()
    assert viz.draw(loss).layout.nodes < 100  # an MLP's arrows skip next to no ranks


def test_a_graph_too_large_to_lay_out_is_refused_before_layout_with_its_size(tmp_path, no_layout):
    y = reused_chain(183)  # 549 arrows: 4 s with Graphviz 2.43's dot, minutes at twice that
    graph = viz.draw(y)
    assert graph.source.count("->") == 549  # the DOT source is never refused
    with pytest.raises(viz.GraphTooLarge) as refused:
        viz.render(y, tmp_path / "y.svg")
    message = str(refused.value)
    assert "367 boxes and 549 arrows" in message and "33,673 nodes in all" in message
    assert "max_nodes=2,000" in message and "max_nodes=33673" in message  # the limit, the fix
    assert 'collapse="modules"' in message and "intermediate tensor" in message
    assert isinstance(refused.value, ValueError)
    for lay_out in (graph._repr_svg_, graph._repr_image_png, graph.pipe, graph.copy().render):
        with pytest.raises(viz.GraphTooLarge):
            lay_out()
    with pytest.raises(viz.GraphTooLarge, match="19,166 nodes in all"):
        viz.render(unrolled_rnn(40), tmp_path / "rnn.svg")
    chain = am.tensor(0.5, requires_grad=True)
    for _ in range(3333):
        chain = chain * 1.0
    with pytest.raises(viz.GraphTooLarge, match="10,000 boxes and 9,999 arrows, over"):
        viz.render(chain, tmp_path / "chain.png")
    assert no_layout == [] and not list(tmp_path.iterdir())


def test_training_steps_and_small_recurrences_stay_under_the_limit(tmp_path, no_layout):
    loss, _ = training_loss()
    viz.render(loss, tmp_path / "full.svg")
    viz.render(loss, tmp_path / "modules.svg", collapse="modules")
    deep = training_loss((2, *[8] * 20, 1), batch=4)[0]
    viz.render(deep, tmp_path / "deep.svg")
    viz.render(unrolled_rnn(10), tmp_path / "rnn.svg")
    assert len(no_layout) == 4


def test_max_nodes_lets_a_larger_graph_through_to_the_renderer(tmp_path, no_layout):
    y = reused_chain(183)
    viz.render(y, tmp_path / "y.svg", max_nodes=40_000)
    viz.render(viz.draw(y), tmp_path / "drawn.svg", max_nodes=None)  # None: no limit
    viz.render(viz.draw(y, max_nodes=33_673), tmp_path / "exact.svg")
    viz.draw(y, max_nodes=40_000).copy().check_size()
    assert [s.count("->") for s in no_layout] == [549, 549, 549]
    with pytest.raises(viz.GraphTooLarge, match="max_nodes=33,672"):
        viz.render(y, tmp_path / "y.svg", max_nodes=33_672)
    assert viz.render(y, tmp_path / "y.dot").read_text(encoding="utf-8").count("->") == 549
    for wrong in (0, -1, 2.5, "many", True):
        with pytest.raises(ValueError, match="max_nodes must be a positive integer or None"):
            viz.draw(y, max_nodes=wrong)


def test_options_with_a_fixed_set_of_values_refuse_others_and_list_the_valid_ones(tmp_path):
    y, _ = neuron()
    with pytest.raises(ValueError, match="rankdir must be one of 'LR', 'TB', 'RL', 'BT'; got 'XX'"):
        viz.draw(y, rankdir="XX")
    with pytest.raises(ValueError, match="rankdir"):
        viz.render(y, tmp_path / "y.svg", rankdir="lr")
    assert "rankdir=TB" in viz.draw(y, rankdir="TB").source
    with pytest.raises(ValueError, match="collapse must be one of None, 'modules'; got 'layers'"):
        viz.draw(y, collapse="layers")
    with pytest.raises(ValueError, match="rules must be True or False, got 'no'"):
        viz.draw(y, rules="no")
    with pytest.raises(ValueError, match="precision must be a positive integer, got 0"):
        viz.draw(y, precision=0)
    with pytest.raises(ValueError, match="unknown format 'svgz'; choose one of svg, png, pdf"):
        viz.render(y, tmp_path / "y.svgz")
    with pytest.raises(TypeError, match="rules would be ignored: the graph is already drawn"):
        viz.render(viz.draw(y), tmp_path / "y.svg", rules=True)
    assert not list(tmp_path.iterdir())
