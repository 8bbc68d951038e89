/**
 * The supervisor's side of a benchmark: a `bench` job on the worker pool like any other (time
 * limit, watchdog, crash and out-of-memory reports are the pool's), plus what only a benchmark
 * wants: a generous default limit from its own budgets, a stop that keeps what was measured, and
 * an RSS figure independent of the worker's own sampler, read from /proc/<pid>/status here while
 * the worker computes.
 */
import type { BenchOutcome, BenchProgress, BenchRequest } from "../../shared/bench";
import { readVmRss } from "../measure/memory";
import { type PoolEnd, type WorkerPool } from "./pool";

/** How often the supervisor reads the worker's VmRSS. */
export const PARENT_RSS_INTERVAL_MS = 10;

/** A generous limit for the whole job from its own budgets: per case warm-up, measuring, set-up and profiles. */
export function defaultTimeoutMs(request: BenchRequest): number {
  const cases = request.batches?.length ?? 1;
  const perCase = (request.warmupS + Math.max(request.maxTimeS, request.minTimeS)) * 1000 + 120_000;
  return (request.file === null ? 0 : cases * perCase) + (request.peak ? 120_000 : 0) + 30_000;
}

export interface BenchJobOptions {
  onProgress?: (progress: BenchProgress) => void;
  /** Aborting asks the worker to stop after the block in progress and reply with what it has. */
  stop?: AbortSignal;
  /** Aborting cancels the job outright (its worker is killed): the end is `cancelled`. */
  cancel?: AbortSignal;
  /** Appended to the time-out message: how to raise the limit where the benchmark came from. */
  timeoutAdvice?: string;
}

/** Reads a process's VmRSS every PARENT_RSS_INTERVAL_MS until stopped; the parent's loop is free meanwhile. */
function rssWatch(): { watch(pid: number | undefined): void; stop(): { pid: number | undefined; samples: number; peakBytes: number } } {
  let pid: number | undefined;
  let samples = 0;
  let peakBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    watch(watched) {
      pid = watched;
      if (pid === undefined) return;
      const read = pid;
      timer = setInterval(() => {
        const rss = readVmRss(read);
        if (rss === null) return;
        samples++;
        peakBytes = Math.max(peakBytes, rss);
      }, PARENT_RSS_INTERVAL_MS);
    },
    stop() {
      clearInterval(timer);
      return { pid, samples, peakBytes };
    },
  };
}

/** Runs a benchmark on the pool; `cancelled` only when `cancel` aborted, else an outcome. */
export async function benchOnPool(pool: WorkerPool, request: BenchRequest, options: BenchJobOptions = {}): Promise<BenchOutcome | { cancelled: true }> {
  const timeoutMs = request.timeoutMs ?? defaultTimeoutMs(request);
  const rss = rssWatch();
  let end: PoolEnd;
  try {
    end = await pool.submit({
      spec: { type: "bench", request: { ...request, timeoutMs } }, // the worker's watchdog looks just before it
      timeoutMs,
      ...(options.timeoutAdvice ? { timeoutAdvice: options.timeoutAdvice } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
      ...(options.cancel ? { signal: options.cancel } : {}),
      ...(options.onProgress ? { onBenchProgress: options.onProgress } : {}),
      onStarted: (pid) => rss.watch(pid),
    });
  } finally {
    rss.stop();
  }
  if (end.type === "cancelled") return { cancelled: true };
  if (end.type === "failed") return { ok: false, error: end.error };
  if (end.reply.type !== "bench") {
    const message = end.reply.type === "error" ? end.reply.message : `the worker answered a benchmark with a ${end.reply.type} reply`;
    return { ok: false, error: { kind: "internal", message, location: null, stack: [], op: null } };
  }
  const outcome = end.reply.outcome;
  const parent = rss.stop();
  if (outcome.ok && outcome.result) {
    outcome.result.independentRss = parent.samples
      ? { source: `/proc/${parent.pid}/status VmRSS, read by the parent every ${PARENT_RSS_INTERVAL_MS} ms`, samples: parent.samples, peakBytes: parent.peakBytes }
      : { missing: "/proc/<pid>/status could not be read (not Linux?)" };
  }
  return outcome;
}
