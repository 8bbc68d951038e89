/**
 * Session bundles: one `.tandem` file (a zip) that carries a session's runs, model sources and
 * artifacts to another machine.
 *
 *   manifest.json         format, version, the session, and the sha256 of every other entry
 *   runs/<uuid>.json      one saved run each (its whole outcome)
 *   sources/<hash>.json   model source snapshots, by content hash
 *   artifacts/<hash>      artifact files, by content hash
 *
 * Importing only reads JSON and bytes: nothing in a bundle is ever run. Everything is checked
 * (zip structure, every entry's digest, every record's schema, every content hash) before the
 * database is touched, then all of it goes in one transaction; runs already present (same UUID)
 * are skipped, so importing a bundle twice adds nothing the second time.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { RunKind, SavedOutcome } from "../../shared/sessions";
import { TANDEM_VERSION } from "../model/provenance";
import { hashSources } from "./snapshot";
import { type Store, StoreError } from "./store";

export const BUNDLE_FORMAT = "tandem-session-bundle";
export const BUNDLE_VERSION = 1;
/** Refuse bundles that would unpack to more than this (a zip bomb, or not ours). */
const MAX_UNPACKED_BYTES = 2 * 1024 ** 3;

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const HASH = z.string().regex(/^[0-9a-f]{64}$/);

const Manifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  tandemVersion: z.string(),
  session: z.object({ name: z.string().min(1), notes: z.string(), createdAt: z.string() }),
  runs: z.array(z.uuid()),
  sources: z.array(HASH),
  artifacts: z.array(z.object({ hash: HASH, bytes: z.number().int().nonnegative(), mediaType: z.string() })),
  /** sha256 of every entry but the manifest: a bit flipped anywhere is found before import. */
  entries: z.record(z.string(), HASH),
});

const BundleRun = z.object({
  uuid: z.uuid(),
  createdAt: z.string(),
  kind: RunKind,
  modelFile: z.string(),
  sourceId: HASH.nullable(),
  /** What the run was asked for (mode, backend, seed): kept for failed runs, which report none. */
  request: z.object({ mode: z.string().nullable(), backend: z.string().nullable(), seed: z.number().int().nullable() }),
  origin: z.string(),
  outcome: SavedOutcome,
  artifacts: z.array(z.object({ name: z.string(), hash: HASH })),
});

const BundleSource = z.object({
  hash: HASH,
  entry: z.string(),
  files: z.array(z.object({ path: z.string(), text: z.string() })).min(1),
});

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, 1));

/** Writes session `ref` to `file` (atomically: a temporary file renamed into place). */
export function exportSession(store: Store, ref: number | string, file: string): { file: string; runs: number; bytes: number } {
  const entries: Record<string, Uint8Array> = {};
  const manifest = store.db
    .transaction(() => {
      const session = store.getSession(ref);
      if (!session) throw new StoreError("not-found", `no session ${JSON.stringify(String(ref))} (see \`tandem sessions list\`)`);
      const sources = new Set<string>();
      const artifacts = new Map<string, { hash: string; bytes: number; mediaType: string; path: string }>();
      for (const summary of session.runs) {
        const run = store.requireRun(summary.id);
        if (run.sourceId) sources.add(run.sourceId);
        for (const a of run.artifacts) artifacts.set(a.hash, { hash: a.hash, bytes: a.bytes, mediaType: a.mediaType, path: a.path });
        entries[`runs/${run.uuid}.json`] = json({
          uuid: run.uuid,
          createdAt: run.createdAt,
          kind: run.kind,
          modelFile: run.modelFile,
          sourceId: run.sourceId,
          request: { mode: run.mode, backend: run.backend, seed: run.seed },
          origin: run.origin,
          outcome: run.outcome,
          artifacts: run.artifacts.map((a) => ({ name: a.name, hash: a.hash })),
        } satisfies z.input<typeof BundleRun>);
      }
      for (const hash of sources) {
        const source = store.getSource(hash);
        if (source) entries[`sources/${hash}.json`] = json({ hash, entry: source.entry, files: source.files });
      }
      for (const a of artifacts.values()) entries[`artifacts/${a.hash}`] = readFileSync(store.artifactFile(a));
      return {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        createdAt: new Date().toISOString(),
        tandemVersion: TANDEM_VERSION,
        session: { name: session.name, notes: session.notes, createdAt: session.createdAt },
        runs: session.runs.map((r) => r.uuid),
        sources: [...sources].filter((h) => entries[`sources/${h}.json`]),
        artifacts: [...artifacts.values()].map(({ hash, bytes, mediaType }) => ({ hash, bytes, mediaType })),
        entries: Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, sha256(bytes)])),
      } satisfies z.input<typeof Manifest>;
    })
    .deferred();
  const zip: Zippable = { "manifest.json": json(manifest) };
  for (const [name, bytes] of Object.entries(entries)) zip[name] = [bytes, { level: name.startsWith("artifacts/") ? 1 : 6 }];
  const data = zipSync(zip);
  const target = path.resolve(file);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, target);
  return { file: target, runs: manifest.runs.length, bytes: data.byteLength };
}

/** A file that is not a bundle we can read: refused, nothing imported (exit 1). */
export class BundleError extends StoreError {
  constructor(file: string, reason: string) {
    super("invalid", `cannot import ${file}: ${reason}`);
    this.name = "BundleError";
  }
}

export interface ImportReport {
  session: { id: number; name: string };
  imported: number;
  /** Runs whose UUID was already in the database (an earlier import, or made here). */
  skipped: number;
  origin: string;
}

/** An entry's JSON, checked against `schema`; `raw` is the value as written (nothing stripped). */
function parseEntry<T>(schema: z.ZodType<T>, bytes: Uint8Array | undefined, name: string, file: string): { data: T; raw: unknown } {
  if (!bytes) throw new BundleError(file, `${name} is missing`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new BundleError(file, `${name} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BundleError(file, `${name} is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).slice(0, 3).join("; ")}`);
  return { data: parsed.data, raw: value };
}

/**
 * Reads a bundle into the session of the same name (created if missing) or `options.session`.
 * Imported runs and sources are marked `imported-from <file name>`.
 */
export function importBundle(store: Store, file: string, options: { session?: string } = {}): ImportReport {
  const label = path.basename(file);
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new BundleError(label, (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error));
  }
  let entries: Record<string, Uint8Array>;
  try {
    let unpacked = 0;
    entries = unzipSync(data, {
      filter: (f) => {
        unpacked += f.originalSize;
        if (unpacked > MAX_UNPACKED_BYTES) throw new Error("too large");
        return true;
      },
    });
  } catch (error) {
    throw new BundleError(label, `not a Tandem bundle, or a damaged or truncated one (${error instanceof Error ? error.message : String(error)})`);
  }
  const manifest = parseEntry(Manifest, entries["manifest.json"], "manifest.json", label).data;
  if (manifest.version > BUNDLE_VERSION) throw new BundleError(label, `bundle format version ${manifest.version} is newer than this Tandem reads (${BUNDLE_VERSION}); update Tandem`);
  for (const [name, digest] of Object.entries(manifest.entries)) {
    const bytes = entries[name];
    if (!bytes) throw new BundleError(label, `${name} is missing (truncated?)`);
    if (sha256(bytes) !== digest) throw new BundleError(label, `${name} is damaged (its sha256 does not match the manifest)`);
  }
  const unlisted = Object.keys(entries).filter((name) => name !== "manifest.json" && !(name in manifest.entries));
  if (unlisted.length) throw new BundleError(label, `unexpected entries: ${unlisted.slice(0, 3).join(", ")}`);

  const sources = new Map(
    manifest.sources.map((hash) => {
      const source = parseEntry(BundleSource, entries[`sources/${hash}.json`], `sources/${hash}.json`, label).data;
      if (source.hash !== hash || hashSources(source.files) !== hash) throw new BundleError(label, `sources/${hash}.json does not hash to its name`);
      return [hash, source] as const;
    }),
  );
  const artifacts = new Map(
    manifest.artifacts.map((a) => {
      const bytes = entries[`artifacts/${a.hash}`];
      if (!bytes || sha256(bytes) !== a.hash) throw new BundleError(label, `artifacts/${a.hash} is missing or damaged`);
      return [a.hash, { ...a, data: bytes }] as const;
    }),
  );
  const runs = manifest.runs.map((uuid) => {
    const { data: run, raw } = parseEntry(BundleRun, entries[`runs/${uuid}.json`], `runs/${uuid}.json`, label);
    if (run.uuid !== uuid) throw new BundleError(label, `runs/${uuid}.json holds run ${run.uuid}`);
    if (run.sourceId && !sources.has(run.sourceId)) throw new BundleError(label, `run ${uuid} refers to sources ${run.sourceId}, which the bundle lacks`);
    for (const a of run.artifacts) if (!artifacts.has(a.hash)) throw new BundleError(label, `run ${uuid} refers to artifact ${a.hash}, which the bundle lacks`);
    // The outcome goes in as written: fields this version does not know are kept, not stripped.
    return { ...run, outcome: (raw as { outcome: SavedOutcome }).outcome };
  });

  const origin = `imported-from ${label}`;
  return store.transaction(() => {
    const session = store.ensureSession(options.session ?? manifest.session.name);
    if (!session.notes && manifest.session.notes) store.setNotes(session.id, manifest.session.notes);
    let imported = 0;
    let skipped = 0;
    for (const run of runs) {
      if (store.hasRunUuid(run.uuid)) {
        skipped++;
        continue;
      }
      const source = run.sourceId ? sources.get(run.sourceId) : undefined;
      const saved = store.insertRunInTransaction(session.id, {
        uuid: run.uuid,
        createdAt: run.createdAt,
        kind: run.kind,
        modelFile: run.modelFile,
        outcome: run.outcome,
        sources: source ? { entry: source.entry, files: source.files } : null,
        // A run imported again from a second bundle keeps its first origin; a local one becomes imported.
        origin: run.origin === "local" ? origin : run.origin,
        request: { mode: run.request.mode ?? undefined, backend: run.request.backend ?? undefined, seed: run.request.seed ?? undefined },
      });
      for (const link of run.artifacts) {
        const a = artifacts.get(link.hash);
        if (a) store.addArtifactInTransaction(saved.id, link.name, a.data, a.mediaType);
      }
      imported++;
    }
    return { session: { id: session.id, name: session.name }, imported, skipped, origin };
  });
}
