import os from "node:os";
import type { BenchProgress } from "../../shared/bench";
import type { LogEntry } from "../../shared/run";
import { type JobEnd, type JobSpec, type WorkerLauncher, WorkerProcess, jobError, nodeLauncher } from "../runner/worker-process";
import type { WorkerPhase } from "../worker/protocol";

/**
 * A pool of long-lived worker processes and a queue of jobs for them. Jobs run one per worker, in
 * the order they came; a job that times out, is cancelled, crashes its worker or runs it out of
 * memory takes only that worker down, and a fresh one replaces it while the other jobs go on.
 */

export interface PoolOptions {
  /** How workers are started: Node child processes by default, Electron utility processes in the app. */
  launcher?: WorkerLauncher;
  /** Most workers at once; by default one per CPU core but one, between 1 and 4. */
  size?: number;
  /** Workers kept started while idle, so that a job does not wait for one to boot (default 1). */
  warm?: number;
  /** V8 heap limit of each worker, in MB (default 4096): a model that needs more fails as `oom`. */
  maxOldSpaceMb?: number;
  /** A worker is replaced after this many jobs, whatever the models left in its globals (default 25). */
  maxJobsPerWorker?: number;
  startupTimeoutMs?: number;
  /** Where the pool says what it did (a worker replaced, a start that failed). */
  log?: (line: string) => void;
  /**
   * Have each new worker load the type checker while it waits for its first job (default false):
   * worth it for a long-lived window, whose first run would otherwise wait seconds for its check.
   */
  warmTypecheck?: boolean;
}

export interface PoolJob {
  spec: JobSpec;
  timeoutMs: number;
  timeoutAdvice?: string;
  /** Aborting cancels the job: dropped from the queue, or its worker killed. */
  signal?: AbortSignal;
  /** Aborting asks a running benchmark to finish early with what it has (see JobOptions.stop). */
  stop?: AbortSignal;
  onLog?: (entry: LogEntry) => void;
  onPhase?: (phase: WorkerPhase) => void;
  onBenchProgress?: (progress: BenchProgress) => void;
  /** The job's place in the queue (1 = next), each time it changes. */
  onQueued?: (position: number) => void;
  /** The job was handed to the worker with this process id. */
  onStarted?: (pid: number | undefined) => void;
}

export type PoolEnd = JobEnd | { type: "cancelled" };

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/** Consecutive failed starts after which queued jobs fail instead of waiting for a worker. */
const START_ATTEMPTS = 3;

interface Entry {
  job: PoolJob;
  resolve: (end: PoolEnd) => void;
  position: number;
  worker: WorkerProcess | null;
  done: boolean;
}

export class WorkerPool {
  readonly size: number;
  private readonly launcher: WorkerLauncher;
  private readonly warm: number;
  private readonly workerOptions: { maxOldSpaceMb: number; startupTimeoutMs: number };
  private readonly maxJobs: number;
  private readonly log: (line: string) => void;
  private readonly warmTypecheck: boolean;
  private readonly workers = new Set<WorkerProcess>();
  private readonly queue: Entry[] = [];
  private failedStarts = 0;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.launcher = options.launcher ?? nodeLauncher();
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.warm = Math.min(this.size, Math.max(0, options.warm ?? 1));
    this.workerOptions = { maxOldSpaceMb: options.maxOldSpaceMb ?? 4096, startupTimeoutMs: options.startupTimeoutMs ?? 60_000 };
    this.maxJobs = options.maxJobsPerWorker ?? 25;
    this.log = options.log ?? (() => {});
    this.warmTypecheck = options.warmTypecheck ?? false;
    this.pump();
  }

  /** Workers and the queue, for status displays and tests. */
  stats(): { workers: { pid: number | undefined; state: string; jobs: number }[]; queued: number } {
    return { workers: [...this.workers].map((w) => ({ pid: w.pid, state: w.state, jobs: w.jobs })), queued: this.queue.length };
  }

  /** Runs a job on the next free worker; never rejects. */
  submit(job: PoolJob): Promise<PoolEnd> {
    if (this.closed) return Promise.resolve({ type: "cancelled" });
    if (job.signal?.aborted) return Promise.resolve({ type: "cancelled" });
    return new Promise<PoolEnd>((resolve) => {
      const entry: Entry = { job, resolve, position: 0, worker: null, done: false };
      job.signal?.addEventListener("abort", () => this.cancel(entry), { once: true });
      this.queue.push(entry);
      this.failedStarts = 0; // a new job gets fresh attempts at starting workers
      this.pump();
    });
  }

  /** Stops every worker; queued and running jobs end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue.splice(0)) this.finish(entry, { type: "cancelled" });
    const deaths = [...this.workers].map((w) => new Promise<void>((resolve) => w.onDeath(() => resolve())));
    for (const worker of this.workers) worker.kill();
    await Promise.all(deaths);
  }

  private finish(entry: Entry, end: PoolEnd): void {
    if (entry.done) return;
    entry.done = true;
    entry.resolve(end);
  }

  private cancel(entry: Entry): void {
    if (entry.done) return;
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.finish(entry, { type: "cancelled" });
    if (entry.worker) {
      this.log(`cancelled a job: stopping worker ${entry.worker.pid ?? "?"}`);
      entry.worker.kill(); // the model may be in a loop: only killing the process stops it
    }
    this.pump();
  }

  private live(): WorkerProcess[] {
    return [...this.workers].filter((w) => w.state === "starting" || w.state === "idle" || w.state === "busy");
  }

  private pump(): void {
    if (this.closed) return;
    for (const worker of this.workers) {
      if (worker.state !== "idle") continue;
      const entry = this.queue.shift();
      if (!entry) break;
      this.assign(worker, entry);
    }
    const live = this.live();
    const starting = live.filter((w) => w.state === "starting").length;
    const unserved = Math.max(0, this.queue.length - starting); // jobs no starting worker will take
    const wanted = Math.min(this.size, Math.max(live.length + unserved, this.warm));
    for (let n = live.length; n < wanted && this.failedStarts < START_ATTEMPTS; n++) this.spawn();
    this.queue.forEach((entry, i) => {
      if (entry.position !== i + 1) {
        entry.position = i + 1;
        entry.job.onQueued?.(i + 1);
      }
    });
  }

  private spawn(): void {
    const worker = new WorkerProcess(this.launcher, this.workerOptions);
    this.workers.add(worker);
    worker.onDeath(() => {
      this.workers.delete(worker);
      this.pump();
    });
    worker.ready.then(
      () => {
        this.failedStarts = 0;
        this.pump();
        // Only a worker no job is waiting for: a job that comes during the warm-up waits for it.
        if (this.warmTypecheck && worker.state === "idle") worker.warm();
      },
      (error: unknown) => {
        if (this.closed) return;
        this.failedStarts++;
        const reason = error instanceof Error ? error.message : String(error);
        this.log(`a worker failed to start (${this.failedStarts}/${START_ATTEMPTS}): ${reason}`);
        if (this.failedStarts >= START_ATTEMPTS && !this.live().length) {
          for (const entry of this.queue.splice(0)) this.finish(entry, { type: "failed", error: jobError("internal", reason), logs: [] });
        }
      },
    );
  }

  private assign(worker: WorkerProcess, entry: Entry): void {
    entry.worker = worker;
    entry.job.onStarted?.(worker.pid);
    const { spec, timeoutMs, timeoutAdvice, stop, onLog, onPhase, onBenchProgress } = entry.job;
    const options = { timeoutMs, ...(timeoutAdvice ? { timeoutAdvice } : {}), ...(stop ? { stop } : {}), ...(onLog ? { onLog } : {}), ...(onPhase ? { onPhase } : {}), ...(onBenchProgress ? { onBenchProgress } : {}) };
    worker.run(spec, options).then(
      (end) => {
        this.finish(entry, end);
        if (end.type === "failed") this.log(`worker ${worker.pid ?? "?"} ended its job: ${end.error.kind}: ${end.error.message}`);
        if (worker.state === "idle" && worker.jobs >= this.maxJobs) worker.kill(); // a fresh one takes over
        else if (worker.state === "retired") worker.kill(); // unclean (timers or tensors left behind): replace it
        this.pump();
      },
      (error: unknown) => {
        this.finish(entry, { type: "failed", error: jobError("internal", error instanceof Error ? error.message : String(error)), logs: [] });
        this.pump();
      },
    );
  }
}
