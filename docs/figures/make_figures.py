"""Draw the pictures of the derivation and the worked examples with the project's own code.

    make docs-figures            (or: .venv/bin/python docs/figures/make_figures.py)

Each figure is computed here from autograd_mini (the engine, `manual`, `viz`); none is drawn
by hand. The pages that show them compute the same numbers in code that the tests run.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import autograd_mini as am  # noqa: E402
from autograd_mini import manual, nn  # noqa: E402

HERE = Path(__file__).resolve().parent
UNIT_ROUNDOFF = np.finfo(np.float64).eps / 2  # u = 2⁻⁵³


def neuron_graph() -> am.Tensor:
    """The one-neuron graph worked by hand in worked-example.md."""
    x1, x2 = am.tensor(2.0, name="x1"), am.tensor(-1.0, name="x2")
    w1 = am.tensor(0.5, requires_grad=True, name="w1")
    w2 = am.tensor(0.25, requires_grad=True, name="w2")
    b = am.tensor(-0.25, requires_grad=True, name="b")
    z = w1 * x1 + w2 * x2 + b
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    error = 0.5 * (a - 1.0) ** 2
    error.name = "E"
    return error


def worked_network_graph() -> am.Tensor:
    """E of the 3-3-3-1 network of worked-example.md, as an nn.MLP (its zˡ carry δˡ)."""
    net, x, target = manual.worked_example()
    model = nn.MLP.from_arrays(net.weights, net.biases, "sigmoid", "sigmoid")
    return nn.half_sum_squared_error(model(x), target)


def finite_difference_error(path: Path) -> None:
    """|central difference − backprop| for ∂E/∂W¹[0, 0] over ε: the V of manual-backprop.md."""
    net = manual.Network.random([3, 3, 3, 1], activation="sigmoid", output_activation="sigmoid")
    x, target = np.array([0.5, -1.0, 2.0]), np.array([0.2])
    exact = manual.backprop_matrix(net, x, target).weight_grads[0][0, 0]
    e = manual.loss_value(net, x, target)

    def loss_at(v: float) -> float:
        weights = [w.copy() for w in net.weights]
        weights[0][0, 0] = v
        return manual.loss_value(manual.Network(weights, net.biases), x, target)

    v = net.weights[0][0, 0]
    eps = np.logspace(-13, -1, 97)
    error = np.array([abs((loss_at(v + h) - loss_at(v - h)) / (2 * h) - exact) for h in eps])
    third = error[-1] / (eps[-1] ** 2 / 6)  # |E‴| from the largest ε, where truncation rules
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.loglog(eps, np.maximum(error, 1e-18), ".", label="measured |error|")
    ax.loglog(eps, third * eps**2 / 6, "--", label="truncation ε² |E‴| / 6")
    ax.loglog(eps, UNIT_ROUNDOFF * e / eps, ":", label="rounding u |E| / ε")
    ax.set_xlabel("ε")
    ax.set_ylabel("|central difference − ∂E/∂w|")
    ax.set_ylim(1e-16, 1e-5)
    ax.set_title("Central differences for ∂E/∂W¹[0, 0] (3-3-3-1 sigmoid network)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def vanishing_gradients(path: Path) -> None:
    """σ′ ≤ ¼ and the size of δˡ layer by layer in deep sigmoid and tanh MLPs (derivation.md)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.8))
    z = np.linspace(-6, 6, 401)
    s = 1 / (1 + np.exp(-z))
    left.plot(z, s * (1 - s), label="σ′(z) = σ(z)(1 − σ(z)) ≤ ¼")
    left.plot(z, 1 - np.tanh(z) ** 2, label="tanh′(z) = 1 − tanh²(z) ≤ 1")
    left.axhline(0.25, color="grey", lw=0.8, ls=":")
    left.set_xlabel("z")
    left.legend(loc="upper right", fontsize=8)
    left.set_title("The derivatives of the activations")
    for activation in ("sigmoid", "tanh"):
        norms = delta_norms(activation)
        right.semilogy(range(1, len(norms) + 1), norms, "o-", label=activation)
    right.set_xlabel("layer l")
    right.set_ylabel("‖δˡ‖ (mean over 5 seeds)")
    right.set_title("δ shrinks on its way down (10 layers of 16)")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def delta_norms(activation: str, depth: int = 10, width: int = 16, seeds: int = 5) -> np.ndarray:
    """‖δˡ‖ for l = 1..depth, read from autodiff (z.grad), averaged over random networks."""
    total = np.zeros(depth)
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        model = nn.MLP([width] * (depth + 1), activation, activation, rng=rng)
        out, trace = model.forward_trace(rng.standard_normal(width))
        for z in trace.z:
            z.retain_grad()
        nn.half_sum_squared_error(out, rng.uniform(0, 1, width)).backward()
        total += [np.linalg.norm(z.grad.data) for z in trace.z]
    return total / seeds


def main() -> None:
    drawn = [
        am.viz.render(neuron_graph(), HERE / "neuron_by_hand.svg", rules=True, order=True),
        am.viz.render(worked_network_graph(), HERE / "worked_network.svg"),
    ]
    for draw, name in [
        (finite_difference_error, "finite_difference_error.png"),
        (vanishing_gradients, "vanishing_gradients.png"),
    ]:
        draw(HERE / name)
        drawn.append(HERE / name)
    for path in drawn:
        print("drew", Path(path).relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
