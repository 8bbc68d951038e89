/**
 * The worker's resident set size, read from the OS while the model runs. The main thread is busy
 * inside kernels (tfjs-wasm and onnxruntime-node both run synchronously), so a timer on it would
 * never fire mid-forward: a sampler *thread* reads RSS every few ms instead, and tags each sample
 * with the variant the main thread says is running (a shared Int32, written before each block).
 *
 * RSS is read with process.memoryUsage.rss(), which libuv takes from /proc/self/stat (resident
 * pages × page size) on Linux: process-wide, so the sampler thread sees the main thread's memory.
 * It is kept apart from the kernel library's own counters (tfjs memory()/profile()), which count
 * tensor bytes, not what the process holds.
 */
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

export const RSS_SOURCE = "process.memoryUsage.rss() (libuv: /proc/self/stat resident pages × page size), read by a sampler thread";

export interface RssSample {
  /** ms since the sampler started. */
  tMs: number;
  bytes: number;
  /** Index of the block running then (see BlockStart), or -1 between blocks. */
  tag: number;
}

const CONTROL = 4; // Int32 slots: [tag, count, stop, spare]
const FIELDS = 3; // Float64 per sample: t, bytes, tag

// The thread's body, run with eval: a plain CommonJS script.
const SAMPLER_SOURCE = `
const { workerData } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
const data = new Float64Array(workerData.data);
const capacity = workerData.capacity;
const interval = workerData.intervalMs;
const start = performance.now();
function sample() {
  const n = Atomics.load(control, 1);
  if (n < capacity) {
    data[n * 3] = performance.now() - start;
    data[n * 3 + 1] = process.memoryUsage.rss();
    data[n * 3 + 2] = Atomics.load(control, 0);
    Atomics.store(control, 1, n + 1);
  }
}
sample();
const timer = setInterval(() => {
  if (Atomics.load(control, 2) === 1) { clearInterval(timer); sample(); return; }
  sample();
}, interval);
`;

export interface RssSampler {
  /** Tags the following samples with a block index, or -1 (none running). */
  tag(block: number): void;
  /** Samples taken so far (a copy), in time order. */
  samples(): RssSample[];
  stop(): Promise<RssSample[]>;
}

/** Starts a sampler thread; up to `capacity` samples are kept (the rest are dropped and counted). */
export async function startRssSampler(intervalMs: number, capacity = 400_000): Promise<RssSampler> {
  const control = new SharedArrayBuffer(CONTROL * 4);
  const data = new SharedArrayBuffer(capacity * FIELDS * 8);
  const ints = new Int32Array(control);
  const floats = new Float64Array(data);
  Atomics.store(ints, 0, -1);
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { control, data, capacity, intervalMs } });
  worker.unref();
  // Wait for its first sample, so a run that starts right away is covered.
  const ready = Date.now();
  while (Atomics.load(ints, 1) === 0 && Date.now() - ready < 5000) await new Promise((r) => setTimeout(r, 1));
  const read = (): RssSample[] => {
    const n = Atomics.load(ints, 1);
    const out: RssSample[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { tMs: floats[i * FIELDS] as number, bytes: floats[i * FIELDS + 1] as number, tag: floats[i * FIELDS + 2] as number };
    return out;
  };
  let stopped = false;
  return {
    tag: (block) => Atomics.store(ints, 0, block),
    samples: read,
    async stop() {
      if (stopped) return read();
      stopped = true;
      Atomics.store(ints, 2, 1);
      await new Promise((r) => setTimeout(r, Math.min(50, intervalMs * 2)));
      await worker.terminate();
      return read();
    },
  };
}

/** RSS now, from the same source as the sampler. */
export const rssNow = (): number => process.memoryUsage.rss();

/** VmRSS of another process, from /proc/<pid>/status (Linux); null where it cannot be read. */
export function readVmRss(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** One timed block, as the main thread saw it start: the sampler tags samples with its index. */
export interface BlockStart {
  variant: number;
  /** RSS read by the main thread right before the block's clock started. */
  startBytes: number;
}

/**
 * For one variant: samples taken during its blocks, their peak, and the largest rise of RSS within
 * one of its blocks above the RSS at that block's start (the transient memory a block of forwards
 * needs). Samples are tagged with block indices; -1 is "between blocks".
 */
export function variantMemory(samples: readonly RssSample[], blocks: readonly BlockStart[], variant: number): { count: number; peak: number | null; rise: number | null } {
  let count = 0;
  let peak: number | null = null;
  let rise: number | null = null;
  for (const s of samples) {
    const block = s.tag >= 0 ? blocks[s.tag] : undefined;
    if (!block || block.variant !== variant) continue;
    count++;
    peak = Math.max(peak ?? s.bytes, s.bytes);
    rise = Math.max(rise ?? 0, s.bytes - block.startBytes);
  }
  return { count, peak, rise };
}

export function peakBytes(samples: readonly RssSample[]): number | null {
  let peak: number | null = null;
  for (const s of samples) peak = Math.max(peak ?? s.bytes, s.bytes);
  return peak;
}

/** Evenly thinned to at most `max` points, keeping the global peak. */
export function thin<T extends { bytes: number }>(samples: readonly T[], max: number): T[] {
  if (samples.length <= max) return [...samples];
  let peakAt = 0;
  samples.forEach((s, i) => {
    if (s.bytes > (samples[peakAt] as T).bytes) peakAt = i;
  });
  const step = samples.length / max;
  const picked = new Set<number>([peakAt]);
  for (let i = 0; i < max - 1; i++) picked.add(Math.floor(i * step));
  return [...picked].sort((a, b) => a - b).map((i) => samples[i] as T);
}
