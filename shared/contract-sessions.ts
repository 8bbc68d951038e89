import { z } from "zod";
import { Comparison, RunRecord, SessionDetail, SessionInfo, SourceSnapshot } from "./sessions";

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

/** One saved run in full: its outcome, artifacts and where it came from. */
export const RunGet = {
  params: z.strictObject({ run: z.union([z.number().int().positive(), z.uuid()]) }),
  result: RunRecord,
};

/** A saved source snapshot (RunSummary.sourceId), to restore the editor or diff two runs. */
export const SourceGet = {
  params: z.strictObject({ hash: z.string().min(1).max(200) }),
  result: SourceSnapshot,
};

/** Runs side by side, the first as the baseline (tandem sessions compare). */
export const RunsCompare = {
  params: z.strictObject({ runs: z.array(z.union([z.number().int().positive(), z.uuid()])).min(2).max(20), onlyDiff: z.boolean().default(false) }),
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
