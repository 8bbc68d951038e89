"""Creation functions added with the op records: the *_like family (ops on their input, so a
graph follows its shape), eye, linspace and empty. The random samplers cannot be compared value
by value with torch; engine/api/sampling.test.ts checks their statistics instead."""

import torch

from golden_lib import fn, ints, rn

GROUP = "creation_like"


def with_dtype(f):
    """Calls f with the fixture's dtype string turned into torch's dtype."""
    def call(*args, **kw):
        if "dtype" in kw:
            kw = dict(kw, dtype=getattr(torch, kw["dtype"]))
        return f(*args, **kw)
    return call


def cases():
    Fn = lambda name, path, mk, compute=None: fn(GROUP, name, path, mk, compute)  # noqa: E731
    Fn("zeros_like", "zeros_like", lambda: ([rn(2, 3)], {}))
    Fn("ones_like_int", "ones_like", lambda: ([ints(3, 2)], {}))
    Fn("ones_like_dtype", "ones_like", lambda: ([ints(2, 2)], {"dtype": "float32"}), with_dtype(torch.ones_like))
    Fn("full_like", "full_like", lambda: ([rn(2, 4), 2.5], {}))
    Fn("full_like_bool", "full_like", lambda: ([rn(3), True], {}))
    Fn("eye_square", "eye", lambda: ([3], {}))
    Fn("eye_rect", "eye", lambda: ([2, 4], {}))
    Fn("linspace", "linspace", lambda: ([-1.0, 1.0, 5], {}))
    Fn("linspace_fractional", "linspace", lambda: ([0.5, 3.25, 12], {}))
    Fn("linspace_one_step", "linspace", lambda: ([2.0, 9.0, 1], {}))
    # PyTorch's empty is uninitialized memory; Tandem's is zeros, compared as such.
    Fn("empty", "empty", lambda: ([[2, 3]], {}), lambda size: torch.zeros(size))
