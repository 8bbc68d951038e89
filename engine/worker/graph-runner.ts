import type { GraphRunSummary, Parity } from "../../shared/graph";
import type { OutputSummary } from "../../shared/run";
import type { ExecutionContext } from "./execution";

/** The outputs of one forward, held until released: checked on the cold run, only timed on warm ones. */
export interface RunOutputs {
  /** The outputs summarized for the user, and each compared with eager's on the same inputs. */
  check(): { outputs: OutputSummary[]; parity: Parity[] };
  /** Frees what the forward produced (the caller owns the outputs). */
  release(): void;
}

/**
 * One way of running a traced model in graph mode: the compiled tfjs plan, onnxruntime on the
 * exported file, or compiled segments between graph breaks. Each is made ready once, run as
 * many times as asked, then disposed; runGraph drives them all the same way.
 */
export interface GraphRunner {
  /** Compiles, exports, opens a session or learns segments: whatever runs before the first forward. */
  prepare(): Promise<{ compileMs: number }>;
  /** One forward on the run's inputs; synchronous runners answer without a promise, so warm times hold no await. */
  run(): RunOutputs | Promise<RunOutputs>;
  /** What this runner adds to the graph summary (onnxruntime's settings, segment stats), read after the runs. */
  summary(): Partial<GraphRunSummary>;
  dispose(): void | Promise<void>;
}

export interface RunnerResult {
  outputs: OutputSummary[];
  parity: Parity[];
  compileMs: number;
  firstForwardMs: number;
  warmMs: number[];
  extra: Partial<GraphRunSummary>;
}

const settle = async (out: RunOutputs | Promise<RunOutputs>): Promise<RunOutputs> => (out instanceof Promise ? await out : out);

/** Prepares the runner, runs the cold forward (checked against eager), then the warm ones, timed; always disposes. */
export async function driveRunner(runner: GraphRunner, ctx: ExecutionContext): Promise<RunnerResult> {
  try {
    const { compileMs } = await runner.prepare();
    const firstStart = performance.now();
    const first = await settle(runner.run());
    const firstForwardMs = performance.now() - firstStart;
    const { outputs, parity } = first.check();
    first.release();
    const warmMs: number[] = [];
    for (let i = 0; i < ctx.request.repeat; i++) {
      const start = performance.now();
      const out = runner.run();
      const done = out instanceof Promise ? await out : out;
      warmMs.push(performance.now() - start);
      done.release();
    }
    return { outputs, parity, compileMs, firstForwardMs, warmMs, extra: runner.summary() };
  } finally {
    await runner.dispose();
  }
}
