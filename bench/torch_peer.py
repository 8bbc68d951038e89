"""PyTorch peer for `npm run bench`: the same measurements as bench/eager-overhead.ts and
bench/mlp-latency.ts, taken in torch eager with the same blocked timing (bench/timer.ts) and the
same statistics (bench/stats.ts), so the ratios in the report compare like with like.

Usage: python3 bench/torch_peer.py '<plan json>'   (bench/torch-peer.ts passes the plan)
Prints one JSON object on stdout; anything else goes to stderr.
"""

import json
import math
import os
import random
import re
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

# The examples written in PyTorch, shared with the parity fixtures' generator.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "golden"))
from example_models import MLP, BasicBlock, ResNetCNN, TransformerBlock  # noqa: E402

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


class ResNet18(nn.Module):
    """bench/models/resnet18.ts: torchvision's resnet18 layout, written out (no torchvision here)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.Sequential(BasicBlock(64, 64), BasicBlock(64, 64))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512))
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


ARCHITECTURES = {"mlp": MLP, "resnet_cnn": ResNetCNN, "transformer_block": TransformerBlock, "resnet18": ResNet18}


def round_orders(variants, seed=1):
    """engine/bench/timer.ts roundOrders(): a shuffled order, then its mirror, and again."""
    rng = random.Random(seed)
    current = []

    def order(r):
        nonlocal current
        if r % 2 == 1:
            return list(reversed(current))
        current = list(variants)
        rng.shuffle(current)
        return current

    return order


def measure_interleaved(variants, plan):
    """engine/bench/timer.ts measureInterleaved(): warm-up, calibrated blocks, rounds in a shuffled
    order mirrored every other round, stop on a tight median CI after min time, or at max time."""
    end = now_ms() + plan["warmupMs"]
    rounds = 0
    while rounds < 2 or now_ms() < end:
        order = variants if rounds % 2 == 0 else list(reversed(variants))
        for _, block in order:
            block(1)
        rounds += 1
    calls = {name: choose_calls(block) for name, block in variants}
    samples = {name: [] for name, _ in variants}
    start = now_ms()
    last_check = start
    rounds = 0
    reason = "max-blocks"
    order_of = round_orders(variants)
    while rounds < plan["maxBlocks"]:
        for name, block in order_of(rounds):
            samples[name].append(time_block(block, calls[name]) / calls[name])
        rounds += 1
        elapsed = now_ms() - start
        if elapsed >= plan["maxTimeMs"]:
            reason = "max-time"
            break
        if elapsed >= plan["minTimeMs"] and rounds >= plan["minBlocks"] and now_ms() - last_check >= 100:
            last_check = now_ms()
            if all(rel_ci_half_width(s) <= plan["targetRelCi"] for s in samples.values()):
                reason = "converged"
                break
    return samples, calls, rounds, reason


def rel_ci_half_width(samples):
    """engine/bench/stats.ts relativeCiHalfWidth(): the median's order-statistic 95% CI."""
    n = len(samples)
    if n < 3:
        return math.inf
    xs = sorted(samples)
    half = 1.96 * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half))
    hi = min(n - 1, math.ceil(n / 2 + half) - 1)
    median = quantile(xs, 0.5)
    return (xs[max(lo, hi)] - xs[lo]) / 2 / median if median > 0 else math.inf


def make_input(spec):
    if spec.get("dtype", "float32") in ("int64", "int32", "long", "int"):
        return torch.randint(spec.get("low", 0), spec["high"], spec["shape"])
    return torch.randn(spec["shape"])


def model_latency(name, spec, plan):
    """One example architecture in torch eager, torch.jit.trace, and trace + optimize_for_inference,
    the three interleaved in rounds like Tandem's modes."""
    torch.manual_seed(0)
    model = ARCHITECTURES[name]().eval()
    x = make_input(spec)
    with torch.no_grad():
        traced = torch.jit.trace(model, (x,))
        optimized = torch.jit.optimize_for_inference(torch.jit.trace(model, (x,)))
        output_shape = list(model(x).shape)

        def block_of(fn):
            def block(calls):
                with torch.no_grad():
                    for _ in range(calls):
                        fn(x)

            return block

        variants = [("eager", block_of(model)), ("jit.trace", block_of(traced)), ("jit.trace+optimize_for_inference", block_of(optimized))]
        samples, calls, rounds, reason = measure_interleaved(variants, plan)
    return {
        "model": name,
        "inputShape": spec["shape"],
        "parameters": sum(p.numel() for p in model.parameters()),
        "outputShape": output_shape,
        "rounds": rounds,
        "stopReason": reason,
        "variants": [
            dict(summarize(samples[v]), name=v, callsPerBlock=calls[v], mean=sum(samples[v]) / len(samples[v]), p99=quantile(sorted(samples[v]), 0.99))
            for v, _ in variants
        ],
    }


def cpu_capability():
    """The SIMD level torch's own kernels dispatch to (AVX2, AVX512...); torch 1.13 only prints it."""
    match = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return match.group(1) if match else None


def main():
    request = json.loads(sys.argv[1])
    threads = request["threads"]
    torch.set_num_threads(threads)
    env_keys = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    if "models" in request:
        # The example architectures (npm run bench, models part); one thread count per process,
        # since OpenBLAS sizes its pool from the environment at start-up.
        results = [model_latency(m["name"], m["input"], request["plan"]) for m in request["models"]]
        json.dump(
            {
                "torch": torch.__version__,
                "python": sys.version.split()[0],
                "threads": torch.get_num_threads(),
                "cpuCapability": cpu_capability(),
                "env": {k: os.environ.get(k) for k in env_keys},
                "models": results,
            },
            sys.stdout,
        )
        sys.stdout.write("\n")
        return
    with torch.inference_mode():
        add = eager_add(request["plans"]["eager"], request["chainLength"], request["chainShape"])
        mlp = mlp_latency(request["plans"]["mlp"], request["mlpInput"])
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
