"""Reductions, scans, sorting and the similarity functions added with the op records
(ops/statistics.ts, scan.ts, sorting.ts, functional/similarity.ts)."""

import torch

from golden_lib import acc_tol, fn, ints, method, pos, rn

GROUP = "reductions"


def distinct(*shape):
    """Values with no ties, so that sort and topk order (and their indices) are unambiguous."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).float() * 0.37 - n * 0.15).reshape(shape)


def cases():
    M = lambda name, meth, mk, tol=None: method(GROUP, name, meth, mk, tol)  # noqa: E731
    Fn = lambda name, path, mk, compute=None, tol=None: fn(GROUP, name, path, mk, compute, tol)  # noqa: E731

    M("prod_all", "prod", lambda: (pos(2, 3, lo=0.5, hi=1.5), [], {}))
    M("prod_dim", "prod", lambda: (rn(3, 4), [1], {}))
    M("prod_dim_keepdim_int", "prod", lambda: (ints(2, 3, lo=-3, hi=4), [0], {"keepdim": True}))
    M("amax_dims", "amax", lambda: (rn(2, 3, 4), [[0, 2]], {}))
    M("amin_dim_keepdim", "amin", lambda: (rn(3, 4), [-1], {"keepdim": True}))
    M("logsumexp", "logsumexp", lambda: (rn(3, 5) * 10, [1], {}))
    M("logsumexp_keepdim", "logsumexp", lambda: (rn(2, 3, 4), [[1, 2]], {"keepdim": True}))
    M("any_all", "any", lambda: (torch.rand(3, 4) > 0.8, [], {}))
    M("any_dim_floats", "any", lambda: (torch.tensor([[0.0, 0.0], [0.0, 2.0]]), [1], {}))
    M("all_dim", "all", lambda: (torch.rand(3, 4) > 0.2, [0], {}))
    M("var_all", "var", lambda: (rn(4, 5), [], {}))
    M("var_dim_biased", "var", lambda: (rn(4, 5), [1], {"unbiased": False}))
    M("var_dim_keepdim", "var", lambda: (rn(2, 3, 4), [[0, 2]], {"keepdim": True}))
    M("std_all", "std", lambda: (rn(4, 5) * 3, [], {}))
    M("std_dim", "std", lambda: (rn(4, 5), [0], {}))
    M("std_biased_keepdim", "std", lambda: (rn(3, 6), [-1], {"unbiased": False, "keepdim": True}))
    M("norm_fro", "norm", lambda: (rn(3, 4), [], {}))
    M("norm_p1_dim", "norm", lambda: (rn(3, 4), [1, 1], {}))
    M("norm_p2_dim_keepdim", "norm", lambda: (rn(3, 4), [2, 0], {"keepdim": True}))
    M("norm_p3", "norm", lambda: (rn(3, 4), [3], {}))
    M("cumsum", "cumsum", lambda: (rn(3, 5), [1], {}))
    M("cumsum_dim0_int", "cumsum", lambda: (ints(4, 2), [0], {}))
    M("cumsum_bool", "cumsum", lambda: (torch.rand(6) > 0.5, [0], {}))
    M("cumprod", "cumprod", lambda: (pos(2, 5, lo=0.5, hi=1.5), [-1], {}))
    M("cumprod_dim0", "cumprod", lambda: (rn(3, 2), [0], {}))
    M("topk", "topk", lambda: (distinct(3, 6), [2], {}))
    M("topk_smallest_dim0", "topk", lambda: (distinct(5, 3), [3], {"dim": 0, "largest": False}))
    M("topk_int", "topk", lambda: (torch.randperm(10).reshape(2, 5), [3], {}))
    M("sort", "sort", lambda: (distinct(3, 5), [], {}))
    M("sort_descending_dim0", "sort", lambda: (distinct(4, 3), [], {"dim": 0, "descending": True}))
    M("argsort", "argsort", lambda: (distinct(2, 6), [], {}))
    M("argsort_descending", "argsort", lambda: (distinct(2, 6), [], {"descending": True}))

    Fn("cosine_similarity", "F.cosine_similarity", lambda: ([rn(4, 8), rn(4, 8)], {}), tol=acc_tol(8))
    Fn("cosine_similarity_dim_broadcast", "F.cosine_similarity", lambda: ([rn(2, 3, 5), rn(1, 3, 5)], {"dim": -1}), tol=acc_tol(5))
    Fn("one_hot", "F.one_hot", lambda: ([torch.tensor([0, 3, 1, 2])], {}))
    Fn("one_hot_num_classes", "F.one_hot", lambda: ([torch.tensor([[0, 2], [1, 1]]), 4], {}))
