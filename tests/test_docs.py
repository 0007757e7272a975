"""Every ```python block in README.md and docs/*.md runs: the blocks of one page, in order, in
one namespace, from a scratch directory. A page's claims are the asserts in its code."""

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# a block may be indented (inside a list item): the closing fence has the same indentation
BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return [textwrap.dedent(code) for _, code in BLOCK.findall(page.read_text(encoding="utf-8"))]


PAGES = [
    page
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    if python_blocks(page)
]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    blocks = python_blocks(page)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__doc__"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name} (python block {number})", "exec")
        exec(code, namespace)  # noqa: S102 - the project's own documentation


def test_the_readme_and_every_docs_page_with_code_are_run():
    assert ROOT / "README.md" in PAGES
    assert sum(p.parent.name == "docs" for p in PAGES) >= 3


def test_indented_blocks_count():
    page = "1. a rule\n\n   ```python\n   x = 1\n   assert x == 1\n   ```\n"
    assert [textwrap.dedent(code) for _, code in BLOCK.findall(page)] == ["x = 1\nassert x == 1\n"]
