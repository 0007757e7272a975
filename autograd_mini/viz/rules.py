"""What an op node says: its symbol, the names of its arguments, and its derivative rule.

Keyed by the primitive's name in ops.py. The rules are the same ones ops.py implements, written
for a reader: `g` is the adjoint arriving from the output, `ans` the op's output.
"""

from __future__ import annotations

# fmt: off
SYMBOLS: dict[str, str] = {
    "add": "+",                "subtract": "−",           "multiply": "×",
    "divide": "÷",             "power": "^",              "matmul": "@",
    "linear": "xWᵀ+b",         "maximum": "max",          "minimum": "min",
    "negative": "−x",          "exp": "exp",              "log": "log",
    "sqrt": "√",               "absolute": "|x|",         "sign": "sign",
    "sin": "sin",              "cos": "cos",              "tanh": "tanh",
    "sigmoid": "σ",            "relu": "ReLU",            "leaky_relu": "LReLU",
    "softplus": "softplus",    "clip": "clip",            "astype": "astype",
    "where": "where",          "sum": "Σ",                "max": "max",
    "min": "min",              "logsumexp": "logΣexp",    "softmax": "softmax",
    "reshape": "reshape",      "transpose": "ᵀ",          "swapaxes": "swap",
    "broadcast_to": "bcast",   "sum_to": "Σ to",          "getitem": "[ ]",
    "scatter_add": "scatter",  "concatenate": "concat",    "stack": "stack",
    "softmax_cross_entropy": "CE(softmax)",                   "setitem": "[ ]=",
}

RULES: dict[str, str] = {
    "add":          "∂/∂x (x + y) = 1,  ∂/∂y = 1",
    "subtract":     "∂/∂x (x − y) = 1,  ∂/∂y = −1",
    "multiply":     "∂/∂x (x·y) = y,  ∂/∂y = x",
    "divide":       "∂/∂x (x/y) = 1/y,  ∂/∂y = −x/y²",
    "power":        "∂/∂x xʸ = y·xʸ⁻¹,  ∂/∂y = xʸ·ln x",
    "matmul":       "∂E/∂X = G·Yᵀ,  ∂E/∂Y = Xᵀ·G",
    "linear":       "∂E/∂x = G·W,  ∂E/∂W = Gᵀ·x,  ∂E/∂b = Σ G",
    "maximum":      "∂/∂x max(x, y) = [x > y]  (½ on ties)",
    "minimum":      "∂/∂x min(x, y) = [x < y]  (½ on ties)",
    "negative":     "∂/∂x (−x) = −1",
    "exp":          "∂/∂x eˣ = eˣ",
    "log":          "∂/∂x ln x = 1/x",
    "sqrt":         "∂/∂x √x = 1/(2√x)",
    "absolute":     "∂/∂x |x| = sign(x)",
    "sign":         "∂/∂x sign(x) = 0",
    "sin":          "∂/∂x sin x = cos x",
    "cos":          "∂/∂x cos x = −sin x",
    "tanh":         "∂/∂x tanh(x) = 1 − tanh²(x)",
    "sigmoid":      "∂/∂x σ(x) = σ(x)(1 − σ(x))",
    "relu":         "∂/∂x relu(x) = [x > 0]",
    "leaky_relu":   "∂/∂x lrelu(x) = 1 if x > 0 else slope",
    "softplus":     "∂/∂x ln(1 + eˣ) = σ(x)",
    "clip":         "∂/∂x clip(x, a, b) = [a ≤ x ≤ b]",
    "astype":       "adjoint cast back to x's dtype",
    "where":        "∂/∂x = [c],  ∂/∂y = [not c]",
    "sum":          "∂/∂xᵢ Σ x = 1: g broadcast back",
    "max":          "∂/∂xᵢ max x = [xᵢ = max]  (ties split)",
    "min":          "∂/∂xᵢ min x = [xᵢ = min]  (ties split)",
    "logsumexp":    "∂/∂x logΣexp(x) = softmax(x)",
    "softmax":      "∂E/∂x = s ⊙ (g − Σ g⊙s),  s = softmax(x)",
    "softmax_cross_entropy": "∂/∂x −log softmax(x)[t] = softmax(x) − onehot(t)",
    "reshape":      "g reshaped back to x's shape",
    "transpose":    "g transposed back",
    "swapaxes":     "g with the axes swapped back",
    "broadcast_to": "g summed over the broadcast axes",
    "sum_to":       "g broadcast back",
    "getitem":      "g scatter-added into zeros of x's shape",
    "scatter_add":  "g gathered at the index",
    "setitem":      "∂/∂x = g, 0 where overwritten,  ∂/∂v = g at the index",
    "concatenate":  "g sliced back into the pieces",
    "stack":        "g indexed back into the pieces",
}
# fmt: on

# Argument names shown on the edges of ops whose inputs are not interchangeable.
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "subtract": ("x", "y"),
    "divide": ("x", "y"),
    "power": ("x", "y"),
    "matmul": ("X", "Y"),
    "linear": ("x", "W", "b"),
    "where": ("c", "x", "y"),
    "setitem": ("x", "v"),
}


def symbol(name: str) -> str:
    return SYMBOLS.get(name, name)


def rule(name: str) -> str | None:
    return RULES.get(name)


def argument(name: str, i: int) -> str | None:
    """The label of input `i`'s edge: a name for non-commuting ops, a position for joins."""
    if name in ("concatenate", "stack"):
        return str(i)
    names = ARGUMENTS.get(name)
    return names[i] if names and i < len(names) else None
