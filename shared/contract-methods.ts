import { z } from "zod";
import { BackendInfo, BackendName } from "./backends";
import { BenchOutcome, BenchRequest } from "./bench";
import { Download } from "./contract-sessions";
import { Diagnostic } from "./diagnostics";
import { ExportSummary, GraphRunSummary } from "./graph";
import { LogEntry, ModelError, Quantize, RunOutcome, RunRequest } from "./run";
import { RunSummary, SavedRef, SessionInfo } from "./sessions";

/**
 * Params and results of each contract method (shared/contract.ts names them). A model reaches the
 * engine as a file path, or as text from an editor with the file name it stands for.
 */

/** The longest model text a request may carry (characters). */
export const MAX_SOURCE_CHARS = 1_000_000;

export const ModelRef = z.union([
  z.strictObject({ file: z.string().min(1).max(4096) }),
  z.strictObject({
    source: z.string().max(MAX_SOURCE_CHARS),
    /** The file the text stands for: its directory is where relative imports resolve; need not exist. */
    filename: z.string().min(1).max(4096),
  }),
]);
export type ModelRef = z.infer<typeof ModelRef>;

const Backend = z.union([BackendName, z.literal("auto")]).default("auto");
const Seed = z.number().int().min(0).default(0);
const Timeout = z.number().int().positive().max(3_600_000);
/** Save the call's result into this session (created if missing); the reply says where it went. */
const SessionName = z.string().trim().min(1).max(200).optional();
/**
 * Where a call's result was saved, with what the sessions sidebar shows of it: the session as it is
 * after the save and the runs it gained, so that the window need not ask for the list again.
 */
export const SavedInto = SavedRef.extend({ info: SessionInfo, runs: z.array(RunSummary) });
export type SavedInto = z.infer<typeof SavedInto>;
/** With a session named: where the result was saved, or why saving failed (the result stands either way). */
const Saved = { saved: SavedInto.optional(), saveError: z.string().optional() };

/** What a job that did not produce its result returns: the same failure as a run's. */
export const JobFailure = z.object({ ok: z.literal(false), error: ModelError, logs: z.array(LogEntry), diagnostics: z.array(Diagnostic) });
export type JobFailure = z.infer<typeof JobFailure>;

export const Hello = {
  params: z.strictObject({}),
  result: z.object({
    contract: z.number().int(),
    tandem: z.string(),
    /** "electron" (the desktop app), "serve" (tandem serve), or another embedder's name. */
    host: z.string(),
    workers: z.number().int().positive(),
    /** Whether openFile / saveFile work here (they use the desktop app's native dialogs). */
    files: z.boolean(),
  }),
};

/** Type-check a model without running it. */
export const Check = {
  params: z.strictObject({ model: ModelRef }),
  result: z.object({ diagnostics: z.array(Diagnostic) }),
};

/** Run a model once cold and `repeat` times warm: RunRequest with the model as a ModelRef. */
export const Run = {
  params: RunRequest.omit({ file: true, source: true, export: true }).extend({ model: ModelRef, timeoutMs: Timeout.default(30_000), session: SessionName }).strict(),
  result: z.discriminatedUnion("ok", [RunOutcome.options[0].extend(Saved), RunOutcome.options[1].extend(Saved)]),
};

/** Trace a model and show the IR before and after each pass (tandem graph). */
export const Graph = {
  params: z.strictObject({
    model: ModelRef,
    passes: z.array(z.string()).optional(),
    backend: Backend,
    seed: Seed,
    timeoutMs: Timeout.default(30_000),
  }),
  result: z.discriminatedUnion("ok", [z.object({ ok: z.literal(true), graph: GraphRunSummary, logs: z.array(LogEntry) }), JobFailure]),
};

/** Trace, optimize and write a model as ONNX, then check the file (tandem export). */
export const Export = {
  params: z.strictObject({
    model: ModelRef,
    /**
     * Where to write the .onnx file, on the engine's machine; absent: the engine keeps it and the
     * reply's `download` is how the window gets it (a browser's download).
     */
    path: z.string().min(1).max(4096).optional(),
    opset: z.number().int().min(17).default(17),
    dynamicBatch: z.boolean().default(false),
    quantize: Quantize.default("none"),
    session: SessionName,
    passes: z.array(z.string()).optional(),
    backend: Backend,
    seed: Seed,
    timeoutMs: Timeout.default(60_000),
  }),
  result: z.discriminatedUnion("ok", [z.object({ ok: z.literal(true), export: ExportSummary, logs: z.array(LogEntry), download: Download.nullable(), ...Saved }), JobFailure.extend(Saved)]),
};

/**
 * Benchmark a model (tandem bench) in a bench worker of its own; `benchProgress` events follow it.
 * Cancelling stops it after the block in progress and it answers with what was measured.
 */
export const Bench = {
  params: BenchRequest.omit({ file: true, source: true, peakCache: true, onnxDir: true, timeoutMs: true })
    .extend({ model: ModelRef, session: SessionName, timeoutMs: Timeout.optional() })
    .strict(),
  result: z.discriminatedUnion("ok", [BenchOutcome.options[0].extend(Saved), BenchOutcome.options[1].extend(Saved)]),
};

/** The eager backends and whether each can run on the engine's machine. */
export const Backends = {
  params: z.strictObject({}),
  result: z.array(BackendInfo),
};

/** Stop a call of this connection: a queued job is dropped, a running one's worker is killed. */
export const Cancel = {
  params: z.strictObject({ id: z.string().min(1).max(100) }),
  result: z.object({ cancelled: z.boolean() }),
};

const Cancelled = z.object({ cancelled: z.literal(true) });

/** Open a model file: `path` (a recent file), or the native Open dialog when absent. Desktop only. */
export const OpenFile = {
  params: z.strictObject({ path: z.string().min(1).max(4096).optional() }),
  result: z.union([z.object({ path: z.string(), text: z.string() }), Cancelled]),
};

/** Save model text: to `path`, or where the native Save dialog says when it is null. Desktop only. */
export const SaveFile = {
  params: z.strictObject({ path: z.string().min(1).max(4096).nullable(), text: z.string().max(MAX_SOURCE_CHARS) }),
  result: z.union([z.object({ path: z.string() }), Cancelled]),
};
