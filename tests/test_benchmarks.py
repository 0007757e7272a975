"""The benchmark script cannot rot: every case runs once at tiny sizes. (Never a timed test:
speed is judged only by ratios in `make bench`.)"""

from benchmarks.__main__ import main


def test_every_benchmark_case_runs_at_tiny_sizes(tmp_path):
    assert main(["--quick", "--out", str(tmp_path)]) == 0
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
    assert rows and float(rows[0].rstrip(" |").split("|")[-1]) < 1e-12
