"""Elementwise math, logic and activations added with the op records (ops/pointwise.ts,
functional/activations.ts, nn/nonlinear.ts)."""

import torch

from golden_lib import ModSpec, fn, ints, method, module, pos, rn  # noqa: F401

GROUP = "pointwise"

SPECIAL = lambda: torch.tensor([[1.5, float("nan"), -2.0], [float("inf"), -float("inf"), 0.25]])  # noqa: E731


def cases():
    M = lambda name, meth, mk, tol=None: method(GROUP, name, meth, mk, tol)  # noqa: E731
    Fn = lambda name, path, mk, compute=None, tol=None: fn(GROUP, name, path, mk, compute, tol)  # noqa: E731
    Mod = lambda name, ctor, args, kwargs, mk: module(name, ctor, args, kwargs, mk, group=GROUP)  # noqa: E731

    M("square", "square", lambda: (rn(3, 4), [], {}))
    M("square_int", "square", lambda: (ints(5), [], {}))
    M("reciprocal", "reciprocal", lambda: (pos(3, 4), [], {}))
    M("sign", "sign", lambda: (torch.tensor([-2.5, 0.0, 3.0, -0.0, 1e-3]), [], {}))
    M("floor", "floor", lambda: (rn(3, 4) * 4, [], {}))
    M("ceil", "ceil", lambda: (rn(3, 4) * 4, [], {}))
    M("round_halves_to_even", "round", lambda: (torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6]), [], {}))
    M("trunc", "trunc", lambda: (rn(3, 4) * 4, [], {}))
    M("remainder_tensor", "remainder", lambda: (rn(3, 4) * 5, [pos(3, 4) * torch.tensor([1.0, -1.0, 1.0, -1.0])], {}))
    M("remainder_number", "remainder", lambda: (rn(2, 5) * 5, [1.5], {}))
    M("remainder_int", "remainder", lambda: (ints(2, 5, lo=-9, hi=10), [4], {}))
    M("fmod_tensor", "fmod", lambda: (rn(3, 4) * 5, [pos(3, 4)], {}))
    M("fmod_number_negative", "fmod", lambda: (rn(2, 5) * 5, [-1.5], {}))
    bools = lambda *s: torch.rand(*s) > 0.5  # noqa: E731
    M("logical_and", "logical_and", lambda: (bools(3, 4), [bools(3, 4)], {}))
    M("logical_or_broadcast", "logical_or", lambda: (bools(3, 1), [bools(1, 4)], {}))
    M("logical_xor_floats", "logical_xor", lambda: (torch.tensor([0.0, 1.5, -2.0, 0.0]), [torch.tensor([0.0, 0.0, 3.0, 1.0])], {}))
    M("logical_not", "logical_not", lambda: (torch.tensor([0.0, 2.0, -1.0]), [], {}))
    M("isnan", "isnan", lambda: (SPECIAL(), [], {}))
    M("isinf", "isinf", lambda: (SPECIAL(), [], {}))
    # With infinities the default replacements are the dtype's extremes, which the float64 precision check cannot compare.
    M("nan_to_num", "nan_to_num", lambda: (torch.tensor([[1.5, float("nan")], [-2.0, 0.0]]), [], {}))
    M("nan_to_num_values", "nan_to_num", lambda: (SPECIAL(), [], {"nan": 0.5, "posinf": 9.0, "neginf": -9.0}))

    x = lambda: rn(3, 5) * 4  # noqa: E731
    Fn("leaky_relu", "F.leaky_relu", lambda: ([x()], {}))
    Fn("leaky_relu_slope", "F.leaky_relu", lambda: ([x()], {"negative_slope": 0.2}))
    Fn("elu", "F.elu", lambda: ([x()], {}))
    Fn("elu_alpha", "F.elu", lambda: ([x()], {"alpha": 0.5}))
    Fn("relu6", "F.relu6", lambda: ([x() * 2], {}))
    Fn("hardtanh", "F.hardtanh", lambda: ([x()], {"min_val": -2.0, "max_val": 0.5}))
    Fn("hardsigmoid", "F.hardsigmoid", lambda: ([x()], {}))
    Fn("hardswish", "F.hardswish", lambda: ([x()], {}))
    Fn("softplus", "F.softplus", lambda: ([x()], {}))
    Fn("softplus_beta_threshold", "F.softplus", lambda: ([x() * 3], {"beta": 2.0, "threshold": 5.0}))
    Fn("mish", "F.mish", lambda: ([x()], {}))
    Fn("glu_last", "F.glu", lambda: ([rn(3, 6)], {}))
    Fn("glu_dim1", "F.glu", lambda: ([rn(2, 4, 3), 1], {}))

    Mod("LeakyReLU", "nn.LeakyReLU", [0.1], {}, lambda: [x()])
    Mod("ELU", "nn.ELU", [], {"alpha": 0.7}, lambda: [x()])
    Mod("ReLU6", "nn.ReLU6", [], {}, lambda: [x() * 2])
    Mod("Hardswish", "nn.Hardswish", [], {}, lambda: [x()])
    Mod("Hardsigmoid", "nn.Hardsigmoid", [], {}, lambda: [x()])
    Mod("Hardtanh", "nn.Hardtanh", [-0.5, 2.0], {}, lambda: [x()])
    Mod("Mish", "nn.Mish", [], {}, lambda: [x()])
    Mod("Softplus", "nn.Softplus", [], {"beta": 0.5}, lambda: [x()])
    Mod("GLU", "nn.GLU", [], {}, lambda: [rn(2, 8)])
