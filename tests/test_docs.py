"""Every ```python block in README.md and docs/*.md runs: the blocks of one page, in order, in
one namespace, from a scratch directory. A page's claims are the asserts in its code, and the
output it shows: a ```text block right after a python block is what that block prints, and the
test compares the two. Every picture a page shows exists (`make docs-figures` draws them)."""

import contextlib
import io
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# a block may be indented (inside a list item): the closing fence has the same indentation
FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```", re.S | re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def python_blocks(text: str) -> list[tuple[str, str | None]]:
    """(code, the output shown under it or None) for each python block of a page."""
    fences = list(FENCE.finditer(text))
    blocks = []
    for this, following in zip(fences, [*fences[1:], None], strict=False):  # the last has no next
        if this.group(2) != "python":
            continue
        shown = None
        if (
            following is not None
            and following.group(2) == "text"
            and not text[this.end() : following.start()].strip()
        ):
            shown = textwrap.dedent(following.group(3))
        blocks.append((textwrap.dedent(this.group(3)), shown))
    return blocks


def _page_text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGES = [page for page in DOCS if python_blocks(_page_text(page))]


def _lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.strip("\n").splitlines()]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_code_runs_and_prints_what_the_page_shows(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__doc__"}
    for number, (block, shown) in enumerate(python_blocks(_page_text(page)), start=1):
        where = f"{page.name} (python block {number})"
        code = compile(block, where, "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)  # noqa: S102 - the project's own documentation
        if shown is not None:
            assert _lines(printed.getvalue()) == _lines(shown), where


def test_the_readme_and_every_docs_page_with_code_are_run():
    assert ROOT / "README.md" in PAGES
    assert sum(p.parent.name == "docs" for p in PAGES) >= 6


def test_indented_blocks_count():
    page = "1. a rule\n\n   ```python\n   x = 1\n   print(x)\n   ```\n\n   ```text\n   1\n   ```\n"
    assert python_blocks(page) == [("x = 1\nprint(x)\n", "1\n")]


def test_output_is_only_the_text_block_right_after():
    page = "```python\nprint(1)\n```\nSome words.\n```text\n1\n```\n"
    assert python_blocks(page) == [("print(1)\n", None)]


def test_a_wrong_output_fails():
    (block, shown) = python_blocks("```python\nprint(2)\n```\n\n```text\n3\n```\n")[0]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(block, {})  # noqa: S102
    assert _lines(printed.getvalue()) != _lines(shown)


def test_every_picture_the_docs_show_exists():
    shown = [
        (page, page.parent / target)
        for page in DOCS
        for target in IMAGE.findall(_page_text(page))
        if "://" not in target
    ]
    assert len(shown) >= 4  # the pages do show pictures
    missing = [f"{p.name}: {f.relative_to(ROOT)}" for p, f in shown if not f.is_file()]
    assert not missing, f"missing figures (run `make docs-figures`): {missing}"
