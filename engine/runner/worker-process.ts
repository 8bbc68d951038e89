import { type ChildProcess, fork } from "node:child_process";
import type { BenchProgress, BenchRequest } from "../../shared/bench";
import type { LogEntry, ModelError, RunRequest } from "../../shared/run";
import { workerBundle } from "../bundles";
import { FromWorker, type ToWorker, type WorkerPhase, type WorkerReply } from "../worker/protocol";
import { formatLocation } from "../model/stack";
import { type WatchdogReport, findWatchdogReport, isWatchdogLine } from "../worker/watchdog-report";
import { workerEnvironment } from "./worker-env";

/**
 * One worker process under supervision: started through a launcher (a Node child process here, an
 * Electron utilityProcess in the desktop app), given one job at a time, stopped at the job's time
 * limit, and its death (crash, out-of-memory) turned into a clear failure of the job it was running.
 * The only supervisor: the service's pool (engine/service/pool.ts) keeps these for the window and,
 * as a pool of one in process, for the CLI; runs, checks and benchmarks are all jobs here.
 */

/** How a worker process ended: an exit code or a signal, or why it could not start at all. */
export interface WorkerExit {
  code: number | null;
  signal: string | null;
  error?: string;
}

/** What a supervisor needs of a process; Node's ChildProcess and Electron's UtilityProcess both give it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (raw: unknown) => void): void;
  onOutput(listener: (stream: "stdout" | "stderr", text: string) => void): void;
  /** Called once, when the process is gone (or never started). */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Ends the process at once (SIGKILL): user code may be in an infinite loop. */
  kill(): void;
}

export interface WorkerLauncher {
  readonly name: string;
  launch(options: { maxOldSpaceMb: number }): Promise<WorkerHandle>;
}

/** Wraps a forked Node process. */
export function childProcessHandle(child: ChildProcess): WorkerHandle {
  let exited = false;
  const exitListeners: ((exit: WorkerExit) => void)[] = [];
  const exit = (how: WorkerExit) => {
    if (exited) return;
    exited = true;
    for (const listener of exitListeners) listener(how);
  };
  child.on("exit", (code, signal) => exit({ code, signal }));
  child.on("error", (error) => {
    // A failed spawn emits only "error"; a failed send to a dead child emits it too, and "exit" follows.
    if (child.pid === undefined) exit({ code: null, signal: null, error: error.message });
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on("message", listener),
    onOutput: (listener) => {
      child.stdout?.on("data", (chunk: Buffer) => listener("stdout", chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => listener("stderr", chunk.toString()));
    },
    onExit: (listener) => exitListeners.push(listener),
    kill: () => {
      child.kill("SIGKILL");
    },
  };
}

/** Workers as Node child processes running the bundled worker (dist/worker.mjs, see engine/bundles.ts). */
export function nodeLauncher(workerPath?: string): WorkerLauncher {
  return {
    name: "node",
    async launch({ maxOldSpaceMb }) {
      const file = workerPath ?? workerBundle();
      const child = fork(file, [], {
        execArgv: [`--max-old-space-size=${maxOldSpaceMb}`],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "json",
        env: workerEnvironment(),
      });
      return childProcessHandle(child);
    },
  };
}

export type JobSpec =
  | { type: "run"; request: RunRequest }
  | { type: "check"; file: string; source?: string }
  | { type: "backends" }
  | { type: "bench"; request: BenchRequest };

export interface JobOptions {
  timeoutMs: number;
  onLog?: (entry: LogEntry) => void;
  onPhase?: (phase: WorkerPhase) => void;
  onBenchProgress?: (progress: BenchProgress) => void;
  /** Aborting asks the job (a benchmark) to finish early and reply with what it has; the worker lives on. */
  stop?: AbortSignal;
  /** Appended to the time-out message: how to raise the limit where the job came from. */
  timeoutAdvice?: string;
}

/** How a job ended: the worker's reply, or a failure of the process around it. */
export type JobEnd = { type: "done"; reply: WorkerReply; logs: LogEntry[] } | { type: "failed"; error: ModelError; logs: LogEntry[] };

export type WorkerState = "starting" | "idle" | "busy" | "retired" | "dead";

const STDERR_TAIL = 4_000;
/** Time for the type check that follows a run in the worker. */
const CHECK_LIMIT_MS = 60_000;

export const isV8OomReport = (line: string): boolean => /^\s*(<---|\[\d+:0x[0-9a-f]+\]|FATAL ERROR|----- Native stack|\d+: 0x[0-9a-f]+)/.test(line);

/** How long past the limit a run waits for its watchdog's report before the worker is killed anyway. */
const WATCHDOG_GRACE_MS = 750;

/**
 * " while in Spins.forward (an infinite loop?)"; the line itself goes in the error's location.
 * Without a report, the bare guess.
 */
function stuckAt(report: WatchdogReport | null): string {
  const frame = report?.frames[0];
  if (!frame) return " (an infinite loop?)";
  const fn = frame.functionName ?? "the model's code";
  const inner = report.top && report.top !== frame.functionName?.split(".").pop() ? `, inside ${report.top}` : "";
  return ` while in ${fn}${inner} (an infinite loop?)`;
}

export function jobError(kind: ModelError["kind"], message: string, stack: string[] = []): ModelError {
  return { kind, message, location: null, stack, op: null };
}

interface Running {
  id: string;
  spec: JobSpec;
  logs: LogEntry[];
  options: JobOptions;
  timer: NodeJS.Timeout | undefined;
  resolve: (end: JobEnd) => void;
}

let nextJob = 0;

export class WorkerProcess {
  state: WorkerState = "starting";
  /** Jobs this worker has finished. */
  jobs = 0;
  /** Resolves when the worker has said `ready`; rejects with the reason when it cannot start. */
  readonly ready: Promise<void>;
  private handle: WorkerHandle | null = null;
  private stderr = "";
  private running: Running | null = null;
  private readonly deathListeners: ((exit: WorkerExit) => void)[] = [];
  private exit: WorkerExit | null = null;
  private killed = false;

  constructor(
    launcher: WorkerLauncher,
    readonly options: { maxOldSpaceMb: number; startupTimeoutMs: number },
  ) {
    this.ready = this.start(launcher);
    this.ready.catch(() => {}); // read by whoever waits for it; a failed start is also a death
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  onDeath(listener: (exit: WorkerExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.deathListeners.push(listener);
  }

  private async start(launcher: WorkerLauncher): Promise<void> {
    let handle: WorkerHandle;
    try {
      handle = await launcher.launch({ maxOldSpaceMb: this.options.maxOldSpaceMb });
    } catch (error) {
      this.died({ code: null, signal: null, error: error instanceof Error ? error.message : String(error) });
      throw new Error(`could not start the worker: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.handle = handle;
    if (this.killed) handle.kill(); // killed while it was launching
    return new Promise<void>((resolve, reject) => {
      const limit = this.options.startupTimeoutMs;
      const timer = setTimeout(() => {
        reject(new Error(`the worker did not start within ${limit / 1000} s`));
        this.kill();
      }, limit);
      handle.onOutput((stream, text) => this.output(stream, text));
      handle.onMessage((raw) => {
        const parsed = FromWorker.safeParse(raw);
        if (!parsed.success) {
          this.fail(jobError("internal", `malformed message from the worker: ${parsed.error.issues[0]?.message ?? "invalid"}`));
          this.kill();
          return;
        }
        if (parsed.data.type === "ready") {
          clearTimeout(timer);
          if (this.state === "starting") this.state = "idle";
          resolve();
        } else {
          this.message(parsed.data);
        }
      });
      handle.onExit((exit) => {
        clearTimeout(timer);
        const tail = this.stderr.trim().split("\n").slice(-4).join("; ");
        const how = exit.error ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);
        reject(new Error(`the worker exited before it was ready (${how})${tail ? `: ${tail}` : ""}`));
        this.died(exit);
      });
    });
  }

  private output(stream: "stdout" | "stderr", text: string): void {
    if (stream === "stderr") this.stderr = (this.stderr + text).slice(-STDERR_TAIL);
    const job = this.running;
    if (!job) return;
    for (const line of text.split("\n").filter((l) => l.trim() && !isWatchdogLine(l))) this.log(job, { level: stream, text: line, location: null });
  }

  private log(job: Running, entry: LogEntry): void {
    job.logs.push(entry);
    job.options.onLog?.(entry);
  }

  private message(message: Exclude<FromWorker, { type: "ready" }>): void {
    const job = this.running;
    if (!job || message.job !== job.id) return; // a late message of a job already given up on
    if (message.type === "log") this.log(job, message.entry);
    else if (message.type === "benchProgress") job.options.onBenchProgress?.(message.progress);
    else if (message.type === "progress") {
      // The type check after a run is Tandem's work, not the model's: it gets its own limit.
      if (message.phase === "checking" && job.spec.type === "run") this.arm(job, CHECK_LIMIT_MS);
      job.options.onPhase?.(message.phase);
    }
    else {
      this.jobs++;
      this.settle({ type: "done", reply: message.reply, logs: job.logs }, message.clean ? "idle" : "retired");
    }
  }

  private settle(end: JobEnd, next: WorkerState): void {
    const job = this.running;
    if (!job) return;
    this.running = null;
    clearTimeout(job.timer);
    if (this.state === "busy") this.state = next;
    job.resolve(end);
  }

  private fail(error: ModelError): void {
    const job = this.running;
    if (job) this.settle({ type: "failed", error, logs: job.logs }, "retired");
  }

  private died(exit: WorkerExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.state = "dead";
    const job = this.running;
    if (job) {
      const stderr = this.stderr;
      if (/heap out of memory|Allocation failed|out of memory/i.test(stderr)) {
        // V8's dying report (GC trace, native frames) says nothing about the model: keep its verdict only.
        job.logs = job.logs.filter((e) => e.level !== "stderr" || !isV8OomReport(e.text));
        const verdict = stderr.split("\n").filter((l) => l.startsWith("FATAL ERROR"));
        this.fail(jobError("oom", `the model ran out of memory (worker heap limit ${this.options.maxOldSpaceMb} MB) and its worker was stopped`, verdict));
      } else {
        const tail = stderr.trim().split("\n").filter((l) => l.trim()).slice(-8);
        const how = exit.error ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);
        this.fail(jobError("crash", `the worker process died before the job finished (${how})`, tail));
      }
    }
    for (const listener of this.deathListeners.splice(0)) listener(exit);
  }

  /** Asks the worker to load its type checker now, before its first job (no reply; see ToWorker "warm"). */
  warm(): void {
    if (this.state === "idle") this.handle?.send({ type: "warm" });
  }

  /** Runs one job; never rejects: a time-out, crash or out-of-memory is a `failed` end. */
  run(spec: JobSpec, options: JobOptions): Promise<JobEnd> {
    const handle = this.handle;
    if (this.state !== "idle" || !handle) return Promise.reject(new Error(`worker is ${this.state}, not idle`));
    this.state = "busy";
    this.stderr = "";
    const id = `j${++nextJob}`;
    return new Promise<JobEnd>((resolve) => {
      const job: Running = { id, spec, logs: [], options, timer: undefined, resolve };
      this.running = job;
      this.arm(job, options.timeoutMs);
      handle.send({ ...spec, job: id } as ToWorker);
      const stop = options.stop;
      if (stop) {
        const ask = () => {
          if (this.running === job) handle.send({ type: "stop", job: id });
        };
        if (stop.aborted) ask();
        else stop.addEventListener("abort", ask, { once: true });
      }
    });
  }

  /** (Re)starts the job's time limit. */
  private arm(job: Running, ms: number): void {
    clearTimeout(job.timer);
    job.timer = setTimeout(() => this.timedOut(job, ms, Date.now() + WATCHDOG_GRACE_MS), ms);
  }

  /**
   * Past the limit: the error says where the model was, from the worker's watchdog (see
   * engine/worker/watchdog.ts), whose report may still be on its way for a moment.
   */
  private timedOut(job: Running, ms: number, giveUpAt: number): void {
    if (this.running !== job) return;
    const watched = job.spec.type === "run" || job.spec.type === "bench"; // the jobs that run user code
    const report = watched ? findWatchdogReport(this.stderr, job.id) : null;
    if (watched && !report && Date.now() < giveUpAt) {
      job.timer = setTimeout(() => this.timedOut(job, ms, giveUpAt), 50);
      return;
    }
    const what = job.spec.type === "run" ? "the model did not finish" : job.spec.type === "bench" ? "the benchmark did not finish" : `the ${job.spec.type} job did not finish`;
    const advice = job.options.timeoutAdvice ? `; ${job.options.timeoutAdvice}` : "";
    // A benchmark that runs long is more likely slow than stuck: no guess without a report.
    const where = job.spec.type === "bench" && !report?.frames[0] ? "" : stuckAt(report);
    const seconds = job.spec.type === "bench" ? Math.round(ms / 1000) : ms / 1000;
    const error = jobError("timeout", `${what} within ${seconds} s and its worker was stopped${where}${advice}`);
    if (report?.frames[0]) {
      error.location = report.frames[0].location;
      error.stack = report.frames.map((f) => `at ${f.functionName ? `${f.functionName} (${formatLocation(f.location)})` : formatLocation(f.location)}`);
    }
    this.fail(error);
    this.kill();
  }

  /** Ends the process now. A job it was running ends as `failed` (the caller knows why it killed). */
  kill(): void {
    this.killed = true;
    this.fail(jobError("internal", "the worker was stopped"));
    if (this.state !== "dead") this.state = "retired"; // takes no more jobs; "dead" once it has exited
    this.handle?.kill();
  }
}
