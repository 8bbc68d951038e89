import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, nn } from "../api";
import { flattenOutputs } from "../eager/outputs";
import type { Execution, ExecutionContext } from "./execution";
import { summarize } from "./summarize";

/** Runs forward inside a tfjs scope so every intermediate tensor is freed when it ends. */
export function timedForward<T>(model: nn.Module, args: Tensor[], use: (output: unknown) => T): { ms: number; value: T } {
  tf.engine().startScope();
  try {
    const start = performance.now();
    const output = (model as unknown as (...a: Tensor[]) => unknown)(...args);
    const ms = performance.now() - start;
    return { ms, value: use(output) };
  } finally {
    tf.engine().endScope();
  }
}

/** Eager mode: forward once cold, then `repeat` times warm. */
export function runEager(ctx: ExecutionContext): Execution {
  const { model, args, request } = ctx;
  const first = timedForward(model, args, (output) => flattenOutputs(output).map(([name, t]) => summarize(name, t, request.previewValues)));
  ctx.muteLogs(true);
  const warmMs: number[] = [];
  for (let i = 0; i < request.repeat; i++) warmMs.push(timedForward(model, args, () => null).ms);
  ctx.muteLogs(false);
  return { outputs: first.value, firstForwardMs: first.ms, warmMs, graph: null };
}
