import path from "node:path";
import { CONTRACT_VERSION, type ErrorCode, type Method, type ModelRef, type Params, type Progress, type Result } from "../../shared/contract";
import type { BackendInfo } from "../../shared/backends";
import type { LogEntry, RunOutcome, RunRequest } from "../../shared/run";
import { runOutcome } from "../runner/worker-job";
import { jobError } from "../runner/worker-process";
import { TANDEM_VERSION } from "../worker/provenance";
import { type PoolEnd, type PoolJob, type PoolOptions, WorkerPool } from "./pool";

/**
 * The engine's side of the contract: each method on top of the worker pool. User code runs only in
 * the pool's workers; this process compiles nothing and runs no model. Hosts (tandem serve, the
 * Electron main process) put it behind a transport with `serveConnection`, and may add the methods
 * only they can offer (openFile and saveFile use the desktop app's dialogs).
 */

/** An error a handler answers with, as a contract error code. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** What a handler gets besides its params: the call's id, its cancellation, and its events. */
export interface CallContext {
  id: string;
  signal: AbortSignal;
  log(entry: LogEntry): void;
  progress(progress: Progress): void;
}

export type Handler<M extends Method> = (params: Params<M>, context: CallContext) => Promise<Result<M>>;
export type Handlers = { [M in Method]?: Handler<M> };

export interface ServiceOptions extends PoolOptions {
  /** A pool to share (between windows, say); otherwise the service makes its own from the options. */
  pool?: WorkerPool;
  /** Where relative model and output paths resolve (default: the working directory). */
  baseDir?: string;
  /** hello's `host`: "serve", "electron", ... */
  host?: string;
  /** Whether this host also offers openFile and saveFile. */
  files?: boolean;
}

/** Limit for a type check on its own, and for probing backends. */
const TOOL_JOB_MS = 60_000;

/** The run request behind `graph` and `export`: trace and optimize once, no timed passes, no type check. */
function graphJob(o: Pick<RunRequest, "backend" | "seed" | "timeoutMs"> & { passes?: string[] | undefined }): Omit<RunRequest, "file" | "source" | "export"> {
  return {
    mode: "graph:tfjs",
    backend: o.backend,
    seed: o.seed,
    timeoutMs: o.timeoutMs,
    repeat: 0,
    typecheck: false,
    explain: false,
    previewValues: 8,
    ort: { optimizationLevel: "all", intraOpThreads: 1, interOpThreads: 1 },
    ...(o.passes ? { passes: o.passes } : {}),
  };
}
const ADVICE = "raise timeoutMs";

export class EngineService {
  readonly pool: WorkerPool;
  private readonly baseDir: string;
  private readonly ownsPool: boolean;
  private backendsCache: Promise<BackendInfo[]> | null = null;

  constructor(private readonly options: ServiceOptions = {}) {
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new WorkerPool(options);
    this.baseDir = path.resolve(options.baseDir ?? process.cwd());
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }

  /** The model as a worker job wants it: an absolute file, and its text when it came from an editor. */
  model(ref: ModelRef): { file: string; source?: string } {
    if ("file" in ref) return { file: path.resolve(this.baseDir, ref.file) };
    return { file: path.resolve(this.baseDir, ref.filename), source: ref.source };
  }

  /** A job on the pool, with its logs and progress sent as events of the call. */
  private async submit(job: Omit<PoolJob, "signal" | "onLog" | "onPhase" | "onQueued" | "onStarted">, context: CallContext): Promise<Exclude<PoolEnd, { type: "cancelled" }>> {
    const end = await this.pool.submit({
      ...job,
      signal: context.signal,
      onLog: (entry) => context.log(entry),
      onPhase: (phase) => context.progress({ phase }),
      onQueued: (position) => context.progress({ phase: "queued", position }),
      onStarted: () => context.progress({ phase: "starting" }),
    });
    if (end.type === "cancelled") throw new ServiceError("cancelled", `call ${context.id} was cancelled`);
    return end;
  }

  private async runRequest(request: RunRequest, context: CallContext): Promise<RunOutcome> {
    const end = await this.submit({ spec: { type: "run", request }, timeoutMs: request.timeoutMs, timeoutAdvice: ADVICE }, context);
    return runOutcome(end);
  }

  /** The handlers of the engine's methods; `cancel` belongs to the connection, files to the host. */
  handlers(): Handlers {
    return {
      hello: async () => ({
        contract: CONTRACT_VERSION,
        tandem: TANDEM_VERSION,
        host: this.options.host ?? "node",
        workers: this.pool.size,
        files: this.options.files ?? false,
      }),

      check: async ({ model }, context) => {
        const end = await this.submit({ spec: { type: "check", ...this.model(model) }, timeoutMs: TOOL_JOB_MS }, context);
        if (end.type === "failed") throw new ServiceError("internal", `the type check failed: ${end.error.message}`);
        if (end.reply.type !== "check") throw new ServiceError("internal", end.reply.type === "error" ? end.reply.message : "the worker answered a check with something else");
        return { diagnostics: end.reply.diagnostics };
      },

      run: async ({ model, ...rest }, context) => this.runRequest({ ...rest, ...this.model(model) }, context),

      graph: async ({ model, passes, backend, seed, timeoutMs }, context) => {
        const outcome = await this.runRequest({ ...this.model(model), ...graphJob({ backend, seed, timeoutMs, passes }), explain: true }, context);
        if (!outcome.ok) return outcome;
        if (!outcome.result.graph) return { ok: false, error: jobError("internal", "graph mode returned no graph summary"), logs: outcome.result.logs, diagnostics: [] };
        return { ok: true, graph: outcome.result.graph, logs: outcome.result.logs };
      },

      export: async ({ model, path: output, opset, dynamicBatch, passes, backend, seed, timeoutMs }, context) => {
        const exportTo = { path: path.resolve(this.baseDir, output), opset, dynamicBatch };
        const outcome = await this.runRequest({ ...this.model(model), ...graphJob({ backend, seed, timeoutMs, passes }), export: exportTo }, context);
        if (!outcome.ok) return outcome;
        const summary = outcome.result.graph?.export;
        if (!summary) return { ok: false, error: jobError("internal", "the export produced no summary"), logs: outcome.result.logs, diagnostics: [] };
        return { ok: true, export: summary, logs: outcome.result.logs };
      },

      backends: async (_params, context) => {
        // Backends do not change while the app runs: probe once, in a worker (tfjs stays out of here).
        this.backendsCache ??= this.submit({ spec: { type: "backends" }, timeoutMs: TOOL_JOB_MS }, context).then((end) => {
          if (end.type === "done" && end.reply.type === "backends") return end.reply.backends;
          throw new ServiceError("internal", `could not list backends: ${end.type === "failed" ? end.error.message : end.reply.type === "error" ? end.reply.message : "unexpected reply"}`);
        });
        try {
          return await this.backendsCache;
        } catch (error) {
          this.backendsCache = null; // try again next time
          throw error;
        }
      },
    };
  }
}
