"""The machinery behind the golden fixtures: encoding tensors for the JSON files, the case
registry, the float64 precision check and the three kinds of case (fn, method, module).

make_fixtures.py holds the original cases; tools/golden/families/<group>.py each hold one more
group of cases (one op family), so that ops can be added side by side without touching one file.
See make_fixtures.py for the fixture format.
"""

import copy
import warnings
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "engine", "test", "fixtures", "golden")
GENERATOR = "tools/golden/make_fixtures.py"

torch.set_num_threads(1)  # deterministic reduction order
warnings.filterwarnings("ignore", category=UserWarning)  # F.sigmoid deprecation, conv "same" notes
torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------- encoding

class ModSpec:
    """A constructor spec for a child module (Sequential's arguments)."""

    def __init__(self, ctor, args=(), kwargs=None):
        self.ctor, self.args, self.kwargs = ctor, list(args), dict(kwargs or {})


def _f32(v):
    # shortest decimal that round-trips the float32 value; parses back to the same float32
    return float(repr(np.float32(v)))


def enc_tensor(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bool:
        dtype, data = "bool", [bool(v) for v in t.flatten().tolist()]
    elif t.dtype in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        vals = t.flatten().tolist()
        assert all(-2**31 <= v < 2**31 for v in vals), "integer out of int32 range"
        dtype, data = "int32", [int(v) for v in vals]
    elif t.dtype in (torch.float32, torch.float64):
        vals = t.to(torch.float32).flatten().numpy()
        # JSON has no NaN or Infinity: engine/test/golden-harness.ts reads these strings back.
        dtype, data = "float32", [_f32(v) if np.isfinite(v) else ("NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity")) for v in vals]
    else:
        raise TypeError(f"unsupported dtype {t.dtype}")
    return {"tensor": {"shape": list(t.shape), "dtype": dtype, "data": data}}


def enc_arg(a):
    if isinstance(a, torch.Tensor):
        return enc_tensor(a)
    if isinstance(a, ModSpec):
        return {"module": {"ctor": a.ctor, "args": [enc_arg(x) for x in a.args],
                           "kwargs": {k: enc_arg(v) for k, v in a.kwargs.items()}}}
    if isinstance(a, (list, tuple)):
        return [enc_arg(x) for x in a]
    if a is None or isinstance(a, (bool, int, str)):
        return a
    if isinstance(a, float):
        assert math.isfinite(a)
        return a
    raise TypeError(f"cannot encode arg {a!r}")


def enc_out(o):
    if isinstance(o, torch.Tensor):
        return enc_tensor(o)
    if isinstance(o, tuple) and hasattr(o, "values") and hasattr(o, "indices"):
        return {"values": enc_out(o.values), "indices": enc_out(o.indices)}
    if isinstance(o, (list, tuple)):
        return [enc_out(x) for x in o]
    if o is None or isinstance(o, (bool, int, float)):
        return o
    raise TypeError(f"cannot encode output {o!r}")


# --------------------------------------------------------------------------- float64 sanity check

def to64(a):
    if isinstance(a, torch.Tensor):
        return a.double() if a.dtype == torch.float32 else a
    if isinstance(a, (list, tuple)):
        return type(a)(to64(x) for x in a) if not hasattr(a, "_fields") else a
    if isinstance(a, dict):
        return {k: to64(v) for k, v in a.items()}
    return a


def flat_tensors(o):
    if isinstance(o, torch.Tensor):
        return [o]
    if isinstance(o, tuple) and hasattr(o, "values") and hasattr(o, "indices"):
        return [o.values, o.indices]
    if isinstance(o, (list, tuple)):
        return [t for x in o for t in flat_tensors(x)]
    return []


WARNINGS = []


def check_precision(name, out32, out64, tol):
    for t32, t64 in zip(flat_tensors(out32), flat_tensors(out64)):
        if not t32.is_floating_point():
            if not torch.equal(t32.long(), t64.long()):
                WARNINGS.append(f"{name}: integer output differs between float32 and float64 runs")
            continue
        e = t64.double()
        a = t32.double()
        if tol is None:
            rtol, atol = 1e-5, 1e-6 * max(1.0, float(e.abs().max()) if e.numel() else 1.0)
        else:
            rtol, atol = tol["rtol"], tol["atol"]
        allowed = atol + rtol * e.abs()
        ratio = float(((a - e).abs() / allowed).max()) if e.numel() else 0.0
        if ratio > 0.25:
            WARNINGS.append(f"{name}: torch float32 uses {ratio:.2f} of the tolerance vs float64")


# --------------------------------------------------------------------------- case registry

# group -> cases; each group is written to engine/test/fixtures/golden/<group>.json
GROUPS = {}
NAMES = set()


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode()) & 0x7FFFFFFF)


def _register(group, name, body):
    key = (group, name)
    assert key not in NAMES, f"duplicate case {group}/{name}"
    NAMES.add(key)
    GROUPS.setdefault(group, []).append(body)


def resolve_torch(path):
    if path.startswith("F."):
        return getattr(F, path[2:])
    return getattr(torch, path)


def fn(group, name, path, mk, compute=None, tol=None):
    """mk() -> (args, kwargs); compute(*args, **kwargs) defaults to torch's function at `path`."""
    seed(name)
    args, kwargs = mk()
    f = compute or resolve_torch(path)
    out = f(*args, **kwargs)
    out64 = f(*to64(args), **to64(kwargs))
    check_precision(f"{group}/{name}", out, out64, tol)
    body = {"name": name, "kind": "fn", "path": path, "args": enc_arg(list(args)),
            "kwargs": {k: enc_arg(v) for k, v in kwargs.items()}, "expected": enc_out(out)}
    if tol is not None:
        body["tol"] = tol
    _register(group, name, body)


def method(group, name, meth, mk, tol=None):
    """mk() -> (self_tensor, args, kwargs)."""
    seed(name)
    self_t, args, kwargs = mk()
    out = getattr(self_t, meth)(*args, **kwargs)
    out64 = getattr(to64(self_t), meth)(*to64(args), **to64(kwargs))
    check_precision(f"{group}/{name}", out, out64, tol)
    body = {"name": name, "kind": "method", "method": meth, "self": enc_tensor(self_t),
            "args": enc_arg(list(args)), "kwargs": {k: enc_arg(v) for k, v in kwargs.items()},
            "expected": enc_out(out)}
    if tol is not None:
        body["tol"] = tol
    _register(group, name, body)


def build_module(ctor, args, kwargs):
    assert ctor.startswith("nn.")
    cls = getattr(nn, ctor[3:])
    targs = [build_module(a.ctor, a.args, a.kwargs) if isinstance(a, ModSpec) else a for a in args]
    tkwargs = {k: build_module(v.ctor, v.args, v.kwargs) if isinstance(v, ModSpec) else v for k, v in kwargs.items()}
    return cls(*targs, **tkwargs)


def module(name, ctor, args, kwargs, mk_inputs, init=None, forward_kwargs=None, tol=None, group="modules"):
    """mk_inputs() -> list of inputs (may also return (inputs, forward_kwargs) via forward_kwargs callable)."""
    seed(name)
    m = build_module(ctor, args, kwargs)
    if init is not None:
        with torch.no_grad():
            init(m)
    m.eval()
    inputs = mk_inputs()
    fkw = forward_kwargs() if callable(forward_kwargs) else dict(forward_kwargs or {})
    with torch.no_grad():
        out = m(*inputs, **fkw)
        m64 = copy.deepcopy(m).double()
        out64 = m64(*to64(inputs), **to64(fkw))
    check_precision(f"{group}/{name}", out, out64, tol)
    body = {"name": name, "kind": "module", "ctor": ctor, "args": enc_arg(list(args)),
            "kwargs": {k: enc_arg(v) for k, v in kwargs.items()},
            "state_dict": {k: enc_tensor(v) for k, v in m.state_dict().items()},
            "inputs": enc_arg(list(inputs)), "forward_kwargs": {k: enc_arg(v) for k, v in fkw.items()},
            "expected": enc_out(out)}
    if tol is not None:
        body["tol"] = tol
    _register(group, name, body)


def rn(*shape):
    return torch.randn(*shape)


def pos(*shape, lo=0.1, hi=3.0):
    return torch.rand(*shape) * (hi - lo) + lo


def ints(*shape, lo=-5, hi=6):
    return torch.randint(lo, hi, shape)


def acc_tol(k, why=None):
    """Tolerance for outputs that accumulate k float32 products (matmul/conv/long reductions)."""
    return {"rtol": 1e-4, "atol": 2e-5,
            "why": why or f"float32 accumulation over {k} terms; summation order differs between backends"}


ERF_TOL = {"rtol": 1e-5, "atol": 2e-6,
           "why": "exact GELU uses erf; tfjs implements erf with a polynomial approximation (|err| < 1.5e-7)"}
