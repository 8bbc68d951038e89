/**
 * The caller's side of a benchmark: starts a bench worker (dist/bench.mjs), hands it the request,
 * relays its progress, asks it to stop when `signal` aborts (it then replies with what it
 * measured), and kills it past the time limit. Meanwhile it reads the worker's VmRSS from
 * /proc/<pid>/status itself: an RSS figure independent of the worker's own sampler.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type BenchOutcome, type BenchProgress, BenchRequest, type BenchRequestInput } from "../../shared/bench";
import type { ModelError } from "../../shared/run";
import type * as Build from "../../bin/build.mjs";
import { ROOT } from "../paths";
import { readVmRss } from "./memory";
import { FromBenchWorker, type ToBenchWorker } from "./protocol";

const STARTUP_LIMIT_MS = 60_000;
const STDERR_TAIL = 4_000;
/** How often the parent reads the worker's VmRSS. */
export const PARENT_RSS_INTERVAL_MS = 10;

export interface BenchRunOptions {
  onProgress?: (p: BenchProgress) => void;
  /** Aborting asks the worker to stop after the block in progress and reply with what it has. */
  signal?: AbortSignal;
  maxOldSpaceMb?: number;
}

/** A generous limit for the whole job from its own budgets: per case warm-up, measuring, set-up and profiles. */
export function defaultTimeoutMs(request: BenchRequest): number {
  const cases = request.batches?.length ?? 1;
  const perCase = (request.warmupS + Math.max(request.maxTimeS, request.minTimeS)) * 1000 + 120_000;
  return (request.file === null ? 0 : cases * perCase) + (request.peak ? 120_000 : 0) + 30_000;
}

/**
 * bin/build.mjs finds the sources relative to its own file, so it is loaded from the repository
 * at run time (a specifier the bundler leaves alone) rather than bundled into a dist/ chunk,
 * where it would look for them under dist/.
 */
async function benchWorkerPath(): Promise<string> {
  const build = (await import(/* @vite-ignore */ pathToFileURL(path.join(ROOT, "bin/build.mjs")).href)) as typeof Build;
  return (await build.ensureBuilt()).bench;
}

function failure(kind: ModelError["kind"], message: string, stack: string[] = []): BenchOutcome {
  return { ok: false, error: { kind, message, location: null, stack, op: null } };
}

export async function runBench(input: BenchRequestInput, options: BenchRunOptions = {}): Promise<BenchOutcome> {
  const request = BenchRequest.parse(input);
  const timeoutMs = request.timeoutMs ?? defaultTimeoutMs(request);
  const bench = await benchWorkerPath();
  const child: ChildProcess = fork(bench, [], {
    execArgv: [`--max-old-space-size=${options.maxOldSpaceMb ?? 4096}`],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
  child.stdout?.on("data", () => {});

  // Independent RSS: the parent's event loop is free while the worker computes.
  let rssSamples = 0;
  let rssPeak = 0;
  const rssTimer = setInterval(() => {
    if (child.pid === undefined) return;
    const rss = readVmRss(child.pid);
    if (rss === null) return;
    rssSamples++;
    rssPeak = Math.max(rssPeak, rss);
  }, PARENT_RSS_INTERVAL_MS);

  return new Promise<BenchOutcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: BenchOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(rssTimer);
      options.signal?.removeEventListener("abort", stop);
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      if (outcome.ok && outcome.result) {
        outcome.result.independentRss = rssSamples
          ? { source: `/proc/${child.pid}/status VmRSS, read by the parent every ${PARENT_RSS_INTERVAL_MS} ms`, samples: rssSamples, peakBytes: rssPeak }
          : { missing: "/proc/<pid>/status could not be read (not Linux?)" };
      }
      resolve(outcome);
    };
    const send = (message: ToBenchWorker) => {
      if (child.connected) child.send(message);
    };
    const stop = () => send({ type: "stop" });
    options.signal?.addEventListener("abort", stop);

    timer = setTimeout(() => finish(failure("internal", `the bench worker did not start within ${STARTUP_LIMIT_MS / 1000} s`)), STARTUP_LIMIT_MS);
    child.on("message", (raw: unknown) => {
      const parsed = FromBenchWorker.safeParse(raw);
      if (!parsed.success) {
        finish(failure("internal", `malformed message from the bench worker: ${parsed.error.issues[0]?.message ?? "invalid"}`));
        return;
      }
      const message = parsed.data;
      if (message.type === "ready") {
        clearTimeout(timer);
        timer = setTimeout(() => finish(failure("timeout", `the benchmark did not finish within ${Math.round(timeoutMs / 1000)} s and its worker was stopped; raise the limit with --timeout`)), timeoutMs);
        send({ type: "bench", request });
        if (options.signal?.aborted) stop();
      } else if (message.type === "progress") {
        options.onProgress?.(message.progress);
      } else {
        finish(message.outcome);
      }
    });
    child.on("error", (error) => finish(failure("internal", `could not start the bench worker: ${error.message}`)));
    child.on("exit", (code, signal) => {
      const tail = stderr.trim().split("\n").filter((l) => l.trim()).slice(-8);
      if (/heap out of memory|Allocation failed|out of memory/i.test(stderr)) {
        finish(failure("oom", `the model ran out of memory (worker heap limit ${options.maxOldSpaceMb ?? 4096} MB) and its worker was stopped`, tail));
      } else {
        finish(failure("crash", `the bench worker died before the benchmark finished (${signal ? `signal ${signal}` : `exit code ${code}`})`, tail));
      }
    });
  });
}
