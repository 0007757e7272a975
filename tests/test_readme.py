"""Each ```python block of the README runs as a reader would paste it: on its own, in a fresh
namespace, unless its first line says that it continues the block above (then it runs after
that one, in its namespace). `make wheel` runs this file against a wheel installed into a fresh
virtualenv, so the README's code is checked against what `pip install` gives.

tests/test_docs.py runs every page's blocks in one namespace, in order; this file checks that
a block which does not say it continues needs nothing from the blocks before it."""

import re
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.S | re.M)  # as tests/test_docs.py
CONTINUES = "# continues the block above"


def blocks() -> list[str]:
    return [textwrap.dedent(code) for _, code in BLOCK.findall(README.read_text(encoding="utf-8"))]


def chains() -> list[list[str]]:
    """The blocks grouped as they run: a block that continues joins the chain before it."""
    grouped: list[list[str]] = []
    for code in blocks():
        if code.startswith(CONTINUES) and grouped:
            grouped[-1].append(code)
        else:
            grouped.append([code])
    return grouped


def first_line(chain: list[str]) -> str:
    return next(line for line in chain[0].splitlines() if line.strip())[:60]


@pytest.mark.parametrize("chain", chains(), ids=first_line)
def test_each_block_runs_on_its_own_or_after_the_one_it_continues(chain, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__readme__"}
    for code in chain:
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README


def test_the_readme_has_blocks_that_stand_alone_and_none_that_continues_nothing():
    assert len(chains()) >= 5
    assert not blocks()[0].startswith(CONTINUES)
    # the marker is the block's first line, or it is not a marker
    assert all(CONTINUES not in code.split("\n", 1)[-1] for code in blocks())
