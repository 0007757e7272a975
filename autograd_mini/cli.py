"""The `autograd-mini` command: `demo`, `explain`, and `draw` an expression's graph to a file.

    autograd-mini draw "tanh(x*w + b)" --x 2 --w -3 --b 6.8813735870195432 -o neuron.svg
    autograd-mini draw "tanh(x*w + b)" --x 2 --w -3 --b 6.88 --html neuron.html  # step through

Variables are given as `--name VALUE` (a number or a list such as "[1, 2, 3]") and become leaf
tensors that require grad, named after the variable. The expression is checked and evaluated by
autograd_mini.expression (never by eval), a backward pass computes the gradients (of the sum, if
the result is not a scalar), and the graph is written with values and adjoints on every node;
`--html PAGE` writes the page that steps through the backward pass instead (or as well, with -o).

Exit status: 0 done; 1 failed (a file that cannot be written, no renderer for the format);
2 usage error (an unknown option, a wrong value). Every error is one line on stderr that names the
option or value and what to do. `python -m autograd_mini` is the same command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import numpy as np

from . import __version__, expression
from .tensor import Tensor

# draw's own options; any other --name is a variable
VALUED = (
    "-o", "--output", "--html", "--format", "--renderer", "--precision", "--max-elements",
    "--max-nodes", "--dpi",
)  # fmt: skip
FLAGS = ("--rules", "--order", "-h", "--help")
SUM_NAME = "sum of the result (for the gradients)"  # the box of the Σ draw adds
MAX_ELEMENTS = 1_000_000  # draw: elements of any value the expression makes, unless raised
MAX_PRECISION = 17  # significant digits that a float64 holds
# explain: finite differences run two forward passes per weight and bias, so keep it small
MAX_EXPLAIN_PARAMETERS = 10_000
MAX_EXPLAIN_BATCH = 1000


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr, then exit status 2."""

    def error(self, message: str) -> NoReturn:
        _one_line_error(self, message)


def _one_line_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(2, f"{parser.prog}: error: {message} (see {parser.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `autograd-mini` command; the exit status: 0 done, 1 failed, 2 usage error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    rest: list[str] = []
    if argv[:1] == ["draw"]:
        argv, rest = _split_variables(argv)
    elif argv[:1] in (["demo"], ["explain"]):  # their options belong to their own parsers
        argv, rest = argv[:1], argv[1:]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("give a command: demo, draw or explain")
    args.rest = rest
    try:
        status: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, not as a message at interpreter exit
        return status
    except KeyboardInterrupt:
        print(f"autograd-mini {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `autograd-mini explain | head -1`: nobody reads the rest
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _split_variables(argv: list[str]) -> tuple[list[str], list[str]]:
    """Take the `--name VALUE` variables out of a draw command line, wherever they stand, so
    that argparse sees only draw's own options (and a value like -3 is never an option)."""
    kept: list[str] = []
    variables: list[str] = []
    tail: list[str] = []
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
    parser = Parser(
        prog="autograd-mini", description="A minimal reverse-mode autodiff engine on NumPy."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
    draw.add_argument(
        "-o", "--output", help="file to write (graph.svg, unless only --html is given)"
    )
    draw.add_argument(
        "--html",
        metavar="PAGE",
        help="also write an HTML page that steps through the backward pass (opens offline)",
    )
    draw.add_argument("--format", help="svg, png, pdf or dot (default: from the file's suffix)")
    draw.add_argument(
        "--renderer",
        choices=("auto", "dot", "graphviz-pure"),
        help="the program that lays the graph out (default: $AUTOGRAD_MINI_DOT, else dot if "
        "installed, else graphviz-pure)",
    )
    draw.add_argument(
        "--dpi",
        type=_int_between(1, 2400),
        default=200,
        help="pixels per inch of a PNG or JPEG (200)",
    )
    draw.add_argument("--rules", action="store_true", help="show each op's derivative rule")
    draw.add_argument("--order", action="store_true", help="number the backward steps")
    draw.add_argument(
        "--precision",
        type=_int_between(1, MAX_PRECISION),
        default=4,
        help=f"significant digits, 1 to {MAX_PRECISION} (4)",
    )
    draw.add_argument(
        "--max-elements",
        type=_int_between(1, None),
        default=MAX_ELEMENTS,
        metavar="N",
        help=f"refuse any value of the expression with more elements ({MAX_ELEMENTS:,})",
    )
    draw.add_argument(
        "--max-nodes",
        type=_int_between(1, None),
        default=None,
        metavar="N",
        help="refuse a graph whose layout would place more nodes (default: viz.MAX_NODES)",
    )
    draw.set_defaults(run=_draw)
    return parser


def _int_between(low: int, high: int | None) -> Callable[[str], int]:
    """An argparse type: an integer from low to high (no upper bound if None)."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low or (high is not None and value > high):
            bound = f"at least {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    convert.__name__ = "integer"  # argparse names the type in its own messages
    return convert


def _delegate(args: argparse.Namespace) -> int:
    """Run autograd_mini.demo or .explain, imported only when asked for, with its own options,
    checked here first: a wrong value is a one-line usage error, not a traceback from inside."""
    module = importlib.import_module(f".{args.command}", __package__)
    parser: argparse.ArgumentParser = module.build_parser()
    # replaced on this one parser: its usage errors take one line (mypy refuses any method assigned)
    parser.error = lambda message: _one_line_error(parser, message)  # type: ignore[method-assign]
    options = parser.parse_args(args.rest)
    problem = CHECKS[args.command](options)
    if problem:
        parser.error(problem)
    try:
        status: int = module.main(options)
        return status
    except BrokenPipeError:
        raise  # main() ends quietly: the reader of the output went away
    except (ValueError, TypeError, OSError, MemoryError) as error:
        writes = isinstance(error, OSError) and hasattr(options, "out_dir")
        hint = "; check --out-dir" if writes else ""
        print(f"autograd-mini {args.command}: error: {_reason(error)}{hint}", file=sys.stderr)
        return 1


def _reason(error: BaseException) -> str:
    """An exception as one line: its message, or its type when the message is empty."""
    text = " ".join(str(error).split())
    if isinstance(error, OSError) and error.filename is not None:
        text = f"cannot write {error.filename!r}: {error.strerror}"
    return text or type(error).__name__


def _check_demo(options: argparse.Namespace) -> str | None:
    """The first wrong value among demo's options, described, or None."""
    epochs, seed = getattr(options, "epochs", None), getattr(options, "seed", None)
    out_dir = getattr(options, "out_dir", None)
    if epochs is not None and epochs < 1:
        return f"argument --epochs: must be at least 1, got {epochs}"
    if seed is not None and seed < 0:
        return f"argument --seed: must be at least 0, got {seed}"
    if out_dir is not None and os.path.exists(out_dir) and not os.path.isdir(out_dir):
        return f"argument --out-dir: {out_dir!r} is a file, not a directory; give a directory"
    return None


def _check_explain(options: argparse.Namespace) -> str | None:
    """The first wrong value among explain's options, described, or None."""
    sizes, seed = getattr(options, "sizes", None), getattr(options, "seed", None)
    batch = getattr(options, "batch", None)
    if seed is not None and seed < 0:
        return f"argument --seed: must be at least 0, got {seed}"
    if batch is not None and not 1 <= batch <= MAX_EXPLAIN_BATCH:
        return f"argument --batch: must be from 1 to {MAX_EXPLAIN_BATCH}, got {batch}"
    if sizes is not None:
        shown = " ".join(map(str, sizes))
        if len(sizes) < 2 or min(sizes) < 1:
            return (
                f"argument --sizes: {shown} is not a network; give the input size, any hidden "
                "sizes and the output size, each at least 1 (e.g. --sizes 3 3 1)"
            )
        parameters = sum((n + 1) * m for n, m in zip(sizes[:-1], sizes[1:], strict=True))
        if parameters > MAX_EXPLAIN_PARAMETERS:
            return (
                f"argument --sizes: {shown} has {parameters:,} weights and biases; explain "
                f"checks each by finite differences, so at most {MAX_EXPLAIN_PARAMETERS:,}"
            )
    return None


CHECKS: dict[str, Callable[[argparse.Namespace], str | None]] = {
    "demo": _check_demo,
    "explain": _check_explain,
}


def _draw(args: argparse.Namespace) -> int:
    from . import viz

    if args.output is None and args.html is None:
        args.output = "graph.svg"
    for option, output in (("-o/--output", args.output), ("--html", args.html)):
        problem = None if output is None else _output_problem(output)
        if problem:
            print(f"autograd-mini draw: error: argument {option}: {problem}", file=sys.stderr)
            return 2
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
        result = expression.evaluate(tree, leaves, max_elements=args.max_elements)
        if not isinstance(result, Tensor) or not result.requires_grad:
            raise expression.ExpressionError("the expression does not depend on its variables")
        root = result if result.size == 1 else result.sum()
        if root is not result:
            root.name = SUM_NAME  # the drawing says where this box came from
        root.backward(retain_graph=True)  # keep the graph: the drawing shows its values
    except expression.TooLargeError as error:
        print(
            f"autograd-mini draw: error: {error}; raise it with --max-elements N",
            file=sys.stderr,
        )
        return 2
    except (ValueError, TypeError) as error:  # refused expressions, bad values, shape errors
        print(f"autograd-mini draw: error: {_reason(error)}", file=sys.stderr)
        return 2
    except MemoryError:
        print(
            "autograd-mini draw: error: out of memory; lower --max-elements or use smaller values",
            file=sys.stderr,
        )
        return 1
    limit = {} if args.max_nodes is None else {"max_nodes": args.max_nodes}
    written = []
    try:
        if args.output is not None:
            written.append(viz.render(
                root, args.output, format=args.format, renderer=args.renderer, dpi=args.dpi,
                rules=args.rules, order=args.order, precision=args.precision, **limit,
            ))  # fmt: skip
        if args.html is not None:
            written.append(viz.backward_page(
                root, args.html, renderer=args.renderer, precision=args.precision,
                title=f"The backward pass of {args.expression}", **limit,
            ))  # fmt: skip
    except (RuntimeError, ValueError, OSError) as error:  # no renderer, a format, the disk
        hint = "; check -o/--output and --html" if isinstance(error, OSError) else ""
        if isinstance(error, viz.GraphTooLarge):
            hint = "; raise the limit with --max-nodes N"
        print(f"autograd-mini draw: error: {_reason(error)}{hint}", file=sys.stderr)
        return 1
    print(_summary(args.expression, result, root, leaves, " and ".join(map(str, written))))
    return 0


def _output_problem(output: str) -> str | None:
    """Why draw could not write `output`, found before any work is done, or None."""
    folder, name = os.path.split(output)
    if not name or name in (".", ".."):
        return f"{output!r} is not a file name; give one such as graph.svg"
    if os.path.isdir(output):
        return f"{output!r} is a directory; give a file name such as {output}/graph.svg"
    if folder and os.path.exists(folder) and not os.path.isdir(folder):
        return f"{folder!r} is a file, not a directory; give a path in a directory"
    if folder and not os.path.isdir(folder):
        return f"the directory {folder!r} does not exist; create it first or write elsewhere"
    return None


def _variables(tokens: list[str]) -> dict[str, np.ndarray]:
    """{name: value} from `--name VALUE` and `--name=VALUE` tokens. The names of draw's own
    options (output, format, renderer, rules, order, precision, max-elements) cannot be
    variables."""
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


def _summary(
    text: str, result: Tensor, root: Tensor, leaves: dict[str, Tensor], path: object
) -> str:
    value = _short(result.data)
    grads = ", ".join(f"{n} = {_short(_grad(t))}" for n, t in leaves.items())
    summed = "" if root is result else " (gradients of its sum)"
    return f"{text} = {value}{summed} | grad: {grads} | wrote {path}"


def _grad(leaf: Tensor) -> np.ndarray:
    # every variable is used (draw refuses the others), so backward() reached it
    assert leaf.grad is not None
    return leaf.grad.data


def _short(a: np.ndarray) -> str:
    if a.size > 8:
        return f"array of shape {a.shape}, norm {np.linalg.norm(a):.6g}"
    text = np.array2string(a, separator=", ", formatter={"all": lambda v: f"{v:.6g}"})
    return " ".join(line.strip() for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
