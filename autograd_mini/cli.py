"""The `autograd-mini` command: `demo`, `explain`, and `draw` an expression's graph to a file.

    autograd-mini draw "tanh(x*w + b)" --x 2 --w -3 --b 6.8813735870195432 -o neuron.svg

Variables are given as `--name VALUE` (a number or a list such as "[1, 2, 3]") and become leaf
tensors that require grad, named after the variable. The expression is checked and evaluated by
autograd_mini.expression (never by eval), a backward pass computes the gradients (of the sum, if
the result is not a scalar), and the graph is written with values and adjoints on every node.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import numpy as np

from . import expression
from .tensor import Tensor

# draw's own options; any other --name is a variable
VALUED = ("-o", "--output", "--format", "--renderer", "--precision")
FLAGS = ("--rules", "--order", "-h", "--help")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    rest: list[str] = []
    if argv[:1] == ["draw"]:
        argv, rest = _split_variables(argv)
    elif argv[:1] in (["demo"], ["explain"]):  # their options belong to their own parsers
        argv, rest = argv[:1], argv[1:]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    args.rest = rest
    return args.run(args)


def _split_variables(argv: list[str]) -> tuple[list[str], list[str]]:
    """Take the `--name VALUE` variables out of a draw command line, wherever they stand, so
    that argparse sees only draw's own options (and a value like -3 is never an option)."""
    kept, variables, tail = [], [], []
    i = 0
    while i < len(argv):
        token, i = argv[i], i + 1
        option = token.split("=", 1)[0]
        if token == "--":  # the expression follows, e.g. -- "-x * 2"
            tail, i = argv[i - 1 : i + 1], i + 1
        elif option in VALUED and "=" not in token:
            kept, i = kept + argv[i - 1 : i + 1], i + 1
        elif option in VALUED or option in FLAGS or not token.startswith("--"):
            kept.append(token)
        else:
            variables.append(token)
            if "=" not in token:
                value = argv[i] if i < len(argv) else ""
                if value.startswith("-") and not _is_number(value):
                    value = ""  # the next option: this variable has no value
                else:
                    i += 1
                variables.append(value)
    return kept + tail, variables


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-mini", description="A minimal reverse-mode autodiff engine on NumPy."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, text in (
        ("demo", "train the demo network and write its plots and graphs (--help: options)"),
        ("explain", "backprop of a small network, step by step, in numbers (--help: options)"),
    ):
        commands.add_parser(name, help=text, add_help=False).set_defaults(run=_delegate)

    draw = commands.add_parser(
        "draw",
        allow_abbrev=False,  # so that a variable --o is never taken for --output
        help="draw the graph of an expression, with values and gradients",
        description="Draw the computation graph of EXPRESSION after a backward pass. Give each "
        "variable as --name VALUE, e.g. --x 2 or --W '[[1, 2], [3, 4]]'. Allowed: "
        + expression.ALLOWED
        + ". An expression starting with '-' goes after '--': draw -- \"-x\" --x 1.",
        epilog='example: autograd-mini draw "tanh(x*w + b)" --x 2 --w -3 --b 6.88 -o neuron.svg',
    )
    draw.add_argument("expression", help='e.g. "tanh(x*w + b)"')
    draw.add_argument("-o", "--output", default="graph.svg", help="file to write (graph.svg)")
    draw.add_argument("--format", help="svg, png, pdf or dot (default: from the file's suffix)")
    draw.add_argument(
        "--renderer",
        choices=("auto", "dot", "graphviz-pure"),
        help="the program that lays the graph out (default: $AUTOGRAD_MINI_DOT, else dot if "
        "installed, else graphviz-pure)",
    )
    draw.add_argument("--rules", action="store_true", help="show each op's derivative rule")
    draw.add_argument("--order", action="store_true", help="number the backward steps")
    draw.add_argument("--precision", type=int, default=4, help="significant digits (4)")
    draw.set_defaults(run=_draw)
    return parser


def _delegate(args: argparse.Namespace) -> int:
    """Run autograd_mini.demo or .explain, imported only when asked for, with its own options."""
    module = importlib.import_module(f".{args.command}", __package__)
    return module.main(module.build_parser().parse_args(args.rest))


def _draw(args: argparse.Namespace) -> int:
    from . import viz

    try:
        tree = expression.parse(args.expression)
        values = _variables(args.rest)
        names = expression.variables(tree)
        missing = [name for name in names if name not in values]
        if missing:
            raise expression.ExpressionError(
                "no value for " + ", ".join(f"{n} (give --{n} VALUE)" for n in missing)
            )
        unused = [name for name in values if name not in names]
        if unused:
            raise expression.ExpressionError(
                f"--{unused[0]} is not used in the expression {args.expression!r}"
            )
        leaves = {n: Tensor(values[n], requires_grad=True, name=n) for n in names}
        result = expression.evaluate(tree, leaves)
        if not isinstance(result, Tensor) or not result.requires_grad:
            raise expression.ExpressionError("the expression does not depend on its variables")
        root = result if result.size == 1 else result.sum()
        root.backward(retain_graph=True)  # keep the graph: the drawing shows its values
    except (ValueError, TypeError) as error:  # refused expressions, bad values, shape errors
        print(f"autograd-mini draw: error: {error}", file=sys.stderr)
        return 2
    try:
        path = viz.render(
            root, args.output, format=args.format, renderer=args.renderer,
            rules=args.rules, order=args.order, precision=args.precision,
        )  # fmt: skip
    except (RuntimeError, ValueError) as error:  # no renderer, or a format it cannot write
        print(f"autograd-mini draw: error: {error}", file=sys.stderr)
        return 1
    print(_summary(args.expression, result, root, leaves, path))
    return 0


def _variables(tokens: list[str]) -> dict[str, np.ndarray]:
    """{name: value} from `--name VALUE` and `--name=VALUE` tokens. The names of draw's own
    options (output, format, renderer, rules, order, precision) cannot be variables."""
    values: dict[str, np.ndarray] = {}
    tokens = list(tokens)
    while tokens:
        token = tokens.pop(0)
        name, _, text = token[2:].partition("=")
        if "=" not in token:
            text = tokens.pop(0)
        if not text:
            raise expression.ExpressionError(f"--{name} needs a value")
        if not name.isidentifier() or name.startswith("_") or name in expression.FUNCTIONS:
            raise expression.ExpressionError(f"{name!r} cannot be a variable name")
        if name in values:
            raise expression.ExpressionError(f"--{name} given twice")
        values[name] = expression.parse_value(text)
    return values


def _summary(text: str, result: Tensor, root: Tensor, leaves: dict, path: object) -> str:
    value = _short(result.data)
    grads = ", ".join(f"{n} = {_short(t.grad.data)}" for n, t in leaves.items())
    summed = "" if root is result else " (gradients of its sum)"
    return f"{text} = {value}{summed} | grad: {grads} | wrote {path}"


def _short(a: np.ndarray) -> str:
    if a.size > 8:
        return f"array of shape {a.shape}, norm {np.linalg.norm(a):.6g}"
    text = np.array2string(a, separator=", ", formatter={"all": lambda v: f"{v:.6g}"})
    return " ".join(line.strip() for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
