import { z } from "zod";
import { Diagnostic } from "./diagnostics";
import { JsonFloat } from "./float";
import { LogEntry, ModelError, RunResult } from "./run";

/**
 * Saved sessions and runs, as `tandem sessions ... --json` prints them and the engine's store
 * returns them. Timestamps are ISO 8601 strings (UTC); ids are the database's integers, and every
 * run also has a UUID that stays the same across machines (bundles are keyed by it).
 */

export const RunKind = z.enum(["run", "bench", "export"]);
export type RunKind = z.infer<typeof RunKind>;

/** Where and with what a run was made, completed at save time with Tandem's git commit. */
export const SavedProvenance = RunResult.shape.provenance.extend({
  /** `git rev-parse HEAD` of Tandem's own checkout, or "unknown" outside a git checkout. */
  gitCommit: z.string(),
  /** Uncommitted changes in Tandem's checkout: the commit alone does not identify the code. */
  gitDirty: z.union([z.boolean(), z.literal("unknown")]),
});
export type SavedProvenance = z.infer<typeof SavedProvenance>;

/**
 * A saved RunResult. A record keeps the result as it was when saved, so only the fields every
 * saved result has are required; fields added to RunResult since (`graph`, ...) are checked by
 * RunResult where needed, and kept (loose objects), not stripped, when a record is read or imported.
 */
export const SavedResult = RunResult.pick({
  file: true,
  sourceHash: true,
  backend: true,
  seed: true,
  model: true,
  inputs: true,
  outputs: true,
  timings: true,
  logs: true,
  diagnostics: true,
})
  .extend({ mode: z.string(), timings: RunResult.shape.timings.loose(), provenance: SavedProvenance })
  .loose();

/**
 * The RunOutcome as saved: a result's provenance gains the git commit; a failed run, which has no
 * result, gets the provenance of the process that saved it.
 */
export const SavedOutcome = z.discriminatedUnion("ok", [
  z.looseObject({ ok: z.literal(true), result: SavedResult }),
  z.looseObject({
    ok: z.literal(false),
    error: ModelError,
    logs: z.array(LogEntry),
    diagnostics: z.array(Diagnostic),
    provenance: SavedProvenance,
  }),
]);
export type SavedOutcome = z.infer<typeof SavedOutcome>;

/** "local" for runs made here; "imported-from <file>" for runs that came in a bundle. */
export const Origin = z.string();

export const SessionInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  notes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  runCount: z.number().int().nonnegative(),
  lastRunAt: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** One run as listed: the columns a table shows, without the full outcome. */
export const RunSummary = z.object({
  id: z.number().int(),
  uuid: z.string(),
  sessionId: z.number().int(),
  createdAt: z.string(),
  kind: RunKind,
  modelFile: z.string(),
  /** What the worker hashed (RunResult.sourceHash); null when the run failed before compiling. */
  sourceHash: z.string().nullable(),
  /** The saved source snapshot (a key of the sources table); null when the file could not be read. */
  sourceId: z.string().nullable(),
  mode: z.string().nullable(),
  backend: z.string().nullable(),
  backendVersion: z.string().nullable(),
  seed: z.number().int().nullable(),
  status: z.enum(["ok", "error"]),
  errorKind: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** First (cold) forward pass. */
  coldMs: z.number().nullable(),
  /** Median of the warm forward passes; null when none ran. */
  warmMs: z.number().nullable(),
  /** Peak memory, when the result measured it (`memory.peakBytes`; null for results saved before it, or not measured). */
  peakMemoryBytes: z.number().nullable(),
  tandemVersion: z.string().nullable(),
  gitCommit: z.string().nullable(),
  origin: Origin,
  /** Files kept with the run (RunRecord.artifacts): an ONNX export, bench.json, saved charts. */
  artifactCount: z.number().int().nonnegative(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const SessionDetail = SessionInfo.extend({ runs: z.array(RunSummary) });
export type SessionDetail = z.infer<typeof SessionDetail>;

export const ArtifactInfo = z.object({
  /** Name of the artifact within its run ("model.onnx"). */
  name: z.string(),
  /** sha256 of its bytes; the file lies at `path`, relative to TANDEM_HOME. */
  hash: z.string(),
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  mediaType: z.string(),
});
export type ArtifactInfo = z.infer<typeof ArtifactInfo>;

/** A model's sources as saved with a run: the entry file and the relative files it imports. */
export const SourceSnapshot = z.object({
  /** sha256 over (path, text) of every file in path order: the same as RunResult.sourceHash for an unchanged file. */
  hash: z.string(),
  /** The model file's name, relative to its own directory. */
  entry: z.string(),
  /** Every file, the entry included, with paths relative to the entry's directory. */
  files: z.array(z.object({ path: z.string(), text: z.string() })),
  origin: Origin,
});
export type SourceSnapshot = z.infer<typeof SourceSnapshot>;

export const RunRecord = RunSummary.extend({
  sessionName: z.string(),
  outcome: SavedOutcome,
  artifacts: z.array(ArtifactInfo),
});
export type RunRecord = z.infer<typeof RunRecord>;

/** Printed by `tandem run --session NAME --json` beside the RunOutcome's own fields. */
export const SavedRef = z.object({
  session: z.string(),
  sessionId: z.number().int(),
  /** The run saved; for a bench, which saves one record per batch size and variant, the first of them. */
  runId: z.number().int(),
  uuid: z.string(),
  /** Every run the call saved, in order, when it saved more than one (a bench). */
  runIds: z.array(z.number().int()).optional(),
});
export type SavedRef = z.infer<typeof SavedRef>;

// ---- compare ----------------------------------------------------------------------------------

export const CompareLatency = z.object({
  runId: z.number().int(),
  coldMs: z.number().nullable(),
  /** The figure compared: the warm forward median for 'run' records. */
  warmMs: z.number().nullable(),
  warmRuns: z.number().int().nullable(),
  /** warmMs / the first run's warmMs (> 1: slower than the first); null for the first run or when missing. */
  ratio: z.number().nullable(),
  /** Bootstrap confidence interval of the ratio of medians, when both runs carry raw samples. */
  ci: z.object({ low: z.number(), high: z.number(), level: z.number() }).nullable(),
  /** Whether the interval excludes 1; null when it could not be computed. */
  significant: z.boolean().nullable(),
  /** Why a figure is missing ("no samples: significance not available"). */
  note: z.string().nullable(),
});

export const CompareOutput = z.object({
  name: z.string(),
  /** Same name in the first run and this one; the rest compares only when both have it. */
  present: z.boolean(),
  sameShape: z.boolean().nullable(),
  /** Equal sha256 of the raw bytes: bit-identical. */
  identical: z.boolean().nullable(),
  sum: JsonFloat.nullable(),
  /** |sum - first run's sum|. */
  sumAbsDiff: JsonFloat.nullable(),
});

export const CompareSourceDiff = z.object({
  runId: z.number().int(),
  /** Same snapshot as the first run's. */
  identical: z.boolean(),
  /** Unified diff from the first run's sources to this run's; "" when identical or missing. */
  diff: z.string(),
  note: z.string().nullable(),
});

export const CompareSetting = z.object({
  key: z.string(),
  values: z.array(z.string().nullable()),
  differs: z.boolean(),
});

export const Comparison = z.object({
  runs: z.array(
    z.object({
      id: z.number().int(),
      uuid: z.string(),
      session: z.string(),
      createdAt: z.string(),
      kind: RunKind,
      status: z.enum(["ok", "error"]),
      modelFile: z.string(),
    }),
  ),
  latency: z.array(CompareLatency),
  memory: z.array(z.object({ runId: z.number().int(), peakBytes: z.number().nullable(), note: z.string().nullable() })),
  /** Per run after the first: its outputs against the first run's of the same name. */
  parity: z.array(z.object({ runId: z.number().int(), outputs: z.array(CompareOutput) })),
  sources: z.array(CompareSourceDiff),
  settings: z.array(CompareSetting),
  onlyDiff: z.boolean(),
});
export type Comparison = z.infer<typeof Comparison>;
