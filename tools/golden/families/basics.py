"""Cases for ops of the first API that the original groups did not reach (casts, clamp, the
trigonometric and error functions, argmin, expand, select, narrow)."""

import torch

from golden_lib import ERF_TOL, ints, method, pos, rn

GROUP = "basics"


def cases():
    M = lambda name, meth, mk, tol=None: method(GROUP, name, meth, mk, tol)  # noqa: E731
    M("sin", "sin", lambda: (rn(3, 4) * 3, [], {}))
    M("cos", "cos", lambda: (rn(3, 4) * 3, [], {}))
    M("erf", "erf", lambda: (rn(3, 4) * 2, [], {}), ERF_TOL)
    M("rsqrt", "rsqrt", lambda: (pos(3, 4), [], {}))
    M("clamp_both", "clamp", lambda: (rn(3, 4) * 2, [-0.5, 0.75], {}))
    M("clamp_min_only", "clamp", lambda: (rn(3, 4), [0.1], {}))
    M("clamp_int", "clamp", lambda: (ints(2, 5), [-2, 3], {}))
    M("argmin_dim", "argmin", lambda: (rn(3, 5), [1], {}))
    M("argmin_all", "argmin", lambda: (rn(3, 5), [], {}))
    M("expand_row", "expand", lambda: (rn(1, 4), [3, 4], {}))
    M("expand_keep_dim", "expand", lambda: (rn(2, 1, 3), [2, 5, -1], {}))
    M("select_middle", "select", lambda: (rn(2, 3, 4), [1, 2], {}))
    M("select_negative_index", "select", lambda: (rn(3, 4), [0, -1], {}))
    M("narrow", "narrow", lambda: (rn(2, 6), [1, 2, 3], {}))
    M("int_truncates", "int", lambda: (rn(3, 4) * 3, [], {}))
    M("float_from_int", "float", lambda: (ints(3, 4), [], {}))
    M("bool_from_float", "bool", lambda: (torch.tensor([0.0, 1.5, -2.0, 0.0]), [], {}))
