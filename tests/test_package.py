"""The package as installed anywhere: `import autograd_mini` loads NumPy and none of the optional
libraries (graphviz, tqdm, matplotlib, ...), which load when first used; every public name
resolves; the licence and the metadata in pyproject.toml agree."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = {"graphviz", "graphviz_pure", "tqdm", "matplotlib", "sklearn", "scipy", "torch"}


def loaded_after(code: str) -> list[str]:
    """The top-level packages among OPTIONAL and numpy that `code` leaves in sys.modules, run
    in a fresh interpreter (this one has imported everything already)."""
    tops = OPTIONAL | {"numpy"}
    probe = (
        f"{code}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {tops}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    modules = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules})


def test_import_loads_numpy_and_nothing_optional():
    assert loaded_after("import autograd_mini") == ["numpy"]


def test_the_public_api_and_the_viz_namespace_load_nothing_optional():
    touched = (
        "import autograd_mini as am; am.__all__; am.viz; am.viz.GraphTooLarge; am.nn; am.optim"
    )
    assert loaded_after(touched) == ["numpy"]


def test_training_without_a_bar_loads_no_tqdm():
    code = (
        "import numpy as np; import autograd_mini as am; from autograd_mini.training import fit; "
        "m = am.nn.MLP([2, 1], rng=np.random.default_rng(0)); "
        "opt = am.optim.SGD(m.parameters(), lr=0.1); "
        "fit(m, am.nn.mse_loss, opt, np.ones((4, 2)), np.ones((4, 1)), epochs=2, progress=False)"
    )
    assert loaded_after(code) == ["numpy"]


@pytest.mark.parametrize(
    "code",
    [
        "import autograd_mini as am; am.viz.draw(am.tensor(1.0) * 2)",
        "from autograd_mini.viz import Drawing",
    ],
)
def test_graphviz_loads_when_a_graph_is_first_drawn(code):
    assert "graphviz" in loaded_after(code)


def test_every_public_name_resolves_the_lazy_ones_included():
    import autograd_mini as am
    from autograd_mini import viz

    assert am.__all__ and all(hasattr(am, name) for name in am.__all__)
    assert set(viz.__all__) <= set(dir(viz))
    for name in viz.__all__:
        assert getattr(viz, name) is not None
    # `render` is both a submodule and the function; the name must stay the function
    assert callable(viz.render) and viz.render.__name__ == "render"
    assert isinstance(viz.draw(am.tensor(2.0) * 3), viz.Drawing)
    with pytest.raises(AttributeError, match="no_such_name"):
        viz.no_such_name  # noqa: B018


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_licence_file_is_the_mit_licence_that_pyproject_declares():
    project = pyproject()
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["license"] == "MIT" and "LICENSE" in project["license-files"]
    assert text.startswith("MIT License\n")
    assert "Copyright (c) the autograd_mini authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_metadata_names_the_authors_and_the_python_versions_it_supports():
    project = pyproject()
    assert project["authors"] == [{"name": "autograd_mini authors"}]
    assert "numpy" in project["keywords"] and "autodiff" in project["keywords"]
    versions = sorted(
        int(m.group(1))
        for c in project["classifiers"]
        if (m := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c))
    )
    assert versions == [10, 11, 12, 13]
    assert project["requires-python"] == f">=3.{versions[0]}"
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
