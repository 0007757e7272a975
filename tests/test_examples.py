"""Every example runs (with fast settings where training is long) and does what it says: XOR is
solved and its saved weights reload, the plots are written, digits reaches 95% test accuracy
with its default settings, and the summed error of a series has the summed gradient."""

import runpy
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name):
    """The example's `main` (run as a module, so its `__main__` block does not run)."""
    return runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name=f"example_{name}")["main"]


def assert_png(path):
    assert path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_example_is_tested_here():
    assert {p.stem for p in EXAMPLES.glob("*.py")} == {"xor", "two_moons", "digits", "sine_series"}


def test_xor_is_solved_and_its_saved_weights_reload(tmp_path):
    result = example("xor")(epochs=300, out_dir=tmp_path, progress=False)
    assert result["solved"]
    assert result["loss_history"][-1] < 0.05 < result["loss_history"][0]
    assert result["path"] == tmp_path / "xor.npz" and result["path"].exists()
    np.testing.assert_array_equal(result["restored_predictions"], result["predictions"])


def test_two_moons_separates_the_moons_and_writes_its_decision_boundary_png(tmp_path):
    result = example("two_moons")(n_samples=200, epochs=40, out_dir=tmp_path, progress=False)
    assert result["accuracy"] > 0.95 and result["test_accuracy"] > 0.9
    assert result["path"] == tmp_path / "two_moons.png"
    assert_png(result["path"])


def test_digits_reaches_95_percent_test_accuracy_with_its_default_settings(tmp_path):
    result = example("digits")(out_dir=tmp_path, progress=False)  # the real defaults: < 2 s
    assert result["accuracy"] >= 0.95
    assert result["loss_history"][-1] < result["loss_history"][0]
    assert (tmp_path / "digits.npz").exists()


def test_sine_series_summed_error_has_the_summed_gradient_and_training_lowers_it(tmp_path):
    result = example("sine_series")(n_points=200, epochs=60, out_dir=tmp_path, progress=False)
    assert result["error_difference"] < 1e-10
    assert result["gradient_difference"] < 1e-10
    history = result["loss_history"]
    assert history[-1] < 0.2 * history[0]
    assert result["test_mse"] < 0.1
    assert_png(result["path"])
