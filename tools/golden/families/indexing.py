"""Masking, selection and rearranging: masked_fill, where as a method, gather, scatter, scatter_add,
index_select, take_along_dim, tril, triu, flip, roll, repeat, repeat_interleave, the *_as forms,
unflatten, movedim, clone, detach, einsum, bmm, baddbmm and outer."""

import torch

from golden_lib import acc_tol, fn, ints, method, rn

GROUP = "indexing"


def idx(*shape, hi):
    return torch.randint(0, hi, shape)


def cases():
    M = lambda name, meth, mk, tol=None: method(GROUP, name, meth, mk, tol)  # noqa: E731
    Fn = lambda name, path, mk, tol=None: fn(GROUP, name, path, mk, tol=tol)  # noqa: E731

    # --- masking
    M("masked_fill_number", "masked_fill", lambda: (rn(3, 4), [rn(3, 4) > 0, -1e9], {}))
    M("masked_fill_broadcast_mask", "masked_fill", lambda: (rn(2, 3, 4), [torch.tensor([True, False, False, True]), 0.5], {}))
    M("masked_fill_mask_widens", "masked_fill", lambda: (rn(3, 4), [rn(2, 3, 4) > 0, 2.0], {}))
    M("masked_fill_0d_tensor", "masked_fill", lambda: (rn(3, 4), [rn(3, 4) > 0, torch.tensor(7.5)], {}))
    M("masked_fill_int_truncates", "masked_fill", lambda: (ints(2, 5), [ints(2, 5) > 0, 2.7], {}))
    M("masked_fill_causal", "masked_fill", lambda: (rn(4, 4), [torch.tril(torch.ones(4, 4)) == 0, -1e4], {}))
    Fn("masked_fill_fn", "masked_fill", lambda: ([rn(2, 3), rn(2, 3) > 0, 0.0], {}))
    M("where_method", "where", lambda: (rn(3, 4), [rn(3, 4) > 0, rn(3, 4)], {}))
    M("where_method_bool", "where", lambda: (rn(2, 4) > 0, [rn(2, 4) > 0, rn(2, 4) > 0], {}))
    M("where_method_broadcast", "where", lambda: (rn(2, 3), [torch.tensor([True, False, True]), rn(2, 1)], {}))

    # --- triangles
    M("tril", "tril", lambda: (rn(4, 5), [], {}))
    M("tril_positive_diagonal", "tril", lambda: (rn(4, 5), [], {"diagonal": 1}))
    M("tril_negative_diagonal_batched", "tril", lambda: (rn(2, 4, 4), [], {"diagonal": -1}))
    M("triu", "triu", lambda: (rn(5, 4), [], {}))
    M("triu_diagonal_batched", "triu", lambda: (rn(2, 3, 4), [], {"diagonal": 2}))
    M("triu_int", "triu", lambda: (ints(4, 4), [], {}))
    M("tril_bool", "tril", lambda: (torch.ones(3, 4, dtype=torch.bool), [], {}))
    Fn("tril_ones", "tril", lambda: ([torch.ones(5, 5)], {}))
    Fn("triu_fn", "triu", lambda: ([rn(3, 3)], {"diagonal": -1}))

    # --- gather / scatter / index_select / take_along_dim
    M("gather_dim1", "gather", lambda: (rn(3, 5), [1, idx(3, 4, hi=5)], {}))
    M("gather_dim0_smaller_index", "gather", lambda: (rn(4, 5), [0, idx(2, 3, hi=4)], {}))
    M("gather_3d_negative_dim", "gather", lambda: (rn(2, 3, 4), [-1, idx(2, 3, 2, hi=4)], {}))
    M("gather_int", "gather", lambda: (ints(3, 4), [1, idx(3, 2, hi=4)], {}))
    Fn("gather_fn", "gather", lambda: ([rn(3, 4), 0, idx(2, 4, hi=3)], {}))
    perm = lambda n, rows: torch.stack([torch.randperm(n) for _ in range(rows)])  # noqa: E731
    M("scatter_src", "scatter", lambda: (rn(3, 5), [1, perm(5, 3)[:, :4], rn(3, 4)], {}))
    M("scatter_src_larger", "scatter", lambda: (rn(4, 3), [0, perm(4, 3).T[:2, :], rn(3, 3)], {}))
    M("scatter_value", "scatter", lambda: (rn(3, 5), [1, perm(5, 3)[:, :2], -2.5], {}))
    M("scatter_bool", "scatter", lambda: (rn(2, 4) > 0, [1, perm(4, 2)[:, :2], rn(2, 2) > 0], {}))
    M("gather_bool", "gather", lambda: (rn(2, 4) > 0, [1, idx(2, 3, hi=4)], {}))
    M("scatter_add", "scatter_add", lambda: (rn(3, 5), [1, idx(3, 6, hi=5), rn(3, 6)], {}))
    M("scatter_add_dim0", "scatter_add", lambda: (torch.zeros(4, 3), [0, idx(5, 3, hi=4), rn(5, 3)], {}))
    M("scatter_add_int", "scatter_add", lambda: (ints(2, 4), [1, idx(2, 3, hi=4), ints(2, 3)], {}))
    Fn("scatter_fn", "scatter", lambda: ([rn(2, 4), 1, perm(4, 2)[:, :3], rn(2, 3)], {}))
    Fn("scatter_add_fn", "scatter_add", lambda: ([rn(3, 3), 0, idx(3, 3, hi=3), rn(3, 3)], {}))
    M("index_select_dim0", "index_select", lambda: (rn(5, 3), [0, idx(4, hi=5)], {}))
    M("index_select_dim1_repeats", "index_select", lambda: (rn(2, 6, 2), [1, torch.tensor([5, 0, 0, 3])], {}))
    M("index_select_bool", "index_select", lambda: (rn(4, 3) > 0, [-1, torch.tensor([2, 1])], {}))
    M("index_select_0d_index", "index_select", lambda: (rn(3, 4), [1, torch.tensor(2)], {}))
    M("gather_1d", "gather", lambda: (rn(5), [0, torch.tensor([4, 0, 4])], {}))
    Fn("index_select_fn", "index_select", lambda: ([rn(3, 4), 1, torch.tensor([3, 1])], {}))
    Fn("take_along_dim_argmax", "take_along_dim", lambda: ([rn(3, 5), idx(3, 1, hi=5), 1], {}))
    Fn("take_along_dim_broadcast", "take_along_dim", lambda: ([rn(2, 1, 4), idx(1, 3, 2, hi=4), 2], {}))
    Fn("take_along_dim_dim_keyword", "take_along_dim", lambda: ([rn(3, 5), idx(3, 2, hi=5)], {"dim": 1}))
    Fn("take_along_dim_flat", "take_along_dim", lambda: ([rn(3, 4), idx(5, hi=12)], {}))
    M("take_along_dim_method", "take_along_dim", lambda: (rn(4, 3), [idx(2, 3, hi=4), 0], {}))

    # --- rearranging
    M("flip_one", "flip", lambda: (rn(3, 4), [[1]], {}))
    M("flip_two", "flip", lambda: (rn(2, 3, 4), [[0, -1]], {}))
    M("flip_bool", "flip", lambda: (rn(3, 4) > 0, [[0, 1]], {}))
    M("roll_bool", "roll", lambda: (rn(3, 4) > 0, [1, 1], {}))
    M("repeat_interleave_bool", "repeat_interleave", lambda: (rn(2, 2) > 0, [2], {"dim": 0}))
    Fn("flip_fn", "flip", lambda: ([ints(4, 3), [0]], {}))
    M("roll_dim", "roll", lambda: (rn(3, 5), [2, 1], {}))
    M("roll_negative", "roll", lambda: (rn(4, 3), [-1, 0], {}))
    M("roll_two_dims", "roll", lambda: (rn(3, 4, 2), [[1, -3], [0, 1]], {}))
    M("roll_flat", "roll", lambda: (rn(3, 4), [5], {}))
    M("roll_dims_keyword", "roll", lambda: (rn(3, 4), [-2], {"dims": 1}))
    Fn("roll_fn_large_shift", "roll", lambda: ([rn(6), 13, 0], {}))
    M("repeat_same_rank", "repeat", lambda: (rn(2, 3), [2, 2], {}))
    M("repeat_new_dims", "repeat", lambda: (rn(3), [2, 1, 2], {}))
    M("repeat_bool", "repeat", lambda: (rn(2, 2) > 0, [1, 3], {}))
    M("repeat_interleave_dim", "repeat_interleave", lambda: (rn(2, 3), [2], {"dim": 1}))
    M("repeat_interleave_dim0", "repeat_interleave", lambda: (rn(2, 3), [3], {"dim": 0}))
    M("repeat_interleave_flat", "repeat_interleave", lambda: (rn(2, 3), [2], {}))
    Fn("repeat_interleave_fn", "repeat_interleave", lambda: ([ints(4), 2], {"dim": -1}))
    M("expand_as", "expand_as", lambda: (rn(3, 1), [rn(2, 3, 4)], {}))
    M("view_as", "view_as", lambda: (rn(2, 6), [rn(3, 4)], {}))
    M("reshape_as", "reshape_as", lambda: (rn(12), [rn(2, 2, 3)], {}))
    M("unflatten", "unflatten", lambda: (rn(2, 12), [1, [3, 4]], {}))
    M("unflatten_inferred", "unflatten", lambda: (rn(6, 5), [0, [2, -1]], {}))
    M("movedim_one", "movedim", lambda: (rn(2, 3, 4), [0, -1], {}))
    M("movedim_two", "movedim", lambda: (rn(2, 3, 4, 5), [[0, 1], [3, 0]], {}))
    Fn("movedim_fn", "movedim", lambda: ([rn(2, 3, 4), 2, 0], {}))
    M("clone", "clone", lambda: (rn(3, 4), [], {}))
    M("detach", "detach", lambda: (rn(2, 3), [], {}))
    Fn("clone_fn", "clone", lambda: ([ints(3)], {}))

    # --- products
    Fn("einsum_matmul", "einsum", lambda: (["ij,jk->ik", rn(3, 4), rn(4, 5)], {}), acc_tol(4))
    Fn("einsum_batched", "einsum", lambda: (["bij,bjk->bik", rn(2, 3, 4), rn(2, 4, 5)], {}), acc_tol(4))
    Fn("einsum_attention_scores", "einsum", lambda: (["bhqd,bhkd->bhqk", rn(2, 2, 3, 4), rn(2, 2, 5, 4)], {}), acc_tol(4))
    Fn("einsum_attention_values", "einsum", lambda: (["bhqk,bhkd->bhqd", rn(2, 2, 3, 5), rn(2, 2, 5, 4)], {}), acc_tol(5))
    Fn("einsum_transpose", "einsum", lambda: (["ij->ji", rn(3, 4)], {}))
    Fn("einsum_diagonal", "einsum", lambda: (["ii->i", rn(4, 4)], {}))
    Fn("einsum_trace", "einsum", lambda: (["ii", rn(4, 4)], {}))
    Fn("einsum_sum_all", "einsum", lambda: (["ij->", rn(3, 4)], {}), acc_tol(12))
    Fn("einsum_row_sums", "einsum", lambda: (["ij->i", rn(3, 4)], {}))
    Fn("einsum_outer", "einsum", lambda: (["i,j->ij", rn(3), rn(4)], {}))
    Fn("einsum_implicit_matmul", "einsum", lambda: (["ij,jk", rn(3, 4), rn(4, 2)], {}), acc_tol(4))
    Fn("einsum_implicit_sorted", "einsum", lambda: (["ba,ac", rn(3, 4), rn(4, 2)], {}), acc_tol(4))
    Fn("einsum_dot", "einsum", lambda: (["i,i->", rn(5), rn(5)], {}), acc_tol(5))
    Fn("einsum_hadamard", "einsum", lambda: (["ij,ij->ij", rn(3, 4), rn(3, 4)], {}))
    Fn("einsum_ellipsis", "einsum", lambda: (["...ij,...jk->...ik", rn(2, 3, 4), rn(2, 4, 2)], {}), acc_tol(4))
    Fn("einsum_batch_broadcast", "einsum", lambda: (["bij,bjk->bik", rn(1, 2, 3), rn(4, 3, 2)], {}), acc_tol(3))
    Fn("einsum_operand_list", "einsum", lambda: (["ij,j->i", [rn(3, 4), rn(4)]], {}), acc_tol(4))
    Fn("einsum_ellipsis_one_side", "einsum", lambda: (["...ij,jk->...ik", rn(2, 3, 4), rn(4, 5)], {}), acc_tol(4))
    Fn("einsum_batched_trace", "einsum", lambda: (["bii->b", rn(3, 4, 4)], {}))
    Fn("einsum_diagonal_then_contract", "einsum", lambda: (["iij,jk->ik", rn(3, 3, 4), rn(4, 2)], {}), acc_tol(4))
    Fn("einsum_uppercase_implicit", "einsum", lambda: (["ab,bC", rn(2, 3), rn(3, 4)], {}), acc_tol(3))
    Fn("einsum_three_operands", "einsum", lambda: (["ij,jk,kl->il", rn(2, 3), rn(3, 4), rn(4, 2)], {}), acc_tol(12))
    Fn("einsum_bilinear", "einsum", lambda: (["bn,anm,bm->ba", rn(2, 3), rn(4, 3, 5), rn(2, 5)], {}), acc_tol(15))
    Fn("bmm", "bmm", lambda: ([rn(2, 3, 4), rn(2, 4, 5)], {}), acc_tol(4))
    M("bmm_method", "bmm", lambda: (rn(3, 2, 6), [rn(3, 6, 2)], {}), acc_tol(6))
    Fn("baddbmm", "baddbmm", lambda: ([rn(2, 3, 5), rn(2, 3, 4), rn(2, 4, 5)], {}), acc_tol(4))
    Fn("baddbmm_beta_alpha_broadcast", "baddbmm", lambda: ([rn(3, 5), rn(2, 3, 4), rn(2, 4, 5)], {"beta": 0.5, "alpha": 2.0}), acc_tol(4))
    M("baddbmm_beta_zero", "baddbmm", lambda: (rn(2, 3, 5), [rn(2, 3, 4), rn(2, 4, 5)], {"beta": 0.0}), acc_tol(4))
    Fn("outer", "outer", lambda: ([rn(3), rn(4)], {}))
    M("outer_method", "outer", lambda: (rn(2), [rn(5)], {}))
