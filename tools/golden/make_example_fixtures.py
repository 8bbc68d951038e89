#!/usr/bin/python3
"""End-to-end parity fixtures for the example models in assets/examples/, generated with PyTorch.

Each example model is written again below in PyTorch, with the same module and parameter names,
so its state_dict keys are exactly the TypeScript model's. For each one this script

  1. builds the model under torch.manual_seed(0),
  2. gives it "trained-looking" values where PyTorch's init is trivial (norm scales and shifts,
     attention biases) and, for BatchNorm, real running statistics from a few train-mode passes,
  3. rounds every parameter, buffer and input to 6 significant digits (see "Size" below),
  4. runs it in eval() mode on a random input shaped like the example's `inputs` export,

and writes engine/test/fixtures/examples/<name>.json:

    { "generator", "torch_version", "model": "assets/examples/<name>.ts",
      "num_parameters": int,                            (torch's sum of p.numel())
      "state_dict": { key: TENSOR, ... },               (all of state_dict(), buffers included)
      "inputs": [TENSOR, ...],                          (the forward's arguments, in order)
      "output": TENSOR,
      "branch": str, "other_cases": [{ "branch", "inputs", "output" }]     (branching only) }
    TENSOR = { "shape": [...], "dtype": "float32" | "int32", "data": [flat row-major] }

torch's int64 (token ids, num_batches_tracked) is written as int32, Tandem's integer dtype;
num_batches_tracked is a scalar, shape [].

engine/test/examples.test.ts loads each fixture into the TypeScript example, runs it on every
eager backend and compares with "output".

Size: the examples are real models (the MLP has 235k parameters), so parameters and inputs are
rounded to 6 significant digits and written in a compact form ("1.23457e-5", no spaces).
The rounding happens before the reference run, so the recorded output is exactly PyTorch's result
for the weights in the file; outputs keep full float32 precision (shortest round-trip form).

Regenerate (from the repository root, with Debian's python, which has torch):

    /usr/bin/python3 tools/golden/make_example_fixtures.py

The output is deterministic. As a sanity check every model is rerun in float64 and a warning is
printed when torch's own float32 result uses more than a quarter of the test's tolerance
(atol 1e-5 * max(1, max|expected|), rtol 1e-5).
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "engine", "test", "fixtures", "examples")
GENERATOR = "tools/golden/make_example_fixtures.py"

torch.set_num_threads(1)  # deterministic reduction order
torch.use_deterministic_algorithms(True)

# The test's tolerance (engine/test/examples.test.ts), used here only for the float64 check.
RTOL = 1e-5
ATOL = 1e-5


# --------------------------------------------------------------------------- the example models
# Mirrors of assets/examples/*.ts: see example_models.py.

from example_models import EXAMPLES  # noqa: E402


# --------------------------------------------------------------------------- encoding

def round6(t):
    """Rounds a float tensor to 6 significant digits (then back to float32), as the JSON stores it."""
    if not t.is_floating_point():
        return t
    vals = t.detach().to(torch.float64).flatten().numpy()
    rounded = np.array([float(f"{v:.6g}") for v in vals], dtype=np.float64)
    return torch.from_numpy(rounded).to(t.dtype).reshape(t.shape)


def compact6(v):
    """The shortest text of `v` at 6 significant digits: '0.0123457', '-1.23457e-5', '3'."""
    s = f"{v:.6g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def shortest32(v):
    # shortest decimal that round-trips the float32 value
    return repr(float(repr(np.float32(v))))


class Raw(str):
    """A number already formatted as JSON text."""


def enc_tensor(t, exact=False):
    t = t.detach().cpu().contiguous()
    if t.dtype in (torch.int64, torch.int32):
        vals = t.flatten().tolist()
        assert all(-2**31 <= v < 2**31 for v in vals), "integer out of int32 range"
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in vals]}
    assert t.dtype == torch.float32, f"unexpected dtype {t.dtype}"
    vals = t.flatten().numpy()
    assert np.all(np.isfinite(vals)), "non-finite value in fixture tensor"
    fmt = shortest32 if exact else compact6
    return {"shape": list(t.shape), "dtype": "float32", "data": [Raw(fmt(v)) for v in vals]}


def dumps(obj):
    """Compact JSON in which Raw strings are written as bare numbers."""
    if isinstance(obj, Raw):
        return str(obj)
    if isinstance(obj, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    return json.dumps(obj)


# --------------------------------------------------------------------------- building a model

def trained_looking(model, spec):
    """Replaces PyTorch's trivial initial values (norm scale 1, shift 0, zero attention biases)
    with random ones, so the test checks that they are applied, and gives BatchNorm real running
    statistics from a few train-mode passes."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.LayerNorm, nn.BatchNorm2d, nn.GroupNorm)):
                m.weight.copy_(1 + 0.2 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))
            if isinstance(m, nn.MultiheadAttention):
                m.in_proj_bias.copy_(0.05 * torch.randn_like(m.in_proj_bias))
                m.out_proj.bias.copy_(0.05 * torch.randn_like(m.out_proj.bias))
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if bns:
        # momentum=None makes the running statistics the plain average over the warm-up batches,
        # i.e. the real per-channel statistics of the activations (PyTorch's default 0.1 would
        # leave them near their initial 0 and 1 after a few batches). It is not in the state_dict.
        for bn in bns:
            bn.momentum = None
        model.train()
        with torch.no_grad():
            for _ in range(5):
                # shifted, scaled batches: running_mean/var end up well away from 0 and 1
                model(*[0.3 + 1.5 * x for x in make_inputs(spec)])
        for bn in bns:
            bn.momentum = 0.1
    model.eval()


def make_inputs(spec, shift=0.0):
    out = []
    for s in spec.values():
        if isinstance(s, list):
            out.append(round6(torch.randn(*s) + shift))
        else:
            shape, dtype, high = s
            assert dtype == "int64"
            out.append(torch.randint(0, high, shape, dtype=torch.int64))
    return out


def round_state(model):
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            t.copy_(round6(t))


def precision_check(name, model, inputs, out32):
    m64 = type(model)().double().eval()
    m64.load_state_dict({k: (v.double() if v.is_floating_point() else v) for k, v in model.state_dict().items()})
    with torch.no_grad():
        out64 = m64(*[(x.double() if x.is_floating_point() else x) for x in inputs])
    e = out64.double()
    allowed = ATOL * max(1.0, float(e.abs().max())) + RTOL * e.abs()
    ratio = float(((out32.double() - e).abs() / allowed).max())
    if ratio > 0.25:
        print(f"warning: {name}: torch float32 uses {ratio:.2f} of the tolerance vs float64", file=sys.stderr)
    return ratio


def run_case(name, model, inputs):
    with torch.no_grad():
        out = model(*inputs)
    ratio = precision_check(name, model, inputs, out)
    return out, ratio


def build(name):
    cls, spec = EXAMPLES[name]
    torch.manual_seed(0)
    model = cls()
    trained_looking(model, spec)
    round_state(model)
    fixture = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "model": f"assets/examples/{name}.ts",
        "num_parameters": sum(p.numel() for p in model.parameters()),
        "state_dict": {k: enc_tensor(v) for k, v in model.state_dict().items()},
    }
    notes = []
    if name == "branching":
        # The gate is mean(x) > 0: a positive shift takes the deep head, a negative one the shallow.
        for i, (shift, branch) in enumerate([(0.5, "deep"), (-0.5, "shallow")]):
            inputs = make_inputs(spec, shift)
            out, ratio = run_case(f"{name}[{branch}]", model, inputs)
            assert model.last_branch == branch, (branch, model.last_branch)
            case = {"branch": branch, "inputs": [enc_tensor(x) for x in inputs], "output": enc_tensor(out, exact=True)}
            if i == 0:
                fixture.update(case)
                fixture["other_cases"] = []
            else:
                fixture["other_cases"].append(case)
            notes.append(f"{branch} f64 ratio {ratio:.3f}")
    else:
        inputs = make_inputs(spec)
        out, ratio = run_case(name, model, inputs)
        fixture["inputs"] = [enc_tensor(x) for x in inputs]
        fixture["output"] = enc_tensor(out, exact=True)
        notes.append(f"f64 ratio {ratio:.3f}")
    return fixture, notes


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    names = sys.argv[1:] or list(EXAMPLES)
    for name in names:
        fixture, notes = build(name)
        path = os.path.join(OUT_DIR, f"{name}.json")
        with open(path, "w") as f:
            f.write(dumps(fixture))
            f.write("\n")
        size = os.path.getsize(path)
        print(f"{os.path.relpath(path, REPO)}: {size / 1024:.0f} KiB, "
              f"{fixture['num_parameters']} parameters, {'; '.join(notes)}")


if __name__ == "__main__":
    main()
