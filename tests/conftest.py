"""PyTorch is the suite's oracle: `make test` installs it, and there a missing torch fails the run.

`make test-oldest` also runs the suite on Pythons for which no CPU build of the oracle can be
installed. It sets AUTOGRAD_MINI_WITHOUT_ORACLE=1, and only then are the tests that need torch
left out: the modules that import it (themselves or through another test module) are not
collected, the test functions that import it or are marked `needs_oracle` (they run it in a
subprocess) are deselected, and the run ends by naming what it did not run and where that runs.
Nothing is skipped silently.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import textwrap
from functools import cache
from pathlib import Path

TESTS = Path(__file__).resolve().parent
WITHOUT_ORACLE = os.environ.get("AUTOGRAD_MINI_WITHOUT_ORACLE") == "1"
ORACLE = "torch"

left_out_modules: set[str] = set()  # pytest may ask about a file more than once
left_out_tests: list[str] = []


def _imports_oracle(tree: ast.AST, statements: list[ast.stmt] | None = None) -> bool:
    """Whether the statements (by default every statement in `tree`) import torch."""
    nodes = ast.walk(tree) if statements is None else statements
    for node in nodes:
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == ORACLE for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == ORACLE:
            return True
    return False


def _local_module(node: ast.ImportFrom, path: Path) -> Path | None:
    """The test-suite file that `from ... import ...` names, if it is one."""
    if node.level:
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        parts = (node.module or "").split(".") if node.module else []
    elif (node.module or "").split(".")[0] == "tests":
        base, parts = TESTS, (node.module or "").split(".")[1:]
    else:
        return None
    target = base.joinpath(*parts)
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def module_needs_oracle(path: Path) -> bool:
    """Whether importing the test module at `path` imports torch, directly or through another
    module of the test suite (the conformance table's harness)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    if _imports_oracle(tree, top_level):
        return True
    return any(
        (local := _local_module(node, path)) is not None and module_needs_oracle(local)
        for node in top_level
        if isinstance(node, ast.ImportFrom)
    )


def function_needs_oracle(function) -> bool:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return False
    return _imports_oracle(ast.parse(source))


def pytest_ignore_collect(collection_path: Path, config):
    if not WITHOUT_ORACLE or collection_path.suffix != ".py":
        return None
    if collection_path.name.startswith("test_") and module_needs_oracle(collection_path):
        left_out_modules.add(collection_path.relative_to(TESTS.parent).as_posix())
        return True
    return None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "needs_oracle: the test uses PyTorch without importing it (in a subprocess)"
    )


def needs_oracle(item) -> bool:
    function = getattr(item, "function", None)
    return item.get_closest_marker("needs_oracle") is not None or (
        function is not None and function_needs_oracle(function)
    )


def pytest_collection_modifyitems(config, items):
    if not WITHOUT_ORACLE:
        return
    keep, drop = [], []
    for item in items:
        (drop if needs_oracle(item) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        left_out_tests.extend(item.nodeid for item in drop)


def pytest_report_header(config):
    if not WITHOUT_ORACLE:
        return None
    installed = importlib.util.find_spec(ORACLE) is not None
    return "AUTOGRAD_MINI_WITHOUT_ORACLE=1: the tests that need PyTorch are left out" + (
        " (although torch is installed)" if installed else ""
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not WITHOUT_ORACLE:
        return
    write = terminalreporter.write_line
    terminalreporter.section("not run: these need the PyTorch oracle", sep="=", yellow=True)
    write(f"{len(left_out_modules)} test modules not collected:")
    for name in sorted(left_out_modules):
        write(f"  {name}")
    write(f"{len(left_out_tests)} tests deselected:")
    for name in left_out_tests:
        write(f"  {name}")
    write("`make test` runs them with torch 2.13.0 installed.")
