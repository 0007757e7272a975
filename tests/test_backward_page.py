"""The step-through backward page, driven in a real browser (headless Chromium via Playwright):
each step highlights the tensor whose adjoint the engine's backward pass finalises next, and
shows that adjoint as the engine computes it. A screenshot of every step is kept under the
test's temporary directory.

Where no Chromium can be installed the browser tests are skipped, saying why (`make test` sets
it up: Debian's chromium, Playwright from the `test` extra); on CI they fail instead.
"""

import re
from pathlib import Path

import chromium
import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import engine, nn, viz

browser = chromium.browser  # the fixture
ADJOINT = "#b03a2e"  # the colour the drawings write adjoints in
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
PRECISION = 6


class Page:
    """A loaded backward page, read as a person sees it."""

    def __init__(self, browser, path, shots):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(Path(path).as_uri())
        self.shots = shots
        shots.mkdir()

    def step(self):
        """(step number, steps in all) from the step counter."""
        k, n = re.fullmatch(r"step (\d+) / (\d+)", self.page.inner_text("#step")).groups()
        return int(k), int(n)

    def current(self):
        """The highlighted box: (its bold name or None, the numbers of its visible adjoint)."""
        boxes = self.page.query_selector_all("g.node.current")
        assert len(boxes) == 1, f"{len(boxes)} boxes highlighted"
        texts = boxes[0].query_selector_all("text")
        bold = [t.text_content() for t in texts if t.get_attribute("font-weight") == "bold"]
        shown = [t.text_content() for t in texts if t.get_attribute("fill") == ADJOINT]
        assert all(t.is_visible() for t in texts if t.get_attribute("fill") == ADJOINT)
        return (bold[0] if bold else None), numbers(" ".join(shown))

    def panel(self):
        return numbers(self.page.inner_text("#current-adjoint"))

    def visible_adjoints(self):
        """How many adjoint lines (on boxes and arrows) are visible."""
        lines = self.page.query_selector_all(f'svg text[fill="{ADJOINT}"]')
        return sum(line.is_visible() for line in lines)

    def shot(self, name):
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


def numbers(text):
    return [float(v) for v in NUMBER.findall(text.split("=")[-1])]


def expected_steps(root, tensors):
    """[(name, adjoint)] in the order the engine finalises them: each node of its backward
    order, then the leaves (among `tensors`) that no later node uses. Adjoints from the engine's
    own backward pass (watched) and engine.gradients for the leaves."""
    order = engine.backward_order(root.grad_fn)
    watch = engine.Watch()
    engine.backpropagate(root, watch=watch)
    kept = watch.adjoints
    leaves = [t for t in tensors if t.is_leaf and t.requires_grad]
    grads = engine.gradients(root, leaves, retain_graph=True)
    grads = dict(zip(map(id, leaves), grads, strict=True))
    steps = []
    for k, node in enumerate(order):
        steps.append((node.name, np.ravel(kept[node])))
        later = {id(x) for n in order[k + 1 :] for x in n.inputs}
        for x in dict.fromkeys(x for x in node.inputs if id(x) in grads):
            if id(x) not in later:
                steps.append((x.name, np.ravel(grads[id(x)].data)))
    return steps


def check_each_step(page, steps, name):
    """Step with every control, checking the highlight and the adjoint against `steps`."""
    assert page.step() == (0, len(steps))
    assert page.visible_adjoints() == 0  # step 0: the forward values only
    page.shot(f"{name}-0")
    controls = ["key", "button", "slider"]
    for k, (expected_name, adjoint) in enumerate(steps, start=1):
        control = controls[k % 3]
        if control == "key":
            page.page.keyboard.press("ArrowRight")
        elif control == "button":
            page.page.click("#next")
        else:
            page.page.fill("#slider", str(k))
        assert page.step() == (k, len(steps))
        shown_name, shown = page.current()
        assert shown_name == expected_name, f"step {k}"
        assert shown == pytest.approx(adjoint, rel=1e-5, abs=1e-12), f"step {k}: {shown_name}"
        assert page.panel() == pytest.approx(adjoint, rel=1e-5, abs=1e-12)
        page.shot(f"{name}-{k}")
    page.page.click("#previous")
    assert page.step()[0] == len(steps) - 1
    page.page.keyboard.press("Home")
    assert page.step()[0] == 0 and page.visible_adjoints() == 0
    page.page.keyboard.press("End")
    assert page.step()[0] == len(steps)
    assert page.errors == []
    assert all(url.startswith("file:") for url in page.requests), page.requests  # no network


def test_a_small_graph_steps_through_the_engines_backward_order(browser, tmp_path):
    x = am.tensor(2.0, requires_grad=True, name="x")
    w = am.tensor(-3.0, requires_grad=True, name="w")
    b = am.tensor(6.8813735870195432, requires_grad=True, name="b")
    xw = x * w
    xw.name = "xw"
    n = xw + b
    n.name = "n"
    a = n.tanh()
    a.name = "a"
    o = a * n  # n used twice: its adjoint is the sum of two contributions
    o.name = "o"
    path = viz.backward_page(o, tmp_path / "small.html", precision=PRECISION)
    steps = expected_steps(o, [x, w, b])
    assert [s[0] for s in steps] == ["o", "a", "n", "b", "xw", "x", "w"]
    page = Page(browser, path, tmp_path / "small")
    check_each_step(page, steps, "small")

    page.page.keyboard.press("Home")
    for _ in range(3):
        page.page.keyboard.press("ArrowRight")
    assert page.current()[0] == "n"
    terms = page.page.inner_text("#current-terms")
    parts = [numbers(part)[0] for part in terms.split(":")[-1].split("+")]
    n_value = 2.0 * -3.0 + 6.8813735870195432
    tanh_part = n_value * (1 - np.tanh(n_value) ** 2)  # ∂o/∂a · tanh′(n), with ∂o/∂a = n
    times_part = np.tanh(n_value)  # ∂o/∂n through the product's second factor: a
    assert "sum of what each use sent back" in terms and len(parts) == 2
    assert parts == pytest.approx([tanh_part, times_part], rel=1e-5)
    assert sum(parts) == pytest.approx(page.panel()[0], rel=1e-5)
    assert w.grad is None and x.grad is None  # the page changed no .grad


def test_a_2_2_1_network_steps_op_by_op_and_layer_by_layer(browser, tmp_path):
    rng = np.random.default_rng(3)
    model = nn.MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid", rng=rng)
    out, trace = model.forward_trace(np.array([0.5, -1.0]))
    E = nn.half_sum_squared_error(out, np.array([1.0]))
    E.name = "E"
    path = viz.backward_page(E, tmp_path / "net.html", precision=PRECISION)
    steps = expected_steps(E, list(model.parameters()))
    page = Page(browser, path, tmp_path / "net")
    check_each_step(page, steps, "net")

    # by layers: δ² then δ¹, each as the engine computes ∂E/∂zˡ, then every gradient final
    deltas = engine.gradients(E, trace.z)
    page.page.select_option("#mode", "layers")
    page.page.keyboard.press("Home")
    assert page.step() == (0, 3)
    for k, layer in enumerate([2, 1], start=1):
        page.page.keyboard.press("ArrowRight")
        assert page.current() == (f"z{layer}", pytest.approx(deltas[layer - 1].data, rel=1e-5))
        assert page.page.inner_text("#current-label").startswith(f"δ{'¹²'[layer - 1]}")
        page.shot(f"net-layers-{k}")
    page.page.keyboard.press("ArrowRight")
    assert page.step() == (3, 3) and page.current()[0] == steps[-1][0]
    page.shot("net-layers-3")
    assert len(list((tmp_path / "net").glob("*.png"))) == len(steps) + 1 + 3


def test_the_page_refuses_what_it_cannot_show(tmp_path):
    x = am.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x).sum()
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.backward_page(y, tmp_path / "p.html", rankdir="XX")
    with pytest.raises(ValueError, match="precision must be a positive integer"):
        viz.backward_page(y, tmp_path / "p.html", precision=0)
    y.backward()
    viz.backward_page(y, tmp_path / "after.html")  # a small graph keeps its values: it can
    with am.no_grad():
        x -= 1.0  # ...until its inputs change
    with pytest.raises(ValueError, match="changed in place since it was recorded"):
        viz.backward_page(y, tmp_path / "p.html")
    big = am.tensor(np.ones(am.engine.KEPT_AFTER_BACKWARD + 1), requires_grad=True)
    z = (big * big).sum()
    z.backward()
    with pytest.raises(ValueError, match="released by backward.*retain_graph=True"):
        viz.backward_page(z, tmp_path / "p.html")
    assert [p.name for p in tmp_path.iterdir()] == ["after.html"]
