"""Every ```python block in README.md and docs/*.md runs: the blocks of one page, in order, in
one namespace, from a scratch directory. A page's claims are the asserts in its code."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    blocks = python_blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python blocks")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__doc__"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name} (python block {number})", "exec")
        exec(code, namespace)  # noqa: S102 - the project's own documentation


def test_docs_folder_has_pages():
    assert any(p.parent.name == "docs" and python_blocks(p) for p in PAGES), os.listdir(
        ROOT / "docs"
    )
