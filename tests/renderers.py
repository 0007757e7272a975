"""What the drawing tests share: the SVG namespace, and the renderers to run them with (the
registry's graphviz-pure always; the system `dot` where it is installed, as CI does)."""

import shutil

import pytest

SVG = "{http://www.w3.org/2000/svg}"
NO_DOT = "the system Graphviz `dot` is not installed (CI installs it: apt-get install graphviz)"
RENDERERS = [
    "graphviz-pure",
    pytest.param("dot", marks=pytest.mark.skipif(shutil.which("dot") is None, reason=NO_DOT)),
]
