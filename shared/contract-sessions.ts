import { z } from "zod";
import { ArtifactInfo, Comparison, RunRecord, SessionDetail, SessionInfo, SourceSnapshot } from "./sessions";

/**
 * The sessions store as the window sees it (tandem sessions ... on the command line): list, open,
 * rename, annotate, delete, compare, and bundles in and out. Sessions are named by id or by name.
 */

export const SessionRef = z.union([z.number().int().positive(), z.string().min(1).max(200)]);
export type SessionRef = z.infer<typeof SessionRef>;

/**
 * A file the engine wrote for the window to save: fetched from `download/<id>` relative to the
 * window's own URL (tandem serve, and the desktop app's tandem:// scheme, both answer there).
 */
export const Download = z.object({
  id: z.string().min(1).max(200),
  /** A file name to offer in the save dialog. */
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  mediaType: z.string(),
  sha256: z.string(),
});
export type Download = z.infer<typeof Download>;

export const SessionsList = {
  params: z.strictObject({}),
  result: z.array(SessionInfo),
};

/** A session with its runs (summaries); created when `create` is set and it does not exist. */
export const SessionOpen = {
  params: z.strictObject({ session: SessionRef, create: z.boolean().default(false) }),
  result: SessionDetail,
};

export const SessionRename = {
  params: z.strictObject({ session: SessionRef, name: z.string().trim().min(1).max(200) }),
  result: SessionInfo,
};

export const SessionNotes = {
  params: z.strictObject({ session: SessionRef, notes: z.string().max(100_000) }),
  result: SessionInfo,
};

export const SessionDelete = {
  params: z.strictObject({ session: SessionRef }),
  result: z.object({ session: SessionInfo, runs: z.number().int() }),
};

/** A saved run, by its id here or its UUID (the same on every machine). */
export const RunRef = z.union([z.number().int().positive(), z.uuid()]);
export type RunRef = z.infer<typeof RunRef>;

/** One saved run in full: its outcome, artifacts and where it came from. */
export const RunGet = {
  params: z.strictObject({ run: RunRef }),
  result: RunRecord,
};

/** What a client may attach to a run: what the window makes of a result (a chart, its data). */
export const ArtifactMediaType = z.enum(["image/png", "text/csv", "application/json"]);
export type ArtifactMediaType = z.infer<typeof ArtifactMediaType>;

/**
 * The largest file artifactAdd takes. Base64 spends 4 characters on 3 bytes: 1.4 MB is about
 * 1.87 M characters, which leaves room for the envelope under MAX_MESSAGE_CHARS (2 Mi).
 */
export const MAX_ARTIFACT_BYTES = 1_400_000;

/**
 * Keeps a file with a saved run, beside the database under its sha256 (the same bytes are stored
 * once). The engine refuses a name that is not a plain file name ending as its media type does
 * ("latency.png" for image/png), data that is not strict base64, and bytes that are not what the
 * media type says. A name the run already has for other bytes is a conflict unless `replace`.
 */
export const ArtifactAdd = {
  params: z.strictObject({
    run: RunRef,
    name: z.string().min(1).max(120),
    mediaType: ArtifactMediaType,
    dataBase64: z.string().min(1).max(4 * Math.ceil(MAX_ARTIFACT_BYTES / 3)),
    replace: z.boolean().default(false),
  }),
  result: ArtifactInfo,
};

/** A run's artifact (a chart, an ONNX file, bench.json) offered as a download. */
export const ArtifactGet = {
  params: z.strictObject({ run: RunRef, name: z.string().min(1).max(200) }),
  result: Download,
};

/** A saved source snapshot (RunSummary.sourceId), to restore the editor or diff two runs. */
export const SourceGet = {
  params: z.strictObject({ hash: z.string().min(1).max(200) }),
  result: SourceSnapshot,
};

/** Runs side by side, the first as the baseline (tandem sessions compare). */
export const RunsCompare = {
  params: z.strictObject({ runs: z.array(RunRef).min(2).max(20), onlyDiff: z.boolean().default(false) }),
  result: Comparison,
};

/** A session as a .tandem bundle, offered as a download. */
export const SessionExport = {
  params: z.strictObject({ session: SessionRef }),
  result: z.object({ download: Download, runs: z.number().int() }),
};

/**
 * Reads a .tandem bundle: one the window uploaded (POST to `upload`, which answers its id) or a
 * path on the engine's machine (the desktop app's Open dialog). Nothing in it runs.
 */
export const SessionImport = {
  params: z.strictObject({
    from: z.union([z.strictObject({ upload: z.string().min(1).max(200) }), z.strictObject({ path: z.string().min(1).max(4096) })]),
    /** Import into this session instead of the bundle's own name. */
    session: z.string().min(1).max(200).optional(),
  }),
  result: z.object({ session: z.object({ id: z.number().int(), name: z.string() }), imported: z.number().int(), skipped: z.number().int(), origin: z.string() }),
};
