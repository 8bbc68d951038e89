import { existsSync } from "node:fs";
import path from "node:path";
import { CONTRACT_VERSION, type ModelRef } from "../../shared/contract";
import type { BackendInfo } from "../../shared/backends";
import type { RunOutcome, RunRequest } from "../../shared/run";
import { runOutcome } from "./run-outcome";
import { jobError } from "../runner/worker-process";
import { saveRunOutcome } from "../store/save";
import { TANDEM_VERSION } from "../model/provenance";
import { artifactHandlers } from "./artifacts";
import { benchHandler } from "./bench";
import { type CallContext, type Handlers, ServiceError } from "./call";
import { type PoolEnd, type PoolJob, type PoolOptions, WorkerPool } from "./pool";
import { sessionHandlers } from "./sessions";
import { StoreAccess } from "./store-access";
import { Transfers } from "./transfers";

/**
 * The engine's side of the contract: each method on top of the worker pool. User code runs only in
 * the pool's workers (benchmarks too); this process compiles nothing and runs no model. It also keeps the sessions store (saving what a call names a session for) and the files
 * offered as downloads. Hosts (tandem serve, the Electron main process) put it behind a transport
 * with `serveConnection`, and may add the methods only they can offer (openFile and saveFile use
 * the desktop app's dialogs).
 */

export { type CallContext, type Handler, type Handlers, ServiceError } from "./call";

export interface ServiceOptions extends PoolOptions {
  /** A pool to share (between windows, say); otherwise the service makes its own from the options. */
  pool?: WorkerPool;
  /** Where relative model and output paths resolve (default: the working directory). */
  baseDir?: string;
  /** hello's `host`: "serve", "electron", ... */
  host?: string;
  /** Whether this host also offers openFile and saveFile. */
  files?: boolean;
  /** The sessions database (default: $TANDEM_HOME/tandem.db, opened on first use). */
  dbFile?: string;
  /** Where downloads and uploads are kept while the service runs (default: a new folder in the OS's temp dir). */
  transfersDir?: string;
  /** How a time-out message tells the user to raise the limit (default: "raise timeoutMs"; the CLI names its flag). */
  timeoutAdvice?: string;
}

/** Media type of an ONNX download: browsers know no better one. */
const ONNX_MEDIA_TYPE = "application/octet-stream";

/** The file name a download of a model's ONNX export gets: model.ts -> model.onnx (model.int8.onnx quantized). */
export function onnxName(modelFile: string, quantize: string): string {
  const base = path.basename(modelFile).replace(/\.[cm]?[jt]sx?$/, "") || "model";
  return `${base}${quantize === "none" ? "" : `.${quantize.replace(/^dynamic-/, "")}`}.onnx`;
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

export class EngineService {
  readonly pool: WorkerPool;
  private readonly baseDir: string;
  private readonly ownsPool: boolean;
  private backendsCache: Promise<BackendInfo[]> | null = null;
  readonly store: StoreAccess;
  readonly transfers: Transfers;
  private readonly closing = new AbortController();
  private readonly timeoutAdvice: string;

  constructor(private readonly options: ServiceOptions = {}) {
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new WorkerPool({ warmTypecheck: true, ...options });
    this.baseDir = path.resolve(options.baseDir ?? process.cwd());
    this.store = new StoreAccess(options.dbFile);
    this.transfers = new Transfers(options.transfersDir);
    this.timeoutAdvice = options.timeoutAdvice ?? "raise timeoutMs";
  }

  async close(): Promise<void> {
    this.closing.abort();
    if (this.ownsPool) await this.pool.close();
    await this.store.close();
    this.transfers.close();
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
    const end = await this.submit({ spec: { type: "run", request }, timeoutMs: request.timeoutMs, timeoutAdvice: this.timeoutAdvice }, context);
    const outcome = runOutcome(end);
    // A run that took its worker down (time-out, crash, out-of-memory) never got to the type check
    // after it; the user still wants the type errors, which may say why: check on its own.
    if (end.type === "failed" && request.typecheck && !outcome.ok) {
      const check = await this.submit({ spec: { type: "check", file: request.file, ...(request.source === undefined ? {} : { source: request.source }) }, timeoutMs: TOOL_JOB_MS }, context);
      if (check.type === "done" && check.reply.type === "check") return { ...outcome, diagnostics: check.reply.diagnostics };
    }
    return outcome;
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

      run: async ({ model, session, export: exportTo, ...rest }, context) => {
        const ref = this.model(model);
        const onnx = exportTo ? { export: { ...exportTo, path: path.resolve(this.baseDir, exportTo.path) } } : {};
        const outcome = await this.runRequest({ ...rest, ...ref, ...onnx }, context);
        const target = { session: session ?? "", modelFile: ref.file, ...(ref.source === undefined ? {} : { source: ref.source }), request: { mode: rest.mode, backend: rest.backend, seed: rest.seed } };
        return { ...outcome, ...(await this.store.saveInto(session, (store) => saveRunOutcome(store, target, "run", outcome))) };
      },

      graph: async ({ model, passes, backend, seed, timeoutMs }, context) => {
        const outcome = await this.runRequest({ ...this.model(model), ...graphJob({ backend, seed, timeoutMs, passes }), explain: true }, context);
        if (!outcome.ok) return outcome;
        if (!outcome.result.graph) return { ok: false, error: jobError("internal", "graph mode returned no graph summary"), logs: outcome.result.logs, diagnostics: [] };
        return { ok: true, graph: outcome.result.graph, logs: outcome.result.logs };
      },

      export: async ({ model, path: output, opset, dynamicBatch, quantize, session, passes, backend, seed, timeoutMs }, context) => {
        const ref = this.model(model);
        const name = onnxName(ref.file, quantize);
        // Without a path the file is the engine's to keep, offered to the window as a download.
        const exportTo = { path: output === undefined ? this.transfers.newFile(name) : path.resolve(this.baseDir, output), opset, dynamicBatch, quantize };
        const outcome = await this.runRequest({ ...ref, ...graphJob({ backend, seed, timeoutMs, passes }), export: exportTo }, context);
        const summary = outcome.ok ? outcome.result.graph?.export : undefined;
        const target = { session: session ?? "", modelFile: ref.file, ...(ref.source === undefined ? {} : { source: ref.source }), request: { mode: "graph:tfjs", backend, seed } };
        const onnx = summary && existsSync(summary.path) ? [{ name: "model.onnx", file: summary.path, mediaType: ONNX_MEDIA_TYPE }] : [];
        const saved = await this.store.saveInto(session, (store) => saveRunOutcome(store, target, "export", outcome, onnx));
        if (!outcome.ok) return { ...outcome, ...saved };
        if (!summary) return { ok: false, error: jobError("internal", "the export produced no summary"), logs: outcome.result.logs, diagnostics: [], ...saved };
        const download = output === undefined ? await this.transfers.offer(summary.path, name, ONNX_MEDIA_TYPE) : null;
        return { ok: true, export: summary, logs: outcome.result.logs, download, ...saved };
      },

      bench: benchHandler({ model: (ref) => this.model(ref), store: this.store, pool: this.pool, baseDir: this.baseDir, timeoutAdvice: this.timeoutAdvice, closing: this.closing.signal }),

      ...sessionHandlers(this.store, this.transfers, this.baseDir),
      ...artifactHandlers(this.store, this.transfers),

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
