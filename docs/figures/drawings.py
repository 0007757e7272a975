"""Write the drawings that docs/drawing-graphs.md and the README show (`make docs-drawings`).

    python docs/figures/drawings.py [OUT_DIR]     # OUT_DIR: docs/figures by default

Every figure is made here from code, never by hand: the neuron with its rules and backward
steps, a 2-3-3-1 network drawn in full, one box per layer, and in the layout that fits a 16:9
slide, and the page that steps through the backward pass of a 2-2-1 network. graphviz-pure lays
them out, so that they come out the same on every machine. With Playwright and Chromium
installed (the test set-up), a screenshot of the page at its δ¹ step is written too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import nn, viz

RENDERER = "graphviz-pure"


def neuron() -> am.Tensor:
    """micrograd's neuron: o = tanh(x·w + b), with ∂o/∂x shown although x needs no gradient."""
    x = am.tensor(2.0, name="x")
    w = am.tensor(-3.0, requires_grad=True, name="w")
    b = am.tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x * w + b).tanh()
    o.name = "o"
    return o


def network_loss(sizes: list[int], seed: int = 0) -> am.Tensor:
    """Binary cross-entropy of a small ReLU network on a batch of four points of two classes."""
    rng = np.random.default_rng(seed)
    model = nn.MLP(sizes, activation="relu", output_activation="sigmoid", rng=rng)
    x = rng.standard_normal((4, sizes[0]))
    return nn.binary_cross_entropy(model(x), np.array([[1.0], [0.0], [1.0], [0.0]]))


def single_loss() -> am.Tensor:
    """E = ½(t − out)² of a 2-2-1 sigmoid network on one point: small enough to step through."""
    rng = np.random.default_rng(3)
    model = nn.MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid", rng=rng)
    E = nn.half_sum_squared_error(model(np.array([0.5, -1.0])), np.array([1.0]))
    E.name = "E"
    return E


def screenshot(page: Path, out: Path) -> Path | None:
    """The page at its δ¹ step (layer by layer), as a person sees it; None without a browser."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        tab = browser.new_page(viewport={"width": 1280, "height": 620})
        tab.goto(page.resolve().as_uri())
        tab.select_option("#mode", "layers")
        tab.keyboard.press("Home")
        tab.keyboard.press("ArrowRight")
        tab.keyboard.press("ArrowRight")
        tab.screenshot(path=str(out))
        browser.close()
    return out


def main(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    loss = network_loss([2, 3, 3, 1])
    written = [
        viz.render(neuron(), out_dir / "neuron.svg", renderer=RENDERER, rules=True, order=True),
        viz.render(loss, out_dir / "mlp.svg", renderer=RENDERER),
        viz.render(loss, out_dir / "mlp-modules.svg", renderer=RENDERER, collapse="modules"),
        viz.render(
            viz.slide(loss, renderer=RENDERER, collapse="modules"),
            out_dir / "mlp-slide.svg",
            renderer=RENDERER,
        ),
        viz.backward_page(single_loss(), out_dir / "backward-page.html", renderer=RENDERER),
    ]
    shot = screenshot(written[-1], out_dir / "backward-page.png")
    if shot is None:
        print("no Chromium with Playwright: backward-page.png not written", file=sys.stderr)
    else:
        written.append(shot)
    return written


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for path in main(folder):
        print(f"wrote {path}")
