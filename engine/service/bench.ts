import path from "node:path";
import { BenchRequest } from "../../shared/bench";
import type { Params, Result } from "../../shared/contract";
import { defaultPeakCache } from "../bench/peak";
import { saveBenchOutcome } from "../store/save";
import { benchOnPool } from "./bench-job";
import { type CallContext, ServiceError } from "./call";
import type { WorkerPool } from "./pool";
import type { StoreAccess } from "./store-access";

/**
 * The `bench` method: a benchmark as a job on the pool's workers (engine/service/bench-job.ts),
 * streaming progress. Benchmarks run one at a time, because two at once would each measure the
 * other's load; a call waits its turn as `queued`. Cancelling asks the worker to finish the block
 * in progress and answer with what it measured (interrupted: true).
 */

export interface BenchDeps {
  model(ref: NonNullable<Params<"bench">["model"]>): { file: string; source?: string };
  store: StoreAccess;
  pool: WorkerPool;
  /** Where relative paths (onnxDir) resolve. */
  baseDir: string;
  timeoutAdvice?: string;
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

  return async ({ model, session, timeoutMs, onnxDir, ...request }, context) => {
    const { file, source } = model ? deps.model(model) : { file: null, source: undefined };
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
      const job = BenchRequest.parse({
        ...request,
        file,
        ...(source === undefined ? {} : { source }),
        peakCache: defaultPeakCache(),
        onnxDir: onnxDir ? path.resolve(deps.baseDir, onnxDir) : null,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      const outcome = await benchOnPool(deps.pool, job, {
        onProgress: (p) => context.benchProgress(p),
        stop: AbortSignal.any([context.signal, deps.closing]),
        ...(deps.timeoutAdvice ? { timeoutAdvice: deps.timeoutAdvice } : {}),
      });
      if ("cancelled" in outcome) throw new ServiceError("cancelled", `call ${context.id} was cancelled`);
      if (file === null) return outcome; // a machine's peak alone: no run of a model to save
      const target = { session: session ?? "", modelFile: file, ...(source === undefined ? {} : { source }) };
      return { ...outcome, ...(await deps.store.saveInto(session, (store) => saveBenchOutcome(store, target, outcome))) };
    } finally {
      calls--;
      release();
    }
  };
}
