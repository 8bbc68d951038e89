import type { RunResult } from "../../shared/run";
import { RSS_SOURCE, rssNow, startRssSampler } from "../bench/memory";

/** Often enough to catch a forward pass of a few ms; a run is short, so the samples stay few. */
const INTERVAL_MS = 2;
/** 10 minutes at 2 ms: more than a run's time limit allows. */
const CAPACITY = 300_000;

/**
 * Runs `body` with a sampler thread reading the process's RSS: the kernels run synchronously on
 * this thread, so only another thread sees the peak inside a forward pass. The baseline is read
 * once the sampler runs, so the thread's own memory is not counted as the model's. Samples are
 * also read on this thread after `body`, so a run shorter than one interval still has a figure.
 */
export async function measureMemory<T>(body: () => Promise<T>): Promise<{ value: T; memory: RunResult["memory"] }> {
  const sampler = await startRssSampler(INTERVAL_MS, CAPACITY);
  const baselineBytes = rssNow();
  try {
    const value = await body();
    const after = rssNow();
    const samples = await sampler.stop();
    const peakBytes = samples.reduce((peak, s) => Math.max(peak, s.bytes), Math.max(baselineBytes, after));
    return { value, memory: { source: `${RSS_SOURCE} every ${INTERVAL_MS} ms`, samples: samples.length, baselineBytes, peakBytes } };
  } finally {
    await sampler.stop();
  }
}
