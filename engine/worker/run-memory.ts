import { Worker } from "node:worker_threads";
import type { RunResult } from "../../shared/run";
import { RSS_SOURCE, rssNow } from "../measure/memory";

/** Often enough to catch a forward pass of a few ms. */
const INTERVAL_MS = 2;

// The thread's body, run with eval: sleeps until armed, then reads RSS every interval into a running
// maximum until disarmed. It blocks in Atomics.wait, so an idle worker pays nothing for it.
const PEAK_SOURCE = `
const { workerData } = require("node:worker_threads");
const control = new Int32Array(workerData.control); // [armed, samples]
const peak = new Float64Array(workerData.peak);
for (;;) {
  Atomics.wait(control, 0, 0);
  while (Atomics.load(control, 0) === 1) {
    const rss = process.memoryUsage.rss();
    if (rss > peak[0]) peak[0] = rss;
    Atomics.add(control, 1, 1);
    Atomics.wait(control, 0, 1, workerData.intervalMs);
  }
}
`;

interface PeakThread {
  control: Int32Array;
  peak: Float64Array;
}

let thread: PeakThread | null = null;

/**
 * One sampler thread per worker process, kept between runs: starting a thread costs ~50 ms here,
 * more than a small model's whole run.
 */
function peakThread(): PeakThread {
  if (thread) return thread;
  const control = new SharedArrayBuffer(2 * 4);
  const peak = new SharedArrayBuffer(8);
  const worker = new Worker(PEAK_SOURCE, { eval: true, workerData: { control, peak, intervalMs: INTERVAL_MS } });
  worker.unref(); // it never keeps the worker alive
  thread = { control: new Int32Array(control), peak: new Float64Array(peak) };
  return thread;
}

function arm(t: PeakThread, armed: boolean): void {
  Atomics.store(t.control, 0, armed ? 1 : 0);
  Atomics.notify(t.control, 0);
}

/**
 * Runs `body` with a thread reading the process's RSS: the kernels run synchronously on this
 * thread, so only another thread sees the peak inside a forward pass. RSS is also read on this
 * thread before and after `body`, so a run shorter than one interval (or one that ends before the
 * thread's first read) still has a figure.
 */
export async function measureMemory<T>(body: () => Promise<T>): Promise<{ value: T; memory: RunResult["memory"] }> {
  const t = peakThread();
  t.peak[0] = 0;
  Atomics.store(t.control, 1, 0);
  const baselineBytes = rssNow();
  arm(t, true);
  try {
    const value = await body();
    const after = rssNow();
    arm(t, false);
    const peakBytes = Math.max(baselineBytes, after, t.peak[0] ?? 0);
    return { value, memory: { source: `${RSS_SOURCE} every ${INTERVAL_MS} ms`, samples: Atomics.load(t.control, 1), baselineBytes, peakBytes } };
  } finally {
    arm(t, false);
  }
}
