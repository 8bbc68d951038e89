"""PyTorch peer for `npm run bench`: the same measurements as bench/eager-overhead.ts and
bench/mlp-latency.ts, taken in torch eager with the same blocked timing (bench/timer.ts) and the
same statistics (bench/stats.ts), so the ratios in the report compare like with like.

Usage: python3 bench/torch_peer.py '<plan json>'   (bench/torch-peer.ts passes the plan)
Prints one JSON object on stdout; anything else goes to stderr.
"""

import json
import math
import os
import re
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

SINGLE_CALL_MS = 1.0  # bench/timer.ts SINGLE_CALL_MS
BLOCK_TARGET_MS = 5.0  # bench/timer.ts BLOCK_TARGET_MS


def now_ms():
    return time.perf_counter() * 1000.0


def quantile(sorted_xs, q):
    """Linear interpolation between order statistics, as bench/stats.ts quantile()."""
    pos = (len(sorted_xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def summarize(samples, scale=1.0):
    xs = sorted(s * scale for s in samples)
    median = quantile(xs, 0.5)
    iqr = quantile(xs, 0.75) - quantile(xs, 0.25)
    return {
        "n": len(xs),
        "median": median,
        "p90": quantile(xs, 0.9),
        "min": xs[0],
        "iqr": iqr,
        "iqrOverMedian": iqr / median if median > 0 else 0.0,
    }


def time_block(block, calls):
    start = now_ms()
    block(calls)
    return now_ms() - start


def fastest_block(block, calls):
    return min(time_block(block, calls) for _ in range(3))


def calibrate_calls(block, target_ms, max_calls=1 << 20):
    calls = 1
    while True:
        ms = fastest_block(block, calls)
        if ms >= target_ms / 4 or calls >= max_calls:
            return min(max_calls, max(1, math.ceil(calls * target_ms / max(ms, 1e-3))))
        calls *= 2


def choose_calls(block):
    single = fastest_block(block, 1)
    return 1 if single >= SINGLE_CALL_MS else calibrate_calls(block, BLOCK_TARGET_MS)


def warm_up(block, calls, ms):
    """bench/timer.ts warmUp()."""
    end = now_ms() + ms
    block(calls)
    while now_ms() < end:
        block(calls)


def measure(block, calls, plan):
    """One variant of bench/timer.ts measureInterleaved(): warm up, then blocks within the budget."""
    warm_up(block, calls, plan["warmupMs"])
    samples = []
    start = now_ms()
    for i in range(plan["maxBlocks"]):
        if i >= plan["minBlocks"] and now_ms() - start >= plan["budgetMs"]:
            break
        samples.append(time_block(block, calls) / calls)
    return samples


def eager_add(plan, chain_length, shape):
    x0 = torch.ones(shape)
    y = torch.ones(shape)

    def block(calls):
        x = x0
        for _ in range(calls):
            x = x.add(y)

    samples = measure(block, chain_length, plan)
    return {"chainLength": chain_length, "shape": shape, "us": summarize(samples, 1000.0)}


class MLP(nn.Module):
    """assets/examples/mlp.ts, layer for layer: 784 -> 256 -> 128 -> 10, ReLU, dropout 0.2 (off in eval)."""

    def __init__(self, in_features=784, hidden1=256, hidden2=128, num_classes=10, dropout_p=0.2):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden1)
        self.fc2 = nn.Linear(hidden1, hidden2)
        self.fc3 = nn.Linear(hidden2, num_classes)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, x):
        x = x.flatten(1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)


def mlp_latency(plan, input_shape):
    torch.manual_seed(0)
    model = MLP().eval()
    x = torch.randn(input_shape)

    def block(calls):
        for _ in range(calls):
            model(x)

    parameters = sum(p.numel() for p in model.parameters())
    output_shape = list(model(x).shape)
    warm_up(block, 1, plan["warmupMs"])
    calls = choose_calls(block)
    samples = measure(block, calls, dict(plan, warmupMs=0))  # already warm, as in bench/mlp-latency.ts
    return {
        "inputs": {"x": input_shape},
        "parameters": parameters,
        "outputShape": output_shape,
        "callsPerBlock": calls,
        "ms": summarize(samples),
    }


def cpu_capability():
    """The SIMD level torch's own kernels dispatch to (AVX2, AVX512...); torch 1.13 only prints it."""
    match = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return match.group(1) if match else None


def main():
    request = json.loads(sys.argv[1])
    threads = request["threads"]
    torch.set_num_threads(threads)
    with torch.inference_mode():
        add = eager_add(request["plans"]["eager"], request["chainLength"], request["chainShape"])
        mlp = mlp_latency(request["plans"]["mlp"], request["mlpInput"])
    env_keys = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    json.dump(
        {
            "torch": torch.__version__,
            "python": sys.version.split()[0],
            "threads": torch.get_num_threads(),
            "cpuCapability": cpu_capability(),
            "env": {k: os.environ.get(k) for k in env_keys},
            "eagerAdd": add,
            "mlp": mlp,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
