"""`make demo` end to end, at a few epochs: it trains, plots, and draws both graphs."""

import xml.etree.ElementTree as ET

from autograd_mini import demo


def test_demo_writes_its_plot_and_both_graphs(tmp_path, capsys):
    args = demo.build_parser().parse_args(["--epochs", "30", "--out-dir", str(tmp_path)])
    assert demo.main(args) == 0
    assert (tmp_path / "two_moons.png").stat().st_size > 10_000
    for name in ("network.svg", "neuron.svg"):
        ET.parse(tmp_path / name)  # well-formed SVG
    network = (tmp_path / "network.svg").read_text(encoding="utf-8")
    assert "layers.0" in network and "δ" in network  # modules collapsed, δ of each layer shown
    assert "32 values in [0, 1]" in network  # the drawn batch holds both moons' labels
    printed = capsys.readouterr().out
    assert "two moons: accuracy" in printed


def test_demo_network_learns_the_moons():
    result = demo.train_two_moons(epochs=100, progress=False)
    assert result["test_accuracy"] > 0.95
    assert result["loss_history"][-1] < result["loss_history"][0] / 5
