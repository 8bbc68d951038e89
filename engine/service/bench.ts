import type { Params, Result } from "../../shared/contract";
import { defaultPeakCache } from "../bench/peak";
import { runBench } from "../bench/runner";
import { saveBenchOutcome } from "../store/save";
import { type CallContext, ServiceError } from "./call";
import type { StoreAccess } from "./store-access";

/**
 * The `bench` method: a benchmark in a bench worker of its own (engine/bench/runner.ts), outside
 * the pool, since it lasts minutes and streams progress. Benchmarks run one at a time, because two
 * at once would each measure the other's load; a call waits its turn as `queued`. Cancelling asks
 * the worker to finish the block in progress and answer with what it measured (interrupted: true).
 */

export interface BenchDeps {
  model(ref: Params<"bench">["model"]): { file: string; source?: string };
  store: StoreAccess;
  maxOldSpaceMb?: number;
  /** Aborted when the service closes: running benchmarks stop too. */
  closing: AbortSignal;
}

/** Resolves when `signal` aborts (never, if it does not). */
const aborted = (signal: AbortSignal): Promise<void> => new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));

export function benchHandler(deps: BenchDeps): (params: Params<"bench">, context: CallContext) => Promise<Result<"bench">> {
  /** Settles when every benchmark started so far has finished. */
  let tail: Promise<unknown> = Promise.resolve();
  /** Calls running or waiting. */
  let calls = 0;

  return async ({ model, session, timeoutMs, ...request }, context) => {
    const { file, source } = deps.model(model);
    const ahead = calls++;
    const previous = tail;
    let release = (): void => {};
    // The next call waits for this one and, if this one gave up waiting, for the one before it too.
    tail = Promise.all([previous, new Promise<void>((resolve) => (release = resolve))]);
    try {
      if (ahead > 0) {
        context.progress({ phase: "queued", position: ahead });
        await Promise.race([previous, aborted(context.signal)]);
      }
      if (context.signal.aborted) throw new ServiceError("cancelled", `call ${context.id} was cancelled before it started`);
      const outcome = await runBench(
        { ...request, file, ...(source === undefined ? {} : { source }), peakCache: defaultPeakCache(), ...(timeoutMs === undefined ? {} : { timeoutMs }) },
        { onProgress: (p) => context.benchProgress(p), signal: AbortSignal.any([context.signal, deps.closing]), ...(deps.maxOldSpaceMb ? { maxOldSpaceMb: deps.maxOldSpaceMb } : {}) },
      );
      const target = { session: session ?? "", modelFile: file, ...(source === undefined ? {} : { source }) };
      return { ...outcome, ...(await deps.store.saveInto(session, (store) => saveBenchOutcome(store, target, outcome))) };
    } finally {
      calls--;
      release();
    }
  };
}
