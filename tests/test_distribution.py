"""What the package index gets: an sdist that carries what building and testing need (and no CI
script, Makefile or benchmark results), a wheel built from that sdist with the package, its type
marker and its command, and a description whose links do not lead nowhere.

`make wheel` goes one step further: a wheel from a clean clone, installed into a fresh
virtualenv, runs the README's code there."""

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SHIPPED_FOR_TESTS = ["autograd_mini", "tests", "examples", "docs", "benchmarks"]


def build(kind: str, source: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", kind, "--directory", out],
        cwd=source, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("*.tar.gz" if kind == "sdist" else "*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    return build("sdist", ROOT, tmp_path_factory.mktemp("sdist"))


@pytest.fixture(scope="module")
def sdist_files(sdist) -> set[str]:
    with tarfile.open(sdist) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}


@pytest.fixture(scope="module")
def wheel_from_sdist(sdist, tmp_path_factory) -> Path:
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    return build("wheel", source, tmp_path_factory.mktemp("wheel"))


def source_files(folder: str) -> set[str]:
    """The files of the working tree under `folder` (no caches)."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


BENCHMARK_RESULTS = {
    "benchmarks/results.md",
    *(f for f in source_files("benchmarks") if f.endswith(".png")),
}


def test_the_sdist_carries_the_package_its_tests_and_what_they_run(sdist_files):
    for folder in SHIPPED_FOR_TESTS:
        expected = source_files(folder) - BENCHMARK_RESULTS
        assert expected and expected <= sdist_files, sorted(expected - sdist_files)
    assert {"pyproject.toml", "README.md", "LICENSE", "PKG-INFO"} <= sdist_files


def test_the_sdist_leaves_out_ci_scripts_the_makefile_and_benchmark_results(sdist_files):
    top_level = {name.split("/")[0] for name in sdist_files}
    allowed = {*SHIPPED_FOR_TESTS, "pyproject.toml", "README.md", "LICENSE", "PKG-INFO"}
    assert top_level <= allowed | {".gitignore"}, sorted(top_level - allowed)
    assert not BENCHMARK_RESULTS & sdist_files
    # the exclusions are real: the repository has the results and a picture of them
    assert "benchmarks/results.md" in BENCHMARK_RESULTS and len(BENCHMARK_RESULTS) > 1
    assert any(name.startswith("docs/") and name.endswith(".png") for name in sdist_files)


def test_a_wheel_built_from_the_sdist_has_the_package_its_types_and_its_command(
    wheel_from_sdist,
):
    with zipfile.ZipFile(wheel_from_sdist) as wheel:
        names = set(wheel.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        commands = wheel.read(entry_points).decode()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        fields = HeaderParser().parsestr(wheel.read(metadata).decode())
    package = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert package == source_files("autograd_mini")
    assert "autograd_mini/py.typed" in package
    assert "autograd-mini = autograd_mini.cli:main" in commands
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert fields["Name"] == "autograd-mini" and fields["License-Expression"] == "MIT"
    declared = PYPROJECT["project"]["dependencies"]
    required = {r for r in fields.get_all("Requires-Dist") if "extra ==" not in r}
    assert required == set(declared)


def test_the_description_on_the_package_index_has_no_relative_links(wheel_from_sdist):
    with zipfile.ZipFile(wheel_from_sdist) as wheel:
        (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        description = HeaderParser().parsestr(wheel.read(metadata).decode()).get_payload()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    relative = re.compile(r"\]\((?![a-z]+:|#)[^)]+\)")
    assert relative.search(readme), "the README has relative links: this test checks their fate"
    assert not relative.search(description)
    assert "`docs/index.md`: the learners' questions" in description
    captions = re.findall(r"!\[([^\]]+)\]\((?![a-z]+:)", readme)
    assert all(f"*{caption}*" in description for caption in captions)
    # nothing else changes: the code blocks that tests/test_docs.py runs are the same
    blocks = re.compile(r"```python\n.*?```", re.S)
    assert blocks.findall(description) == blocks.findall(readme)


def test_the_tests_build_with_the_backend_that_pyproject_declares():
    build_requires = PYPROJECT["build-system"]["requires"]
    assert set(build_requires) <= set(PYPROJECT["project"]["optional-dependencies"]["test"])


# graphviz-pure 0.2.2's wheels (it has no sdist): manylinux/musllinux x86_64 and aarch64,
# macosx x86_64 and arm64, win_amd64 and win_arm64, as (sys_platform, platform_machine)
RENDERER_WHEELS = [
    ("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "x86_64"), ("darwin", "arm64"),
    ("win32", "AMD64"), ("win32", "ARM64"),
]  # fmt: skip
NO_RENDERER_WHEEL = [("linux", "ppc64le"), ("linux", "s390x"), ("linux", "armv7l"),
                     ("freebsd14", "amd64"), ("cygwin", "x86_64")]  # fmt: skip


def test_the_wheel_only_renderer_is_required_exactly_where_it_has_wheels():
    from packaging.requirements import Requirement

    (renderer,) = [
        Requirement(d)
        for d in PYPROJECT["project"]["dependencies"]
        if d.startswith("graphviz-pure")
    ]
    for system, machine in RENDERER_WHEELS + NO_RENDERER_WHEEL:
        wanted = renderer.marker.evaluate({"sys_platform": system, "platform_machine": machine})
        assert wanted is ((system, machine) in RENDERER_WHEELS), (system, machine)
