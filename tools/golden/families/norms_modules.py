"""Cases for the normalizations added after the first API: F.group_norm, F.instance_norm,
F.normalize, F.rms_norm and the modules nn.BatchNorm1d, nn.GroupNorm, nn.InstanceNorm2d, nn.RMSNorm;
and the `inplace` flag of F.relu, F.silu, F.dropout, nn.ReLU, nn.SiLU and nn.Dropout (inputs are cloned
before an in-place call, so that the fixture records the input as it was).

torch 1.13 (Debian's) has no RMSNorm: its reference is written here as PyTorch 2.4 defines it,
x * rsqrt(mean(x^2, last dims) + eps) * weight with eps = finfo(dtype).eps when None, and installed
as nn.RMSNorm so that module cases build it by name like any other.
"""

import torch
import torch.nn as nn

import torch.nn.functional as F

from golden_lib import ModSpec, acc_tol, fn, module, pos, rn

GROUP = "norms_modules"


def rms_norm_reference(x, normalized_shape, weight=None, eps=None):
    shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
    dims = tuple(range(x.dim() - len(shape), x.dim()))
    e = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + e)
    return y * weight if weight is not None else y


class RMSNormReference(nn.Module):
    """torch 2.4's nn.RMSNorm: parameter `weight` of normalized_shape (ones), no bias."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        self.normalized_shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None

    def forward(self, x):
        return rms_norm_reference(x, self.normalized_shape, self.weight, self.eps)


if not hasattr(nn, "RMSNorm"):
    nn.RMSNorm = RMSNormReference


def randomize_affine(m):
    if getattr(m, "weight", None) is not None:
        m.weight.copy_(torch.randn_like(m.weight) * 0.5 + 1.0)
    if getattr(m, "bias", None) is not None:
        m.bias.copy_(torch.randn_like(m.bias) * 0.5)


def randomize_stats(m):
    randomize_affine(m)
    m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.5)
    m.running_var.copy_(torch.rand_like(m.running_var) * 1.5 + 0.3)
    m.num_batches_tracked.fill_(7)


def cases():
    F_ = lambda name, path, mk, compute=None, tol=None: fn(GROUP, name, path, mk, compute, tol)  # noqa: E731

    # --- F.group_norm
    F_("group_norm_plain", "F.group_norm", lambda: ([rn(2, 6, 3, 3) * 2 + 1, 3], {}))
    F_("group_norm_affine_eps", "F.group_norm", lambda: ([rn(2, 4, 5), 2], {"weight": rn(4), "bias": rn(4), "eps": 0.01}))
    F_("group_norm_one_group", "F.group_norm", lambda: ([rn(3, 4, 2, 2), 1], {"weight": rn(4)}))
    F_("group_norm_2d_input", "F.group_norm", lambda: ([rn(3, 6), 3], {"bias": rn(6)}))

    # --- F.instance_norm
    F_("instance_norm_plain", "F.instance_norm", lambda: ([rn(2, 3, 4, 4) * 3 - 1], {}))
    F_("instance_norm_affine_1d", "F.instance_norm", lambda: ([rn(2, 3, 7)], {"weight": rn(3), "bias": rn(3), "eps": 0.001}))
    F_("instance_norm_running_stats", "F.instance_norm",
       lambda: ([rn(2, 3, 4, 4)], {"running_mean": rn(3), "running_var": pos(3), "weight": rn(3), "bias": rn(3),
                                   "use_input_stats": False}))

    # --- F.normalize
    F_("normalize_default", "F.normalize", lambda: ([rn(3, 5)], {}))
    F_("normalize_last_dim", "F.normalize", lambda: ([rn(2, 3, 4)], {"dim": -1}))
    F_("normalize_p1", "F.normalize", lambda: ([rn(4, 3)], {"p": 1.0, "dim": 0}))
    F_("normalize_p3", "F.normalize", lambda: ([rn(2, 6)], {"p": 3.0}))
    F_("normalize_eps_clamps_zero_rows", "F.normalize",
       lambda: ([torch.cat([torch.zeros(1, 4), rn(2, 4) * 1e-3]), ], {"eps": 1e-2}))

    # --- F.rms_norm (PyTorch 2.4; reference above)
    F_("rms_norm_default_eps", "F.rms_norm", lambda: ([rn(2, 3, 5), [5]], {}), compute=rms_norm_reference)
    F_("rms_norm_weight_two_dims", "F.rms_norm", lambda: ([rn(2, 3, 4), [3, 4]], {"weight": rn(3, 4), "eps": 1e-3}),
       compute=rms_norm_reference)

    # --- modules
    module("BatchNorm1d_2d", "nn.BatchNorm1d", [4], {}, lambda: [rn(3, 4)], init=randomize_stats, group=GROUP)
    module("BatchNorm1d_3d_eps", "nn.BatchNorm1d", [3], {"eps": 0.01}, lambda: [rn(2, 3, 5)], init=randomize_stats, group=GROUP)
    module("BatchNorm1d_no_affine", "nn.BatchNorm1d", [3], {"affine": False}, lambda: [rn(2, 3)],
           init=randomize_stats, group=GROUP)
    module("GroupNorm", "nn.GroupNorm", [2, 6], {}, lambda: [rn(2, 6, 3, 3)], init=randomize_affine, group=GROUP)
    module("GroupNorm_no_affine_eps", "nn.GroupNorm", [3, 3], {"affine": False, "eps": 0.1}, lambda: [rn(2, 3, 4)],
           group=GROUP)
    module("InstanceNorm2d_default", "nn.InstanceNorm2d", [3], {}, lambda: [rn(2, 3, 4, 5) * 2], group=GROUP)
    module("InstanceNorm2d_affine", "nn.InstanceNorm2d", [3], {"affine": True}, lambda: [rn(2, 3, 4, 4)],
           init=randomize_affine, group=GROUP)
    module("InstanceNorm2d_unbatched", "nn.InstanceNorm2d", [2], {}, lambda: [rn(2, 3, 3)], group=GROUP)
    module("InstanceNorm2d_tracked_eval", "nn.InstanceNorm2d", [3], {"affine": True, "track_running_stats": True},
           lambda: [rn(2, 3, 4, 4)], init=randomize_stats, group=GROUP)
    module("RMSNorm_default", "nn.RMSNorm", [6], {}, lambda: [rn(2, 3, 6)], init=randomize_affine, group=GROUP)
    module("RMSNorm_two_dims_eps", "nn.RMSNorm", [[2, 3]], {"eps": 1e-4}, lambda: [rn(4, 2, 3)], init=randomize_affine,
           group=GROUP)
    module("RMSNorm_no_affine", "nn.RMSNorm", [4], {"elementwise_affine": False}, lambda: [rn(3, 4) * 3], group=GROUP)

    # --- inplace flags: the same results as the out-of-place call
    def clone_first(f):
        return lambda x, *a, **kw: f(x.clone(), *a, **kw)

    F_("relu_inplace_kw", "F.relu", lambda: ([rn(3, 4)], {"inplace": True}), compute=clone_first(F.relu))
    F_("silu_inplace_kw", "F.silu", lambda: ([rn(3, 4)], {"inplace": True}), compute=clone_first(F.silu))
    F_("dropout_eval_inplace", "F.dropout", lambda: ([rn(3, 4)], {"p": 0.3, "training": False, "inplace": True}),
       compute=clone_first(F.dropout))
    at = acc_tol(3)
    module("Sequential_ReLU_inplace_positional", "nn.Sequential", [ModSpec("nn.Linear", [3, 4]), ModSpec("nn.ReLU", [True])],
           {}, lambda: [rn(2, 3)], tol=at, group=GROUP)
    module("Sequential_ReLU_SiLU_Dropout_inplace_kw", "nn.Sequential",
           [ModSpec("nn.Linear", [3, 4]), ModSpec("nn.ReLU", [], {"inplace": True}), ModSpec("nn.Linear", [4, 4]),
            ModSpec("nn.SiLU", [], {"inplace": True}), ModSpec("nn.Dropout", [0.2, True])],
           {}, lambda: [rn(2, 3)], tol=acc_tol(4), group=GROUP)
