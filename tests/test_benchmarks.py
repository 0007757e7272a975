"""The benchmark script cannot rot: every case runs once at tiny sizes. (Never a timed test:
speed is judged only by ratios in `make bench`.)"""

import json
import subprocess
import sys

import pytest

from benchmarks import jacobians
from benchmarks.report import target_lines

# the run, then whether its process imported torch (which must run in a process of its own)
RUN = """
import sys
from benchmarks.__main__ import main
assert main(["--quick", "--out", sys.argv[1]]) == 0
print("torch imported:", "torch" in sys.modules)
"""


@pytest.mark.needs_oracle
def test_every_benchmark_case_runs_at_tiny_sizes_and_torch_runs_elsewhere(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.rstrip().endswith("torch imported: False")
    report = (tmp_path / "results.md").read_text(encoding="utf-8")
    for section in (
        "## Targets",
        "## Training steps",
        "## Scalar-sized ops",
        "## Finite differences",
    ):
        assert section in report
    # the engines agree: autograd_mini's weights after one step equal the hand-written floor's
    rows = [line for line in report.splitlines() if line.startswith("| 2-4-1 batch 4")]
    assert len(rows) == 4  # both styles, with both allocators
    assert all(float(row.rstrip(" |").split("|")[-1]) < 1e-12 for row in rows)
    # torch's side was measured (in its own process), and autograd_mini beside it too
    chain = next(line for line in report.splitlines() if line.startswith("| chain of 100 ops"))
    assert chain.count("µs") == 3, chain


def test_a_step_target_is_judged_on_the_worse_allocator():
    def row(ours):
        times = {"numpy": 1.0, "autograd_mini": ours, "torch": 10.0}
        return {
            "case": "784-256-256-10 batch 128",
            "style": "nn",
            "times": times,
            "memory": {"numpy": 1, "autograd_mini": 1},
        }

    results = {"mlp": [row(0.9)], "mlp_keep_freed": [row(1.2)], "graphs": []}
    (line,) = [s for s in target_lines(results) if s.startswith("- `784-256-256-10` step (nn")]
    assert "NOT met (1.20" in line and "0.90 default allocator" in line
    results["mlp_keep_freed"] = [row(1.05)]
    (line,) = [s for s in target_lines(results) if s.startswith("- `784-256-256-10` step (nn")]
    assert "met (1.05" in line and "NOT" not in line


def test_the_jacobian_section_runs_at_tiny_sizes_and_both_modes_agree(tmp_path):
    text = jacobians.run(quick=True, out=tmp_path)
    assert (tmp_path / "jacobians.png").stat().st_size > 0
    assert (tmp_path / "jacobians.md").read_text(encoding="utf-8") == text
    measured = json.loads((tmp_path / "jacobians.json").read_text(encoding="utf-8"))
    assert [(r["n"], r["m"]) for r in measured] == [(1, 2), (3, 2), (2, 1), (2, 3)]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ms |" in line]
    assert len(rows) == 2 * len(jacobians.QUICK_SIZES)  # n growing, then m growing
    assert all(float(row.rstrip(" |").split("|")[-1]) < 1e-12 for row in rows)
