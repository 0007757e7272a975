"""Drawings fit for a slide: what a person sees when the picture is rendered and looked at.

Each test here was written from a picture that was wrong: boxes too small for their text in
the font the viewer has, an MLP drawn with layers out of order and arrows running backwards,
markers drawn as missing glyphs, pictures too small or too wide, summaries that hide the numbers.
"""

import re
import shutil
import xml.etree.ElementTree as ET

import chromium
import numpy as np
import pytest
from renderers import RENDERERS, SVG

import autograd_mini as am
from autograd_mini import nn, viz
from autograd_mini.viz import backend

browser = chromium.browser  # the fixture


def neuron():
    x = am.tensor(2.0, name="x")
    w = am.tensor(-3.0, requires_grad=True, name="w")
    b = am.tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x * w + b).tanh()
    o.name = "o"
    return o


def mlp_loss(sizes=(2, 3, 3, 1), batch=4, activation="relu", seed=0):
    rng = np.random.default_rng(seed)
    model = nn.MLP(list(sizes), activation=activation, output_activation="sigmoid", rng=rng)
    x = rng.standard_normal((batch, sizes[0]))
    y = (rng.random((batch, 1)) > 0.5) * 1.0
    return nn.binary_cross_entropy(model(x), y)


# --- text fits its box in the fonts viewers have ------------------------------------------------

# For every text of every box: the smallest shape of the box (a table cell, an ellipse) that
# holds the text's anchor, and whether the text as drawn runs past that shape's sides.
OVERFLOWS = """(svg) => {
  const found = [];
  for (const g of svg.querySelectorAll("g.node")) {
    const shapes = [...g.querySelectorAll("polygon, ellipse, path")].map((s) => s.getBBox());
    for (const t of g.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      const box = t.getBBox();
      const x = Number(t.getAttribute("x")), y = Number(t.getAttribute("y"));
      const holding = shapes.filter((s) => s.x - 1 <= x && x <= s.x + s.width + 1
                                          && s.y - 1 <= y && y <= s.y + s.height + 1);
      if (!holding.length) continue;
      const s = holding.reduce((a, b) => (a.width * a.height <= b.width * b.height ? a : b));
      const past = Math.max(s.x - box.x, box.x + box.width - (s.x + s.width));
      if (past > 1) found.push(t.textContent + " runs " + past.toFixed(1) + " px past its box");
    }
  }
  return found;
}"""


def overflows(page, svg, font):
    style = f'<style>text {{ font-family: "{font}" !important; }}</style>' if font else ""
    page.set_content(f"<html><body>{style}{svg}</body></html>")
    return page.evaluate(OVERFLOWS, page.query_selector("svg"))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_text_fits_its_box_in_dejavu_in_a_helvetica_like_font_and_in_the_viewers_choice(
    browser, renderer
):
    page = browser.new_page()
    drawings = [
        viz.draw(neuron(), rules=True, order=True),
        viz.draw(mlp_loss()),
        viz.draw(mlp_loss(), collapse="modules"),
    ]
    # DejaVu Sans: most Linux; Liberation Sans: Helvetica's and Arial's widths; None: the fonts
    # the SVG names, as this machine's browser picks them. Graphviz 2.43's dot measures DejaVu
    # with each glyph's advance rounded to a whole pixel, narrower than a browser draws it: the
    # boxes keep room for that (dot.MEASURING_ERROR), and without it long lines of numbers ran
    # up to 5 px past their boxes here.
    fonts = ("DejaVu Sans", "Liberation Sans", None)
    for drawing in drawings:
        svg = backend.pipe(drawing.source, "svg", renderer).decode()
        assert "DejaVu Sans" in svg
        for font in fonts:
            assert overflows(page, svg, font) == [], (renderer, font)
    page.close()


# --- an MLP flows one way, one cluster per call in the order of the calls -----------------------


def edge_ends(svg):
    """[(title, first point, last point)] of every arrow's path."""
    ends = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "edge":
            d = g.find(f"{SVG}path").get("d")
            points = [tuple(map(float, p)) for p in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
            ends.append((g.find(f"{SVG}title").text, points[0], points[-1]))
    return ends


def clusters(svg):
    """{cluster label: its left x}, in the order the SVG lists them."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            label = " ".join(t.text or "" for t in g.iter(f"{SVG}text"))
            outline = next(e for e in g if e.get("points") or e.get("d"))
            xs = re.findall(r"(-?[\d.]+),", outline.get("points") or outline.get("d"))
            found.setdefault(label, []).append(min(map(float, xs)))
    return found


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("collapse", [None, "modules"])
def test_an_mlp_is_drawn_left_to_right_with_no_arrow_running_backwards(renderer, collapse):
    svg = backend.pipe(viz.draw(mlp_loss(), collapse=collapse).source, "svg", renderer).decode()
    for title, start, end in edge_ends(svg):
        assert end[0] > start[0], f"{title} runs backwards"
    if collapse is None:
        found = clusters(svg)
        # the one activation module of the MLP is called twice: a cluster per call
        assert len(found["activation · ReLU"]) == 2
        order = [found[f"layers.{i} · Linear"][0] for i in range(3)]
        relus = found["activation · ReLU"]
        assert order[0] < relus[0] < order[1] < relus[1] < order[2]


# --- pictures for slides ------------------------------------------------------------------------


def png_size(data):
    assert data.startswith(b"\x89PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_png_is_200_dpi_by_default_and_dpi_sets_it(tmp_path, renderer):
    o = neuron()
    default = png_size(viz.render(o, tmp_path / "a.png", renderer=renderer).read_bytes())
    at_96 = png_size(viz.render(o, tmp_path / "b.png", renderer=renderer, dpi=96).read_bytes())
    at_300 = png_size(viz.render(o, tmp_path / "c.png", renderer=renderer, dpi=300).read_bytes())
    for size in (default, at_300):
        scale = size[0] / at_96[0]
        assert scale == pytest.approx((300 if size is at_300 else 200) / 96, rel=0.03)
    svg = viz.render(o, tmp_path / "d.svg", renderer=renderer, dpi=300).read_text()
    assert svg == viz.render(o, tmp_path / "e.svg", renderer=renderer).read_text()
    with pytest.raises(ValueError, match="dpi must be a number"):
        viz.render(o, tmp_path / "f.png", dpi=0)


def test_order_markers_are_characters_every_font_has():
    source = viz.draw(neuron(), order=True).source
    marks = re.findall(r'<font color="#b03a2e">([^<]*?\d+)</font>', source)
    assert marks and all(m.isascii() for m in marks)
    assert "⟨" not in source


# --- a Drawing's own render() and pipe() work without the system Graphviz -----------------------


@pytest.fixture
def no_system_dot(monkeypatch, tmp_path):
    """PATH without Graphviz's `dot` (graphviz-pure is still found beside the Python)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(backend.ENVIRONMENT, raising=False)
    assert shutil.which("dot") is None and backend.choose() == "graphviz-pure"


def test_a_drawings_render_and_pipe_use_graphviz_pure_without_dot(tmp_path, no_system_dot):
    drawing = viz.draw(neuron())
    svg = drawing.pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and ET.fromstring(svg.encode()).tag.endswith("svg")
    assert png_size(drawing.pipe(format="png"))[0] > 0
    out = tmp_path / "out"
    out.mkdir()
    written = drawing.render("neuron", directory=out, format="svg", cleanup=True)
    assert written == str(out / "neuron.svg") and ET.parse(written)
    assert sorted(p.name for p in out.iterdir()) == ["neuron.svg"]  # no stray DOT file
    written = drawing.render(outfile=out / "n.png")
    assert png_size((out / "n.png").read_bytes())[0] > 0 and written == str(out / "n.png")
    with pytest.raises(ValueError, match="engine need Graphviz's dot"):
        drawing.pipe(format="svg", engine="neato")


def test_without_any_renderer_a_drawings_render_writes_nothing(
    tmp_path, no_system_dot, monkeypatch
):
    monkeypatch.setattr(backend, "graphviz_pure", lambda: None)
    with pytest.raises(viz.RendererNotFound):
        viz.draw(neuron()).render("n", directory=tmp_path, format="svg")
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]


# --- what a box says ----------------------------------------------------------------------------


def box_of(source, name):
    (line,) = [line for line in source.splitlines() if f"<b>{name}</b>" in line]
    return line


def test_small_arrays_are_shown_whole_in_their_shape_and_large_ones_by_range_norm_and_zeros():
    W = am.tensor(np.arange(8.0).reshape(2, 4) - 3, requires_grad=True, name="W")
    source = viz.draw((W * W).sum()).source
    assert "value [[-3, -2, -1, 0],<br/>[1, 2, 3, 4]]" in box_of(source, "W")  # 2 rows of 4
    relu = am.tensor(np.r_[np.ones(12), -np.ones(20)], requires_grad=True, name="h").relu()
    relu.name = "r"
    line = box_of(viz.draw(relu.sum()).source, "r")
    assert "32 values in [0, 1]" in line and "‖·‖ = 3.464, 20 zeros" in line
    assert "… " not in line  # no first entries that are all zeros


def test_rounding_noise_and_negative_zero_are_written_as_zero():
    x = am.tensor([0.5, 0.1 + 0.2 - 0.3, -0.0], requires_grad=True, name="x")  # 5.55e-17
    source = viz.draw((x * 1.0).sum()).source
    assert "value [0.5, 0, 0]" in box_of(source, "x")
    tiny = am.tensor([1e-20, 2e-20], requires_grad=True, name="tiny")  # small, but not noise
    assert "value [1e-20, 2e-20]" in box_of(viz.draw(tiny.sum()).source, "tiny")


def test_the_dtype_is_shown_when_it_is_not_float64():
    x32 = am.tensor(np.ones(3, dtype=np.float32), requires_grad=True, name="x32")
    assert "float32" in box_of(viz.draw((x32 * 2).sum()).source, "x32")
    x64 = am.tensor(np.ones(3), requires_grad=True, name="x64")
    assert "float64" not in viz.draw((x64 * 2).sum()).source


# --- operands are named by position, clear of the boxes' text -----------------------------------

# every arrow's text (an operand's name) against every tensor box it might cover
CROSSINGS = """(svg) => {
  const boxes = [...svg.querySelectorAll("g.node")].map((g) => [g.querySelector("title")
    .textContent, g.getBBox()]).filter(([name]) => name.startsWith("t"));
  const found = [];
  for (const t of svg.querySelectorAll("g.edge text")) {
    const a = t.getBBox();
    for (const [name, b] of boxes) {
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height
          && b.y < a.y + a.height) found.push(t.textContent + " covers " + name);
    }
  }
  return found;
}"""


def division():
    a = am.tensor(3.0, requires_grad=True, name="a")
    b = am.tensor(2.0, requires_grad=True, name="b")
    W = am.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    return (((a / b - am.tensor([1.0, 2.0], name="c")) @ W).sum() + a).sum()


def test_non_commuting_ops_name_their_operands_and_each_arrow_says_which_it_is():
    source = viz.draw(division()).source
    assert "label=<x ÷ y>" in source and "label=<x − y>" in source and "label=<X @ Y>" in source
    names = {re.search(r"<b>(\w+)</b>", line).group(1): line.split()[0]
             for line in source.splitlines() if re.search(r"<b>\w+</b>", line)}  # fmt: skip
    division_op = re.search(r"\t(o\d+) \[label=<x ÷ y>", source).group(1)
    assert f"{names['a']} -> {division_op} [headlabel=x" in source
    assert f"{names['b']} -> {division_op} [headlabel=y" in source


@pytest.mark.parametrize("renderer", RENDERERS)
def test_operand_names_cover_no_box(browser, renderer):
    page = browser.new_page()
    for drawing in (viz.draw(division()), viz.draw(mlp_loss())):
        svg = backend.pipe(drawing.source, "svg", renderer).decode()
        page.set_content(f"<html><body>{svg}</body></html>")
        assert page.evaluate(CROSSINGS, page.query_selector("svg")) == []
    page.close()


# --- collapsed, a network is a handful of boxes -------------------------------------------------


def test_a_collapsed_mlp_is_one_box_per_layer_call_showing_its_shapes_and_its_delta():
    rng = np.random.default_rng(0)
    model = nn.MLP([2, 3, 3, 1], activation="relu", output_activation="sigmoid", rng=rng)
    out, trace = model.forward_trace(rng.standard_normal((4, 2)))
    loss = nn.binary_cross_entropy(out, np.array([[1.0], [0.0], [1.0], [0.0]]))
    source = viz.draw(loss, collapse="modules").source
    boxes = re.findall(r"\t(m\d+) \[label=<(.*)> shape=plain\]", source)
    # 3 Linear calls, 2 calls of the activation, the output activation, and the loss
    assert len(boxes) == 7 and sum("<b>binary_cross_entropy</b>" in b for _, b in boxes) == 1
    assert "layers.0.weight" not in source and "<b>z1</b>" not in source  # all inside
    deltas = engine_deltas(loss, trace.z)
    for layer, (_, label) in zip((1, 2, 3), [b for b in boxes if "Linear" in b[1]], strict=True):
        weight = model.layers[layer - 1].weight
        assert f'weight <font color="#555555">{weight.shape}' in label
        sup = "¹²³"[layer - 1]
        shown = re.search(rf"δ{sup} = ∂E/∂z{sup} (.*?)</font>", label).group(1)
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", shown)]
        assert values == pytest.approx(deltas[layer - 1].ravel(), rel=1e-3, abs=1e-6)
    edges = re.findall(r"\t(\w+) -> (\w+)", source)
    # a0 → 6 boxes → the loss's box, which holds its target, its ops and their results
    assert len(edges) == 7


def engine_deltas(loss, zs):
    return [np.asarray(g.data) for g in am.engine.gradients(loss, zs, retain_graph=True)]


# --- a layout that fits a 16:9 slide ------------------------------------------------------------


def aspect_of(svg):
    width, height = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    return float(width) / float(height)


@pytest.mark.parametrize("collapse", [None, "modules"])
def test_slide_lays_an_mlp_out_near_16_9_where_one_row_is_far_wider(collapse):
    loss = mlp_loss()
    wide = aspect_of(backend.pipe(viz.draw(loss, collapse=collapse).source).decode())
    fitted = viz.slide(loss, collapse=collapse)
    fits = aspect_of(backend.pipe(fitted.source).decode())
    assert wide > 3  # 3.9:1 and 5.9:1 in one row
    assert 16 / 9 / 1.3 < fits < 16 / 9 * 1.3
    with pytest.raises(ValueError, match="rows must be a positive integer"):
        viz.draw(loss, rows=0)


def test_cross_entropy_shows_its_labels_and_how_many_of_each_class():
    rng = np.random.default_rng(0)
    logits = am.tensor(rng.standard_normal((4, 3)), requires_grad=True, name="logits")
    loss = nn.cross_entropy(logits, np.array([0, 2, 2, 1]))
    assert "labels [0, 2, 2, 1]" in viz.draw(loss).source  # in the loss's box
    assert "labels=[0 2 2 1]" in viz.draw(loss, expand_losses=True).source  # on its op
    batch = am.tensor(rng.standard_normal((32, 2)), requires_grad=True, name="logits")
    loss = nn.cross_entropy(batch, np.ones(32, dtype=int))
    for source in (viz.draw(loss).source, viz.draw(loss, expand_losses=True).source):
        assert "labels: 32, {1: 32}" in source  # the batch is all one class: it shows


def test_the_docs_drawings_are_made_by_their_script(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "docs" / "figures" / "drawings.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    made = {p.name for p in tmp_path.iterdir()}
    assert {
        "neuron.svg",
        "mlp.svg",
        "mlp-modules.svg",
        "mlp-slide.svg",
        "backward-page.html",
    } <= made
    docs = (script.parents[1] / "drawing-graphs.md").read_text(encoding="utf-8")
    assert all(f"figures/{name}" in docs for name in made - {"backward-page.html"})
    assert "wrote" in done.stdout
