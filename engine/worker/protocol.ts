import { z } from "zod";
import { BackendInfo } from "../../shared/backends";
import { BenchOutcome, BenchProgress, BenchRequest } from "../../shared/bench";
import { Diagnostic } from "../../shared/diagnostics";
import { LogEntry, RunOutcome, RunRequest } from "../../shared/run";

/**
 * Messages between the supervisor (engine/runner/worker-process.ts, under the service's pool) and
 * a worker process, validated on both ends. A worker is long-lived: it handles jobs one at a time,
 * each tagged with the id its supervisor gave it, and says `ready` once when it has started.
 */
const Job = z.string().min(1);

export const ToWorker = z.discriminatedUnion("type", [
  /** Compile and run a model; `typecheck` in the request also type-checks it here, after the run. */
  z.object({ type: z.literal("run"), job: Job, request: RunRequest }),
  /** Type-check a model file (or its editor text) without running it. */
  z.object({ type: z.literal("check"), job: Job, file: z.string(), source: z.string().optional() }),
  /** Which eager backends load in this process. */
  z.object({ type: z.literal("backends"), job: Job }),
  /** Benchmark a model (tandem bench); it streams `benchProgress` and minds `stop`. */
  z.object({ type: z.literal("bench"), job: Job, request: BenchRequest }),
  /**
   * Not a job: ask job `job` (a benchmark) to finish the block in progress, skip what is left and
   * reply with what it measured. Handled on arrival, not queued behind the job it is about.
   */
  z.object({ type: z.literal("stop"), job: Job }),
  /**
   * Not a job (no reply): load the type checker and parse its library files now, while the worker
   * waits for its first job, so that the check beside the user's first run does not pay for it.
   */
  z.object({ type: z.literal("warm") }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const WorkerPhase = z.enum(["compiling", "constructing", "running", "checking"]);
export type WorkerPhase = z.infer<typeof WorkerPhase>;

export const FromWorker = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), pid: z.number().int() }),
  z.object({ type: z.literal("log"), job: Job, entry: LogEntry }),
  z.object({ type: z.literal("progress"), job: Job, phase: WorkerPhase }),
  /** Where a benchmark is: phases, rounds and time budget, which WorkerPhase has no words for. */
  z.object({ type: z.literal("benchProgress"), job: Job, progress: BenchProgress }),
  /**
   * The job's answer. `clean` is false when the job left something behind that the next one could
   * trip over (timers, tensors, an uncaught error): the supervisor then retires this worker.
   */
  z.object({
    type: z.literal("done"),
    job: Job,
    clean: z.boolean(),
    reply: z.discriminatedUnion("type", [
      z.object({ type: z.literal("run"), outcome: RunOutcome }),
      z.object({ type: z.literal("check"), diagnostics: z.array(Diagnostic) }),
      z.object({ type: z.literal("backends"), backends: z.array(BackendInfo) }),
      z.object({ type: z.literal("bench"), outcome: BenchOutcome }),
      /** A check or backends job that threw: a bug in Tandem, not in the model. */
      z.object({ type: z.literal("error"), message: z.string() }),
    ]),
  }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
export type WorkerReply = Extract<FromWorker, { type: "done" }>["reply"];
