#!/usr/bin/python3
"""Golden numerics fixtures for the Tandem model API, generated with real PyTorch.

Every case below is run through PyTorch (the reference semantics Tandem mirrors) and
written, together with its inputs and the expected output, to

    engine/test/fixtures/golden/<group>.json      groups: tensor_ops, creation, functional, modules

engine/test/golden.test.ts (via engine/test/golden-harness.ts) replays each case against
the Tandem API on every tfjs backend and compares with the recorded output.

Regenerate (from the repository root, with Debian's python, which has torch):

    /usr/bin/python3 tools/golden/make_fixtures.py

The output is deterministic: each case seeds torch.manual_seed with a CRC of its own name,
so adding or removing a case leaves the others' data unchanged. Commit the JSON files.

Fixture format (see also engine/test/golden-harness.ts):
    { "generator", "torch_version", "cases": [CASE, ...] }
    TENSOR = { "tensor": { "shape": [...], "dtype": "float32"|"int32"|"bool", "data": [flat row-major] } }
             (torch int64 is written as int32, Tandem's integer dtype)
    ARG    = number | boolean | null | string | TENSOR | [ARG, ...]
             | { "module": { "ctor": "nn.Linear", "args": [ARG...], "kwargs": {...} } }   (Sequential children)
    CASE   = fn:     { name, kind: "fn", path, args, kwargs, expected, tol? }
             method: { name, kind: "method", method, self, args, kwargs, expected, tol? }
             module: { name, kind: "module", ctor, args, kwargs, state_dict, inputs, forward_kwargs, expected, tol? }
    OUT    = TENSOR | number | boolean | null | [OUT, ...] | { "values": OUT, "indices": OUT }
    TOL    = { rtol, atol, why }   (absent: rtol 1e-5, atol 1e-6 * max(1, max|expected|); ints/bools exact)

Calling convention (Tandem's): required torch parameters are positional ("args"), optional ones
are keyword ("kwargs", passed as one trailing options object), except dims of
softmax/log_softmax/cat/stack/chunk/split/unsqueeze/squeeze/transpose/flatten/sum/mean/max/min/argmax,
output_size of adaptive pooling, kernel_size of pooling and normalized_shape of layer_norm,
which are positional.

As a sanity check the generator also reruns every case in float64 and warns when torch's own
float32 result is not comfortably inside the case's tolerance (a sign the tolerance is too tight).
"""

import glob
import importlib.util
import json
import os
import sys

import torch

from golden_lib import *  # noqa: F401,F403  (the helpers, registry and torch modules the cases use)


# =========================================================================== tensor_ops

def tensor_ops():
    g = "tensor_ops"
    M = lambda name, meth, mk, tol=None: method(g, name, meth, mk, tol)  # noqa: E731

    # --- binary arithmetic
    M("add_tensor_same_shape", "add", lambda: (rn(3, 4), [rn(3, 4)], {}))
    M("add_broadcast_row_col", "add", lambda: (rn(3, 1), [rn(1, 4)], {}))
    M("add_broadcast_rank", "add", lambda: (rn(2, 3, 4), [rn(4)], {}))
    M("add_number", "add", lambda: (rn(2, 3), [2.5], {}))
    M("add_int_int", "add", lambda: (ints(2, 3), [ints(2, 3)], {}))
    M("add_int_number", "add", lambda: (ints(2, 3), [3], {}))
    M("add_0d_tensor", "add", lambda: (rn(2, 3), [torch.tensor(1.5)], {}))
    M("sub_broadcast", "sub", lambda: (rn(2, 1, 4), [rn(3, 1)], {}))
    M("sub_number", "sub", lambda: (rn(5), [0.75], {}))
    M("sub_int_int", "sub", lambda: (ints(4), [ints(4)], {}))
    M("mul_broadcast", "mul", lambda: (rn(2, 3, 1), [rn(1, 1, 4)], {}))
    M("mul_number", "mul", lambda: (rn(2, 3), [-1.5], {}))
    M("mul_int_int", "mul", lambda: (ints(2, 3), [ints(2, 3)], {}))
    M("mul_int_by_float_number", "mul", lambda: (ints(2, 3), [0.5], {}))  # int * float -> float
    M("div_tensor", "div", lambda: (rn(3, 4), [pos(3, 4)], {}))
    M("div_broadcast", "div", lambda: (rn(2, 3, 4), [pos(3, 1)], {}))
    M("div_number", "div", lambda: (rn(2, 3), [4.0], {}))
    M("div_int_int_true_division", "div", lambda: (ints(2, 3), [torch.tensor([[1, 2, 3], [4, -3, 7]])], {}))
    M("div_int_by_int_number", "div", lambda: (ints(5), [2], {}))
    M("pow_number_square", "pow", lambda: (rn(3, 4), [2], {}))
    M("pow_number_cube_negative_base", "pow", lambda: (torch.tensor([-2.0, -1.5, 0.0, 1.5, 3.0]), [3], {}))
    M("pow_number_sqrt", "pow", lambda: (pos(2, 3), [0.5], {}))
    M("pow_number_negative_exponent", "pow", lambda: (pos(2, 3), [-1.5], {}))
    M("pow_tensor_broadcast", "pow", lambda: (pos(2, 3), [torch.tensor([0.5, 1.0, 2.5])], {}))
    M("pow_int_int", "pow", lambda: (ints(2, 3, lo=-3, hi=4), [2], {}))

    # --- unary
    M("neg", "neg", lambda: (rn(2, 3), [], {}))
    M("neg_int", "neg", lambda: (ints(4), [], {}))
    M("exp", "exp", lambda: (rn(3, 4), [], {}))
    M("log", "log", lambda: (pos(3, 4, lo=0.01, hi=10.0), [], {}))
    M("sqrt", "sqrt", lambda: (pos(3, 4, lo=0.0, hi=10.0), [], {}))
    M("abs", "abs", lambda: (rn(3, 4), [], {}))
    M("abs_int", "abs", lambda: (ints(6), [], {}))
    M("relu", "relu", lambda: (rn(3, 4), [], {}))
    M("sigmoid", "sigmoid", lambda: (rn(3, 4) * 4, [], {}))
    M("tanh", "tanh", lambda: (rn(3, 4) * 2, [], {}))

    # --- matmul (method)
    M("matmul_2d", "matmul", lambda: (rn(3, 4), [rn(4, 5)], {}), acc_tol(4))
    M("matmul_1d_1d_dot", "matmul", lambda: (rn(6), [rn(6)], {}), acc_tol(6))
    M("matmul_1d_2d", "matmul", lambda: (rn(4), [rn(4, 3)], {}), acc_tol(4))
    M("matmul_2d_1d", "matmul", lambda: (rn(3, 4), [rn(4)], {}), acc_tol(4))
    M("matmul_batched_broadcast", "matmul", lambda: (rn(2, 1, 3, 4), [rn(3, 4, 5)], {}), acc_tol(4))
    M("matmul_batched_1d_rhs", "matmul", lambda: (rn(2, 3, 4), [rn(4)], {}), acc_tol(4))

    # --- softmax family
    M("softmax_dim1", "softmax", lambda: (rn(3, 5), [1], {}))
    M("softmax_dim0", "softmax", lambda: (rn(3, 5), [0], {}))
    M("softmax_neg_dim_3d", "softmax", lambda: (rn(2, 3, 4) * 3, [-1], {}))
    M("log_softmax_dim1", "log_softmax", lambda: (rn(3, 5) * 3, [1], {}))
    M("log_softmax_neg_dim", "log_softmax", lambda: (rn(2, 3, 4), [-2], {}))

    # --- reductions
    M("sum_all", "sum", lambda: (rn(3, 4), [], {}))
    M("sum_dim1", "sum", lambda: (rn(3, 4), [1], {}))
    M("sum_dim1_keepdim", "sum", lambda: (rn(3, 4), [1], {"keepdim": True}))
    M("sum_neg_dim", "sum", lambda: (rn(2, 3, 4), [-1], {}))
    M("sum_dim_list", "sum", lambda: (rn(2, 3, 4), [[0, 2]], {}))
    M("sum_dim_list_keepdim", "sum", lambda: (rn(2, 3, 4), [[0, -1]], {"keepdim": True}))
    M("sum_int", "sum", lambda: (ints(3, 4), [], {}))
    M("sum_int_dim", "sum", lambda: (ints(3, 4), [0], {}))
    M("sum_long_row", "sum", lambda: (rn(4, 256), [1], {}),
      acc_tol(256, "float32 sum over 256 elements; summation order differs between backends"))
    M("mean_all", "mean", lambda: (rn(3, 4), [], {}))
    M("mean_dim0", "mean", lambda: (rn(3, 4), [0], {}))
    M("mean_dim_keepdim", "mean", lambda: (rn(2, 3, 4), [1], {"keepdim": True}))
    M("mean_dim_list", "mean", lambda: (rn(2, 3, 4), [[1, 2]], {}))
    M("mean_neg_dim_list_keepdim", "mean", lambda: (rn(2, 3, 4), [[-2, -1]], {"keepdim": True}))

    M("max_all", "max", lambda: (rn(3, 4), [], {}))
    M("max_dim", "max", lambda: (rn(3, 4), [1], {}))
    M("max_dim0", "max", lambda: (rn(3, 4), [0], {}))
    M("max_neg_dim_keepdim", "max", lambda: (rn(2, 3, 4), [-1], {"keepdim": True}))
    M("max_int_dim", "max", lambda: (torch.tensor([[3, -1, 7], [0, 9, 2]]), [1], {}))
    M("min_all", "min", lambda: (rn(3, 4), [], {}))
    M("min_dim", "min", lambda: (rn(3, 4), [1], {}))
    M("min_dim_keepdim", "min", lambda: (rn(2, 3, 4), [1], {"keepdim": True}))
    M("argmax_all", "argmax", lambda: (rn(3, 4), [], {}))
    M("argmax_dim1", "argmax", lambda: (rn(3, 4), [1], {}))
    M("argmax_neg_dim", "argmax", lambda: (rn(2, 3, 4), [-1], {}))
    M("argmax_dim_keepdim", "argmax", lambda: (rn(2, 3, 4), [1], {"keepdim": True}))

    # --- shape ops
    M("reshape_varargs", "reshape", lambda: (rn(2, 6), [3, 4], {}))
    M("reshape_infer", "reshape", lambda: (rn(2, 3, 4), [4, -1], {}))
    M("reshape_flat", "reshape", lambda: (rn(2, 3), [-1], {}))
    M("reshape_list", "reshape", lambda: (rn(2, 6), [[4, 3]], {}))
    M("view_varargs", "view", lambda: (rn(2, 6), [2, 3, 2], {}))
    M("view_infer", "view", lambda: (rn(4, 3), [-1, 6], {}))
    M("flatten_default", "flatten", lambda: (rn(2, 3, 4), [], {}))
    M("flatten_start", "flatten", lambda: (rn(2, 3, 4), [1], {}))
    M("flatten_start_end", "flatten", lambda: (rn(2, 3, 4, 2), [1, 2], {}))
    M("flatten_neg_end", "flatten", lambda: (rn(2, 3, 4), [0, -2], {}))
    M("permute_3d", "permute", lambda: (rn(2, 3, 4), [2, 0, 1], {}))
    M("permute_neg", "permute", lambda: (rn(2, 3, 4), [-1, -3, -2], {}))
    M("transpose_01", "transpose", lambda: (rn(3, 4), [0, 1], {}))
    M("transpose_neg", "transpose", lambda: (rn(2, 3, 4), [0, -1], {}))
    M("unsqueeze_0", "unsqueeze", lambda: (rn(3, 4), [0], {}))
    M("unsqueeze_neg1", "unsqueeze", lambda: (rn(3, 4), [-1], {}))
    M("unsqueeze_middle", "unsqueeze", lambda: (rn(3, 4), [1], {}))
    M("squeeze_all", "squeeze", lambda: (rn(1, 3, 1, 4), [], {}))
    M("squeeze_dim", "squeeze", lambda: (rn(1, 3, 1, 4), [2], {}))
    M("squeeze_neg_dim", "squeeze", lambda: (rn(3, 4, 1), [-1], {}))
    M("squeeze_non_unit_dim_noop", "squeeze", lambda: (rn(1, 3, 4), [1], {}))
    M("contiguous_after_transpose", "contiguous", lambda: (rn(3, 4).t(), [], {}))
    M("chunk_even", "chunk", lambda: (rn(4, 6), [3, 1], {}))
    M("chunk_uneven", "chunk", lambda: (rn(5, 2), [3, 0], {}))
    M("chunk_neg_dim", "chunk", lambda: (rn(2, 3, 4), [2, -1], {}))
    M("split_size", "split", lambda: (rn(5, 3), [2, 0], {}))
    M("split_sizes_list", "split", lambda: (rn(2, 6), [[1, 3, 2], 1], {}))
    M("split_neg_dim", "split", lambda: (rn(2, 3, 4), [3, -1], {}))

    # --- comparisons
    for op in ["gt", "lt", "eq", "ge", "le", "ne"]:
        M(f"{op}_tensor", op, lambda: (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                                       [torch.tensor([[1.0, 3.0, 2.0], [4.0, 4.0, 7.0]])], {}))
        M(f"{op}_number", op, lambda: (torch.tensor([-1.0, 0.5, 2.0, 2.5, 3.0]), [2.0], {}))
    M("gt_broadcast", "gt", lambda: (rn(3, 1), [rn(1, 4)], {}))
    M("eq_int_tensor", "eq", lambda: (torch.tensor([1, 2, 3, 4]), [torch.tensor([1, 0, 3, 5])], {}))
    M("le_int_number", "le", lambda: (torch.tensor([[1, 2], [3, 4]]), [2], {}))

    M("maximum_same_shape", "maximum", lambda: (rn(3, 4), [rn(3, 4)], {}))
    M("maximum_broadcast", "maximum", lambda: (rn(3, 1), [rn(4)], {}))
    M("minimum_same_shape", "minimum", lambda: (rn(3, 4), [rn(3, 4)], {}))
    M("minimum_broadcast", "minimum", lambda: (rn(2, 1, 3), [rn(2, 1)], {}))

    # --- top-level ops
    Fn = lambda name, path, mk, compute=None, tol=None: fn(g, name, path, mk, compute, tol)  # noqa: E731
    Fn("cat_dim0", "cat", lambda: ([[rn(2, 3), rn(1, 3)], 0], {}))
    Fn("cat_dim1_three", "cat", lambda: ([[rn(2, 1), rn(2, 3), rn(2, 2)], 1], {}))
    Fn("cat_neg_dim", "cat", lambda: ([[rn(2, 3, 2), rn(2, 3, 1)], -1], {}))
    Fn("cat_int", "cat", lambda: ([[ints(2), ints(3)], 0], {}))
    Fn("stack_dim0", "stack", lambda: ([[rn(2, 3), rn(2, 3)], 0], {}))
    Fn("stack_dim1", "stack", lambda: ([[rn(2, 3), rn(2, 3), rn(2, 3)], 1], {}))
    Fn("stack_neg_dim", "stack", lambda: ([[rn(2, 3), rn(2, 3)], -1], {}))
    Fn("fn_matmul_2d", "matmul", lambda: ([rn(3, 4), rn(4, 2)], {}), tol=acc_tol(4))
    Fn("fn_matmul_1d_1d", "matmul", lambda: ([rn(5), rn(5)], {}), tol=acc_tol(5))
    Fn("fn_matmul_1d_3d", "matmul", lambda: ([rn(4), rn(2, 4, 3)], {}), tol=acc_tol(4))
    Fn("fn_matmul_batched_same", "matmul", lambda: ([rn(2, 3, 4), rn(2, 4, 5)], {}), tol=acc_tol(4))
    Fn("fn_matmul_batched_broadcast_lhs_2d", "matmul", lambda: ([rn(3, 4), rn(2, 4, 5)], {}), tol=acc_tol(4))
    Fn("fn_matmul_batched_broadcast_4d", "matmul", lambda: ([rn(2, 1, 3, 4), rn(1, 3, 4, 2)], {}),
       tol=acc_tol(4))
    Fn("fn_matmul_k32", "matmul", lambda: ([rn(4, 32), rn(32, 3)], {}), tol=acc_tol(32))
    Fn("where_same_shape", "where", lambda: ([rn(3, 4) > 0, rn(3, 4), rn(3, 4)], {}))
    Fn("where_broadcast", "where", lambda: ([torch.tensor([True, False, True]), rn(2, 3), rn(2, 1)], {}))
    Fn("where_scalar_other", "where", lambda: ([rn(2, 3) > 0, rn(2, 3), 0.0], {}))
    Fn("where_int", "where", lambda: ([torch.tensor([True, False, False, True]), ints(4), ints(4)], {}))


# =========================================================================== creation

TORCH_DTYPES = {"float32": torch.float32, "int32": torch.int32, "bool": torch.bool}


def with_dtype(f):
    """Tandem takes dtype as a string; map it to the torch dtype for the reference call."""
    def call(*args, **kwargs):
        if "dtype" in kwargs:
            kwargs = dict(kwargs, dtype=TORCH_DTYPES[kwargs["dtype"]])
        return f(*args, **kwargs)
    return call


def creation():
    g = "creation"
    Fn = lambda name, path, mk, compute=None: fn(g, name, path, mk, compute)  # noqa: E731
    # tensor(): float data is written with non-integral values (JS cannot tell 1.0 from 1)
    Fn("tensor_nested_float", "tensor", lambda: ([[[0.5, -1.25, 2.75], [3.5, 0.125, -6.5]]], {}))
    Fn("tensor_flat_float", "tensor", lambda: ([[0.1, 0.2, 0.3, -0.4]], {}))
    Fn("tensor_scalar", "tensor", lambda: ([3.5], {}))
    Fn("tensor_3d", "tensor", lambda: ([[[[0.5, 1.5]], [[2.5, -3.5]]]], {}))
    Fn("tensor_int_dtype", "tensor", lambda: ([[[1, 2, 3], [-4, 5, 6]]], {"dtype": "int32"}), with_dtype(torch.tensor))
    Fn("tensor_bool", "tensor", lambda: ([[[True, False], [False, True]]], {}))
    Fn("tensor_float_dtype_from_ints", "tensor", lambda: ([[1, 2, 3]], {"dtype": "float32"}),
       with_dtype(torch.tensor))

    def zeros(size, **kw):
        return torch.zeros(size, **kw)

    Fn("zeros_2d", "zeros", lambda: ([[2, 3]], {}))
    Fn("zeros_1d", "zeros", lambda: ([[4]], {}))
    Fn("zeros_int", "zeros", lambda: ([[2, 2]], {"dtype": "int32"}), with_dtype(zeros))
    Fn("ones_3d", "ones", lambda: ([[2, 1, 3]], {}))
    Fn("ones_1d", "ones", lambda: ([[5]], {}))
    Fn("full_float", "full", lambda: ([[2, 3], 1.5], {}))
    Fn("full_negative", "full", lambda: ([[3], -0.25], {}))
    Fn("arange_end_int", "arange", lambda: ([5], {}))
    Fn("arange_start_end_int", "arange", lambda: ([2, 7], {}))
    Fn("arange_start_end_step_int", "arange", lambda: ([1, 10, 3], {}))
    Fn("arange_negative_step_int", "arange", lambda: ([5, -3, -2], {}))
    Fn("arange_float_step", "arange", lambda: ([0, 2, 0.25], {}))
    Fn("arange_float_bounds_nondivisible", "arange", lambda: ([0.5, 2.2, 0.5], {}))
    Fn("arange_float_end", "arange", lambda: ([3.5], {}))


# =========================================================================== functional

def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """torch 2.x documented reference for F.scaled_dot_product_attention (torch 1.13 lacks it)."""
    L, S = q.size(-2), k.size(-2)
    scale_factor = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        assert attn_mask is None
        causal = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        bias = bias.masked_fill(causal.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            bias = bias + attn_mask
    w = q @ k.transpose(-2, -1) * scale_factor
    w = w + bias
    w = torch.softmax(w, dim=-1)
    return w @ v


def functional():
    g = "functional"
    Fn = lambda name, path, mk, compute=None, tol=None: fn(g, name, path, mk, compute, tol)  # noqa: E731

    Fn("relu", "F.relu", lambda: ([rn(3, 4)], {}))
    Fn("gelu_exact", "F.gelu", lambda: ([rn(3, 4) * 2], {}), tol=ERF_TOL)
    Fn("gelu_tanh", "F.gelu", lambda: ([rn(3, 4) * 2], {"approximate": "tanh"}))
    Fn("silu", "F.silu", lambda: ([rn(3, 4) * 2], {}))
    Fn("sigmoid", "F.sigmoid", lambda: ([rn(3, 4) * 3], {}))
    Fn("tanh", "F.tanh", lambda: ([rn(3, 4) * 2], {}))
    Fn("softmax_dim1", "F.softmax", lambda: ([rn(2, 5) * 3, 1], {}))
    Fn("softmax_neg_dim", "F.softmax", lambda: ([rn(2, 3, 4), -1], {}))
    Fn("softmax_dim0", "F.softmax", lambda: ([rn(3, 2, 2), 0], {}))
    Fn("log_softmax_dim1", "F.log_softmax", lambda: ([rn(2, 5) * 3, 1], {}))
    Fn("log_softmax_neg_dim", "F.log_softmax", lambda: ([rn(2, 3, 4), -1], {}))

    Fn("linear_bias", "F.linear", lambda: ([rn(3, 4), rn(5, 4), rn(5)], {}), tol=acc_tol(4))
    Fn("linear_no_bias", "F.linear", lambda: ([rn(3, 4), rn(2, 4)], {}), tol=acc_tol(4))
    Fn("linear_3d_input", "F.linear", lambda: ([rn(2, 3, 4), rn(5, 4), rn(5)], {}), tol=acc_tol(4))
    Fn("linear_1d_input", "F.linear", lambda: ([rn(4), rn(3, 4), rn(3)], {}), tol=acc_tol(4))

    # conv2d
    ct = acc_tol(36)
    Fn("conv2d_basic", "F.conv2d", lambda: ([rn(2, 3, 5, 5), rn(4, 3, 3, 3), rn(4)], {}), tol=ct)
    Fn("conv2d_no_bias", "F.conv2d", lambda: ([rn(1, 3, 5, 5), rn(2, 3, 3, 3)], {}), tol=ct)
    Fn("conv2d_stride2_pad1", "F.conv2d", lambda: ([rn(1, 2, 6, 6), rn(3, 2, 3, 3), rn(3)],
                                                   {"stride": 2, "padding": 1}), tol=ct)
    Fn("conv2d_pair_stride_pad_rect_kernel", "F.conv2d",
       lambda: ([rn(1, 2, 6, 7), rn(3, 2, 3, 2), rn(3)], {"stride": [2, 1], "padding": [1, 0]}), tol=ct)
    Fn("conv2d_padding_same", "F.conv2d", lambda: ([rn(1, 2, 5, 6), rn(3, 2, 3, 3), rn(3)],
                                                   {"padding": "same"}), tol=ct)
    Fn("conv2d_padding_same_even_kernel", "F.conv2d",
       lambda: ([rn(1, 2, 5, 5), rn(2, 2, 4, 2), rn(2)], {"padding": "same"}), tol=ct)
    Fn("conv2d_padding_same_dilated", "F.conv2d",
       lambda: ([rn(1, 2, 6, 6), rn(2, 2, 2, 3), None], {"padding": "same", "dilation": 2}), tol=ct)
    Fn("conv2d_padding_valid", "F.conv2d", lambda: ([rn(1, 2, 5, 5), rn(3, 2, 3, 3), rn(3)],
                                                    {"padding": "valid"}), tol=ct)
    Fn("conv2d_dilation2", "F.conv2d", lambda: ([rn(1, 2, 7, 7), rn(2, 2, 3, 3), rn(2)],
                                                {"dilation": 2}), tol=ct)
    Fn("conv2d_dilation_pair_padding", "F.conv2d",
       lambda: ([rn(1, 2, 7, 6), rn(2, 2, 3, 3), rn(2)], {"dilation": [2, 1], "padding": [2, 1]}), tol=ct)
    Fn("conv2d_groups2", "F.conv2d", lambda: ([rn(2, 4, 5, 5), rn(6, 2, 3, 3), rn(6)],
                                              {"groups": 2, "padding": 1}), tol=ct)
    Fn("conv2d_depthwise", "F.conv2d", lambda: ([rn(1, 3, 5, 5), rn(3, 1, 3, 3), rn(3)],
                                                {"groups": 3, "padding": 1}), tol=ct)
    Fn("conv2d_depthwise_multiplier", "F.conv2d", lambda: ([rn(1, 2, 5, 5), rn(4, 1, 3, 3), None],
                                                           {"groups": 2, "stride": 2}), tol=ct)
    # F.conv2d(x, w, stride=2, padding=1) in TypeScript: the options object sits where bias would be
    Fn("conv2d_no_bias_options_in_bias_slot", "F.conv2d", lambda: ([rn(1, 2, 5, 5), rn(3, 2, 3, 3)],
                                                                   {"stride": 2, "padding": 1}), tol=ct)
    Fn("conv2d_1x1", "F.conv2d", lambda: ([rn(2, 4, 3, 3), rn(5, 4, 1, 1), rn(5)], {}), tol=ct)

    # max_pool2d
    Fn("max_pool2d_k2", "F.max_pool2d", lambda: ([rn(2, 2, 6, 6), 2], {}))
    Fn("max_pool2d_k3_s2_p1", "F.max_pool2d", lambda: ([rn(1, 2, 7, 7), 3], {"stride": 2, "padding": 1}))
    Fn("max_pool2d_pair_kernel_stride", "F.max_pool2d", lambda: ([rn(1, 2, 6, 8), [2, 3]], {"stride": [2, 2]}))
    Fn("max_pool2d_stride1_overlap", "F.max_pool2d", lambda: ([rn(1, 1, 5, 5), 3], {"stride": 1}))
    Fn("max_pool2d_dilation", "F.max_pool2d", lambda: ([rn(1, 2, 7, 7), 2], {"stride": 1, "dilation": 2}))
    Fn("max_pool2d_ceil_mode", "F.max_pool2d", lambda: ([rn(1, 2, 5, 5), 2], {"ceil_mode": True}))
    Fn("max_pool2d_ceil_mode_window_starts_in_padding", "F.max_pool2d",
       lambda: ([rn(1, 1, 4, 4), 2], {"stride": 3, "padding": 1, "ceil_mode": True}))
    Fn("max_pool2d_all_negative_padded", "F.max_pool2d",
       lambda: ([-pos(1, 1, 4, 4), 3], {"stride": 2, "padding": 1}))

    # avg_pool2d
    Fn("avg_pool2d_k2", "F.avg_pool2d", lambda: ([rn(2, 2, 6, 6), 2], {}))
    Fn("avg_pool2d_k3_s2", "F.avg_pool2d", lambda: ([rn(1, 2, 7, 7), 3], {"stride": 2}))
    Fn("avg_pool2d_pad_count_include_pad", "F.avg_pool2d",
       lambda: ([rn(1, 2, 5, 5), 3], {"stride": 2, "padding": 1}))
    Fn("avg_pool2d_pad_exclude_pad", "F.avg_pool2d",
       lambda: ([rn(1, 2, 5, 5), 3], {"stride": 2, "padding": 1, "count_include_pad": False}))
    Fn("avg_pool2d_ceil_mode", "F.avg_pool2d", lambda: ([rn(1, 2, 5, 5), 2], {"ceil_mode": True}))
    Fn("avg_pool2d_ceil_mode_pad_include", "F.avg_pool2d",
       lambda: ([rn(1, 1, 6, 6), 3], {"stride": 2, "padding": 1, "ceil_mode": True}))
    Fn("avg_pool2d_ceil_mode_pad_exclude", "F.avg_pool2d",
       lambda: ([rn(1, 1, 6, 6), 3], {"stride": 2, "padding": 1, "ceil_mode": True,
                                       "count_include_pad": False}))
    Fn("avg_pool2d_pair_kernel", "F.avg_pool2d", lambda: ([rn(1, 2, 6, 6), [3, 2]], {"stride": [1, 2]}))

    # adaptive_avg_pool2d
    Fn("adaptive_avg_pool2d_int_divisible", "F.adaptive_avg_pool2d", lambda: ([rn(2, 2, 6, 6), 3], {}))
    Fn("adaptive_avg_pool2d_to_1", "F.adaptive_avg_pool2d", lambda: ([rn(2, 3, 4, 5), 1], {}))
    Fn("adaptive_avg_pool2d_pair_nondivisible", "F.adaptive_avg_pool2d", lambda: ([rn(1, 2, 5, 7), [3, 4]], {}))
    Fn("adaptive_avg_pool2d_int_nondivisible", "F.adaptive_avg_pool2d", lambda: ([rn(1, 2, 7, 7), 3], {}))
    Fn("adaptive_avg_pool2d_upsample", "F.adaptive_avg_pool2d", lambda: ([rn(1, 1, 3, 3), [5, 4]], {}))

    # batch_norm (inference: running statistics)
    def bn_args(shape, C, affine=True):
        x, rm, rv = rn(*shape), rn(C) * 0.5, pos(C, lo=0.3, hi=2.0)
        kw = {"weight": rn(C), "bias": rn(C)} if affine else {}
        return [x, rm, rv], kw

    Fn("batch_norm_2d_input", "F.batch_norm", lambda: bn_args((4, 3), 3))
    Fn("batch_norm_3d_input", "F.batch_norm", lambda: bn_args((2, 3, 5), 3))
    Fn("batch_norm_4d_input", "F.batch_norm", lambda: bn_args((2, 3, 3, 4), 3))
    Fn("batch_norm_no_affine", "F.batch_norm", lambda: bn_args((2, 3, 2, 2), 3, affine=False))

    def bn_eps():
        a, kw = bn_args((2, 4, 2, 3), 4)
        kw["eps"] = 0.1
        return a, kw

    Fn("batch_norm_eps", "F.batch_norm", bn_eps)

    # layer_norm
    Fn("layer_norm_last_dim", "F.layer_norm", lambda: ([rn(3, 5) * 2 + 1, [5]], {"weight": rn(5), "bias": rn(5)}))
    Fn("layer_norm_last_two_dims", "F.layer_norm",
       lambda: ([rn(2, 3, 4), [3, 4]], {"weight": rn(3, 4), "bias": rn(3, 4)}))
    Fn("layer_norm_no_affine", "F.layer_norm", lambda: ([rn(2, 3, 4), [4]], {}))
    Fn("layer_norm_eps", "F.layer_norm",
       lambda: ([rn(2, 6) * 0.3, [6]], {"weight": rn(6), "bias": rn(6), "eps": 0.01}))

    # embedding
    Fn("embedding", "F.embedding", lambda: ([torch.tensor([[0, 2, 4], [4, 3, 1]]), rn(5, 3)], {}))
    Fn("embedding_1d_ids_repeated", "F.embedding", lambda: ([torch.tensor([1, 1, 0, 3]), rn(4, 2)], {}))
    Fn("embedding_padding_idx", "F.embedding",
       lambda: ([torch.tensor([0, 2, 1, 0]), rn(3, 4)], {"padding_idx": 0}))

    Fn("dropout_eval_identity", "F.dropout", lambda: ([rn(3, 4)], {"p": 0.5, "training": False}))

    # scaled_dot_product_attention (reference formula; see sdpa_reference)
    S = "F.scaled_dot_product_attention"
    at = acc_tol(8, "two chained float32 matmuls with a softmax in between")
    Fn("sdpa_basic_4d", S, lambda: ([rn(2, 2, 3, 4), rn(2, 2, 3, 4), rn(2, 2, 3, 4)], {}), sdpa_reference, at)
    Fn("sdpa_3d", S, lambda: ([rn(2, 3, 4), rn(2, 5, 4), rn(2, 5, 3)], {}), sdpa_reference, at)
    Fn("sdpa_cross_lengths", S, lambda: ([rn(1, 2, 2, 4), rn(1, 2, 5, 4), rn(1, 2, 5, 4)], {}), sdpa_reference, at)
    Fn("sdpa_bool_mask", S, lambda: ([rn(1, 2, 3, 4), rn(1, 2, 4, 4), rn(1, 2, 4, 4)],
                                     {"attn_mask": torch.tensor([[True, False, True, True],
                                                                 [False, True, True, False],
                                                                 [True, True, False, False]])}),
       sdpa_reference, at)
    Fn("sdpa_bool_mask_broadcast_batch", S, lambda: ([rn(2, 1, 3, 4), rn(2, 1, 3, 4), rn(2, 1, 3, 4)],
                                                     {"attn_mask": torch.tensor([[[[True, False, False]]],
                                                                                 [[[True, True, False]]]])}),
       sdpa_reference, at)
    Fn("sdpa_float_mask", S, lambda: ([rn(1, 2, 3, 4), rn(1, 2, 3, 4), rn(1, 2, 3, 4)],
                                      {"attn_mask": torch.tensor([[0.0, -1.5, 0.5],
                                                                  [-1e9, 0.0, 1.0],
                                                                  [2.0, -0.5, 0.0]])}),
       sdpa_reference, at)
    Fn("sdpa_is_causal", S, lambda: ([rn(1, 2, 4, 4), rn(1, 2, 4, 4), rn(1, 2, 4, 4)], {"is_causal": True}),
       sdpa_reference, at)
    Fn("sdpa_is_causal_rect_top_left", S,
       lambda: ([rn(1, 1, 3, 4), rn(1, 1, 5, 4), rn(1, 1, 5, 2)], {"is_causal": True}), sdpa_reference, at)
    Fn("sdpa_scale", S, lambda: ([rn(1, 2, 3, 4), rn(1, 2, 3, 4), rn(1, 2, 3, 4)], {"scale": 0.3}),
       sdpa_reference, at)


# =========================================================================== modules

def randomize_norm(m):
    m.weight.copy_(torch.randn_like(m.weight))
    m.bias.copy_(torch.randn_like(m.bias))


def randomize_bn(m):
    randomize_norm(m)
    m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.5)
    m.running_var.copy_(torch.rand_like(m.running_var) * 1.5 + 0.3)
    m.num_batches_tracked.fill_(7)


def randomize_mha(m):
    m.in_proj_bias.copy_(torch.randn_like(m.in_proj_bias) * 0.1)
    m.out_proj.bias.copy_(torch.randn_like(m.out_proj.bias) * 0.1)


def modules():
    at = acc_tol(8)
    module("Linear", "nn.Linear", [4, 3], {}, lambda: [rn(2, 4)], tol=at)
    module("Linear_no_bias", "nn.Linear", [4, 3], {"bias": False}, lambda: [rn(2, 4)], tol=at)
    module("Linear_3d_input", "nn.Linear", [4, 5], {}, lambda: [rn(2, 3, 4)], tol=at)

    ct = acc_tol(36)
    module("Conv2d_basic", "nn.Conv2d", [3, 4, 3], {}, lambda: [rn(2, 3, 5, 5)], tol=ct)
    module("Conv2d_stride_padding", "nn.Conv2d", [2, 3, 3], {"stride": 2, "padding": 1},
           lambda: [rn(1, 2, 6, 6)], tol=ct)
    module("Conv2d_pair_kernel_padding_same", "nn.Conv2d", [2, 2, [3, 2]], {"padding": "same"},
           lambda: [rn(1, 2, 5, 5)], tol=ct)
    module("Conv2d_dilation", "nn.Conv2d", [2, 3, 3], {"dilation": 2, "padding": 2},
           lambda: [rn(1, 2, 6, 6)], tol=ct)
    module("Conv2d_groups2", "nn.Conv2d", [4, 6, 3], {"groups": 2, "padding": 1},
           lambda: [rn(1, 4, 5, 5)], tol=ct)
    module("Conv2d_depthwise_no_bias", "nn.Conv2d", [3, 3, 3], {"groups": 3, "bias": False, "padding": 1},
           lambda: [rn(2, 3, 4, 4)], tol=ct)

    module("BatchNorm2d", "nn.BatchNorm2d", [3], {}, lambda: [rn(2, 3, 3, 3)], init=randomize_bn)
    module("BatchNorm2d_eps", "nn.BatchNorm2d", [2], {"eps": 0.01}, lambda: [rn(1, 2, 3, 4)], init=randomize_bn)
    module("LayerNorm_last_dim", "nn.LayerNorm", [5], {}, lambda: [rn(2, 3, 5) * 2 + 0.5], init=randomize_norm)
    module("LayerNorm_last_two_dims", "nn.LayerNorm", [[3, 4]], {}, lambda: [rn(2, 3, 4)], init=randomize_norm)
    module("Embedding", "nn.Embedding", [6, 3], {}, lambda: [torch.tensor([[0, 5, 2], [3, 3, 1]])])
    module("Embedding_padding_idx", "nn.Embedding", [5, 2], {"padding_idx": 1},
           lambda: [torch.tensor([1, 0, 4, 1])])
    module("Dropout_eval", "nn.Dropout", [], {"p": 0.5}, lambda: [rn(3, 4)])
    module("ReLU", "nn.ReLU", [], {}, lambda: [rn(3, 4)])
    module("GELU", "nn.GELU", [], {}, lambda: [rn(3, 4) * 2], tol=ERF_TOL)
    module("GELU_tanh", "nn.GELU", [], {"approximate": "tanh"}, lambda: [rn(3, 4) * 2])
    module("SiLU", "nn.SiLU", [], {}, lambda: [rn(3, 4) * 2])
    module("Sigmoid", "nn.Sigmoid", [], {}, lambda: [rn(3, 4) * 2])
    module("Tanh", "nn.Tanh", [], {}, lambda: [rn(3, 4) * 2])
    module("Softmax_last_dim", "nn.Softmax", [-1], {}, lambda: [rn(2, 3, 4) * 2])
    module("Flatten_default", "nn.Flatten", [], {}, lambda: [rn(2, 3, 2, 2)])
    module("Flatten_start_end", "nn.Flatten", [0, 2], {}, lambda: [rn(2, 3, 2, 2)])
    module("MaxPool2d", "nn.MaxPool2d", [2], {}, lambda: [rn(1, 2, 4, 6)])
    module("MaxPool2d_stride_padding", "nn.MaxPool2d", [3], {"stride": 2, "padding": 1},
           lambda: [rn(1, 2, 5, 5)])
    module("AvgPool2d", "nn.AvgPool2d", [2], {}, lambda: [rn(1, 2, 4, 6)])
    module("AvgPool2d_pad_exclude", "nn.AvgPool2d", [3], {"stride": 2, "padding": 1, "count_include_pad": False},
           lambda: [rn(1, 2, 5, 5)])
    module("AdaptiveAvgPool2d_int", "nn.AdaptiveAvgPool2d", [1], {}, lambda: [rn(2, 3, 4, 4)])
    module("AdaptiveAvgPool2d_pair_nondivisible", "nn.AdaptiveAvgPool2d", [[2, 3]], {},
           lambda: [rn(1, 2, 5, 7)])
    module("Identity", "nn.Identity", [], {}, lambda: [rn(2, 3)])
    module("Sequential_Linear_ReLU_Linear", "nn.Sequential",
           [ModSpec("nn.Linear", [4, 8]), ModSpec("nn.ReLU"), ModSpec("nn.Linear", [8, 2])], {},
           lambda: [rn(3, 4)], tol=acc_tol(8, "two chained float32 matmuls"))

    mt = acc_tol(16, "projections + attention: several chained float32 matmuls and a softmax")
    module("MultiheadAttention_self_batch_first", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(2, 3, 8)), init=randomize_mha, tol=mt)
    module("MultiheadAttention_self_seq_first", "nn.MultiheadAttention", [8, 2], {},
           lambda: (lambda x: [x, x, x])(rn(3, 2, 8)), init=randomize_mha, tol=mt)
    module("MultiheadAttention_cross_batch_first", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda kv: [rn(2, 2, 8), kv, kv])(rn(2, 4, 8)), init=randomize_mha, tol=mt)
    module("MultiheadAttention_cross_distinct_kv", "nn.MultiheadAttention", [4, 1], {"batch_first": True},
           lambda: [rn(1, 3, 4), rn(1, 2, 4), rn(1, 2, 4)], init=randomize_mha, tol=mt)
    module("MultiheadAttention_per_head_weights", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(1, 3, 8)), init=randomize_mha,
           forward_kwargs={"average_attn_weights": False}, tol=mt)
    module("MultiheadAttention_need_weights_false", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(2, 3, 8)), init=randomize_mha,
           forward_kwargs={"need_weights": False}, tol=mt)
    # nn.MultiheadAttention bool masks: True means "do NOT attend" (the opposite of SDPA's attn_mask)
    causal_bool = torch.ones(4, 4, dtype=torch.bool).triu(diagonal=1)
    module("MultiheadAttention_bool_attn_mask_causal", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(2, 4, 8)), init=randomize_mha,
           forward_kwargs={"attn_mask": causal_bool}, tol=mt)
    module("MultiheadAttention_float_attn_mask", "nn.MultiheadAttention", [4, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(1, 3, 4)), init=randomize_mha,
           forward_kwargs={"attn_mask": torch.tensor([[0.0, -1.0, -1e9], [0.5, 0.0, -2.0], [0.0, 0.0, 0.0]])},
           tol=mt)
    module("MultiheadAttention_key_padding_mask", "nn.MultiheadAttention", [8, 2], {"batch_first": True},
           lambda: (lambda x: [x, x, x])(rn(2, 4, 8)), init=randomize_mha,
           forward_kwargs={"key_padding_mask": torch.tensor([[False, False, False, True],
                                                             [False, False, True, True]])}, tol=mt)
    module("MultiheadAttention_key_padding_and_attn_mask_seq_first", "nn.MultiheadAttention", [4, 2], {},
           lambda: (lambda x: [x, x, x])(rn(3, 2, 4)), init=randomize_mha,
           forward_kwargs={"key_padding_mask": torch.tensor([[False, False, True], [False, False, False]]),
                           "attn_mask": torch.ones(3, 3, dtype=torch.bool).triu(diagonal=1),
                           "average_attn_weights": False}, tol=mt)


# =========================================================================== main

FAMILIES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "families")


def load_families():
    """Each tools/golden/families/<group>.py defines cases() that registers the cases of <group>."""
    families = {}
    for path in sorted(glob.glob(os.path.join(FAMILIES_DIR, "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"golden_family_{name}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        families[name] = mod.cases
    return families


def main(argv):
    """Usage: make_fixtures.py [--only GROUP ...]: regenerate every group, or only those named."""
    only = set(argv[argv.index("--only") + 1:]) if "--only" in argv else None
    builtin = {"tensor_ops": tensor_ops, "creation": creation, "functional": functional, "modules": modules}
    generators = {**builtin, **load_families()}
    unknown = (only or set()) - set(generators)
    if unknown:
        print(f"unknown group(s): {', '.join(sorted(unknown))}; groups: {', '.join(sorted(generators))}", file=sys.stderr)
        return 2
    for group, make in generators.items():
        if only is None or group in only:
            make()
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for group, cases in GROUPS.items():
        if only is not None and group not in only:
            continue
        path = os.path.join(OUT_DIR, f"{group}.json")
        doc = {"generator": GENERATOR, "torch_version": torch.__version__, "cases": cases}
        text = json.dumps(doc, separators=(",", ":"), allow_nan=False) + "\n"
        with open(path, "w") as fh:
            fh.write(text)
        total += len(text)
        print(f"{os.path.relpath(path, REPO)}: {len(cases)} cases, {len(text)} bytes")
    print(f"total: {sum(len(c) for g, c in GROUPS.items() if only is None or g in only)} cases, {total} bytes")
    for w in WARNINGS:
        print("WARNING:", w, file=sys.stderr)
    return 1 if WARNINGS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
