"""Which program turns DOT into a picture: Graphviz's `dot` if installed, else `graphviz-pure`.

`graphviz-pure` (a dependency, installed from the package registry alone) is a self-contained
port of `dot` with the same command line; it writes SVG and PNG but not PDF. It never installs a
program named `dot`, so it is found under its own name, also in a virtualenv that is not
activated (next to the Python running us).

Fonts: boxes are sized by the renderer's measure of their text, and an SVG's text is drawn by
whatever font the viewer has. Drawings ask for DejaVu Sans, which both renderers measure and
which is the widest of the usual sans-serif faces: on most Linux it is the font drawn, and
elsewhere the viewer's default (Arial, Helvetica: narrower) fits in the same boxes. graphviz-pure
draws PNG and JPEG text itself with its bundled Arimo (Helvetica's metrics), so for those the
boxes are measured for Helvetica.

The environment variable AUTOGRAD_MINI_DOT ("dot", "graphviz-pure" or "auto") chooses for every
call that does not name a renderer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig

ENVIRONMENT = "AUTOGRAD_MINI_DOT"
RENDERERS = ("dot", "graphviz-pure")
FORMATS = {
    "dot": ("svg", "png", "pdf", "jpeg", "jpg"),
    "graphviz-pure": ("svg", "png", "jpeg", "jpg"),
}
INSTALL = (
    "install Graphviz (https://graphviz.org/download/, e.g. `apt-get install graphviz`, "
    "`brew install graphviz`, `conda install graphviz`) or `pip install graphviz-pure`"
)


FONT = "DejaVu Sans"  # what drawings ask for (dot.py)
SVG_FONTS = "DejaVu Sans,Bitstream Vera Sans,sans-serif"  # what the viewer may use
RASTER_FONT = "Helvetica"  # graphviz-pure's raster text is Arimo, measured as Helvetica


class RendererNotFound(RuntimeError):
    """No program that can lay out DOT is installed (the DOT source itself needs none)."""


def system_dot() -> str | None:
    """The path of Graphviz's `dot`, as the graphviz package will run it (from PATH)."""
    return shutil.which("dot")


def graphviz_pure() -> str | None:
    scripts = sysconfig.get_path("scripts")
    return shutil.which(
        "graphviz-pure", path=os.pathsep.join([os.environ.get("PATH", ""), scripts])
    )


def choose(renderer: str | None = None) -> str:
    """The renderer to use: `renderer`, else $AUTOGRAD_MINI_DOT, else the first installed."""
    choice = renderer or os.environ.get(ENVIRONMENT) or "auto"
    if choice not in (*RENDERERS, "auto"):
        raise ValueError(
            f"unknown renderer {choice!r} (from {'the argument' if renderer else ENVIRONMENT}); "
            f"choose one of {', '.join(RENDERERS)} or auto"
        )
    if choice in ("dot", "auto") and system_dot():
        return "dot"
    if choice in ("graphviz-pure", "auto") and graphviz_pure():
        return "graphviz-pure"
    missing = "no Graphviz renderer found" if choice == "auto" else f"{choice!r} is not installed"
    raise RendererNotFound(f"{missing}: {INSTALL}. draw(t).source gives the DOT without either.")


RASTER = ("png", "jpeg", "jpg")  # the formats whose size is set in pixels by `dpi`


def pipe(
    source: str, format: str = "svg", renderer: str | None = None, dpi: float | None = None
) -> bytes:
    """Lay out the DOT `source` and return the picture's bytes in `format`; `dpi`: the pixels
    per inch of a PNG or JPEG (None: the renderer's 96)."""
    name = choose(renderer)
    if format not in FORMATS[name]:
        hint = " (PDF needs Graphviz's dot: " + INSTALL.split(" or ")[0] + ")"
        raise ValueError(
            f"{name} cannot write {format!r}; it writes {', '.join(FORMATS[name])}"
            + (hint if format == "pdf" else "")
        )
    if name == "graphviz-pure" and format != "svg":
        source = source.replace(f'fontname="{FONT}"', f'fontname="{RASTER_FONT}"')
    command = [system_dot() if name == "dot" else graphviz_pure(), f"-T{format}"]
    if dpi is not None and format in RASTER:
        command.append(f"-Gdpi={dpi:g}")  # a default: a drawing's own dpi attribute wins
    done = subprocess.run(command, input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr.decode(errors='replace').strip()}")
    picture = done.stdout
    if format == "svg":  # a viewer without DejaVu Sans takes the next that fits
        picture = picture.replace(f'font-family="{FONT}"'.encode(),
                                  f'font-family="{SVG_FONTS}"'.encode())  # fmt: skip
    return picture
