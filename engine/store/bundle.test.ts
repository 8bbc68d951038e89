import { strToU8, unzipSync, zipSync } from "fflate";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BundleError, exportSession, importBundle } from "./bundle";
import { openStore, type Store } from "./store";
import { errorOutcome, MODEL_V1, MODEL_V2, okOutcome, tempHome } from "./test/fixtures";

const GIT = { commit: "abc123", dirty: true } as const;
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
function newStore(): Store {
  const store = openStore(path.join(tempHome(), "tandem.db"));
  stores.push(store);
  return store;
}

/** A store with session "study": two runs of different sources, a failure, an artifact, notes. */
function source(): { store: Store; bundle: string } {
  const store = newStore();
  const s = store.ensureSession("study");
  store.setNotes(s.id, "batch 8 vs 16");
  const r1 = store.saveRun(s.id, okOutcome({ warmMs: 5 }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V1, git: GIT });
  store.saveRun(s.id, okOutcome({ warmMs: 6 }), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, git: GIT });
  store.saveRun(s.id, errorOutcome(), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V2, request: { mode: "eager", backend: "cpu", seed: 4 }, git: GIT });
  store.addArtifact(r1.id, "model.onnx", new Uint8Array([1, 2, 3, 4, 5]), "application/onnx");
  const bundle = path.join(tempHome(), "study.tandem");
  expect(exportSession(store, "study", bundle).runs).toBe(3);
  return { store, bundle };
}

/** Every row of every table, and the files beside the database: "nothing changed" means this is equal. */
function everything(store: Store): unknown {
  const tables = ["sessions", "runs", "sources", "artifacts", "run_artifacts"];
  const rows = Object.fromEntries(tables.map((t) => [t, store.db.prepare(`SELECT * FROM ${t}`).all()]));
  return { rows, files: readdirSync(store.dir, { recursive: true }).map(String).sort() };
}

/** Rewrites entries of a bundle; with `fixDigests`, the manifest is updated to match (a consistent forgery). */
function rewrite(bundle: string, change: (entries: Record<string, Uint8Array>) => void, fixDigests = false): string {
  const entries = unzipSync(readFileSync(bundle));
  change(entries);
  if (fixDigests) {
    const manifest = JSON.parse(new TextDecoder().decode(entries["manifest.json"])) as { entries: Record<string, string> };
    for (const name of Object.keys(manifest.entries)) {
      const bytes = entries[name];
      if (bytes) manifest.entries[name] = createHash("sha256").update(bytes).digest("hex");
    }
    entries["manifest.json"] = strToU8(JSON.stringify(manifest));
  }
  const out = path.join(tempHome(), "changed.tandem");
  writeFileSync(out, zipSync(entries));
  return out;
}

const runEntry = (entries: Record<string, Uint8Array>): string => Object.keys(entries).find((n) => n.startsWith("runs/")) ?? "";
const sourceEntry = (entries: Record<string, Uint8Array>): string => Object.keys(entries).find((n) => n.startsWith("sources/")) ?? "";

describe("bundles", () => {
  it("carries runs, sources, artifacts and notes to another store, marked as imported", () => {
    const { store, bundle } = source();
    const target = newStore();
    const report = importBundle(target, bundle);
    expect(report).toMatchObject({ imported: 3, skipped: 0, origin: "imported-from study.tandem", session: { name: "study" } });

    const original = store.getSession("study");
    const copy = target.getSession("study");
    expect(copy?.notes).toBe("batch 8 vs 16");
    expect(copy?.runs.map((r) => r.uuid)).toEqual(original?.runs.map((r) => r.uuid));
    expect(copy?.runs.every((r) => r.origin === "imported-from study.tandem")).toBe(true);
    for (const [a, b] of (original?.runs ?? []).map((r, i) => [r, copy?.runs[i]] as const)) {
      const ra = store.requireRun(a.id);
      const rb = target.requireRun(b?.id ?? -1);
      expect(rb.outcome).toEqual(ra.outcome);
      expect(rb.createdAt).toBe(ra.createdAt);
      expect([rb.mode, rb.backend, rb.seed, rb.sourceId]).toEqual([ra.mode, ra.backend, ra.seed, ra.sourceId]);
      expect(target.getSource(rb.sourceId ?? "")?.files).toEqual(store.getSource(ra.sourceId ?? "")?.files);
      expect(target.getSource(rb.sourceId ?? "")?.origin).toBe("imported-from study.tandem");
    }
    const artifact = target.requireRun(copy?.runs[0]?.id ?? -1).artifacts[0];
    expect(artifact?.name).toBe("model.onnx");
    expect([...readFileSync(target.artifactFile(artifact ?? { path: "" }))]).toEqual([1, 2, 3, 4, 5]);
  });

  it("carries the charts and data a window saved with a run (any artifact, by content)", () => {
    const store = newStore();
    const s = store.ensureSession("charts");
    const run = store.saveRun(s.id, okOutcome(), { kind: "run", modelFile: "net.ts", sourceText: MODEL_V1, git: GIT });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    store.addArtifact(run.id, "eager-time-per-phase.png", png, "image/png");
    store.addArtifact(run.id, "eager-time-per-phase.csv", strToU8("phase,ms\r\n"), "text/csv");
    const bundle = path.join(tempHome(), "charts.tandem");
    exportSession(store, "charts", bundle);

    const target = newStore();
    importBundle(target, bundle);
    const copy = target.getSession("charts")?.runs[0];
    expect(copy?.artifactCount).toBe(2);
    const artifacts = target.requireRun(copy?.id ?? -1).artifacts;
    expect(artifacts.map((a) => [a.name, a.mediaType, a.bytes])).toEqual([
      ["eager-time-per-phase.csv", "text/csv", 10],
      ["eager-time-per-phase.png", "image/png", png.length],
    ]);
    const copied = artifacts.find((a) => a.mediaType === "image/png");
    expect([...readFileSync(target.artifactFile(copied ?? { path: "" }))]).toEqual([...png]);
  });

  it("adds nothing when the same bundle is imported again, or into the store it came from", () => {
    const { store, bundle } = source();
    const target = newStore();
    importBundle(target, bundle);
    const before = everything(target);
    expect(importBundle(target, bundle)).toMatchObject({ imported: 0, skipped: 3 });
    expect(everything(target)).toEqual(before);
    expect(importBundle(store, bundle)).toMatchObject({ imported: 0, skipped: 3 });
    expect(store.getSession("study")?.runs).toHaveLength(3);
  });

  it("imports into another session when asked", () => {
    const { bundle } = source();
    const target = newStore();
    target.ensureSession("mine");
    expect(importBundle(target, bundle, { session: "mine" }).session.name).toBe("mine");
    expect(target.getSession("mine")?.runs).toHaveLength(3);
    expect(target.getSession("study")).toBeNull();
  });

  it("keeps fields it does not know, nested ones included", () => {
    const { bundle } = source();
    const forged = rewrite(
      bundle,
      (entries) => {
        for (const name of Object.keys(entries).filter((n) => n.startsWith("runs/"))) {
          const run = JSON.parse(new TextDecoder().decode(entries[name])) as { outcome: { ok: boolean; result?: { outputs: Record<string, unknown>[]; futureField?: unknown } } };
          if (!run.outcome.ok || !run.outcome.result) continue;
          run.outcome.result.futureField = { p99: 1.5 };
          (run.outcome.result.outputs[0] as Record<string, unknown>).maxAbsDiff = 0.001;
          entries[name] = strToU8(JSON.stringify(run));
        }
      },
      true,
    );
    const target = newStore();
    importBundle(target, forged);
    const run = target.requireRun(target.getSession("study")?.runs[0]?.id ?? -1);
    expect(run.outcome.ok && (run.outcome.result as Record<string, unknown>).futureField).toEqual({ p99: 1.5 });
    expect(run.outcome.ok && (run.outcome.result.outputs[0] as Record<string, unknown>).maxAbsDiff).toBe(0.001);
  });

  describe("refuses, changing nothing,", () => {
    function refused(file: string, message: RegExp) {
      const target = newStore();
      target.ensureSession("existing");
      const before = everything(target);
      let error: unknown;
      try {
        importBundle(target, file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BundleError);
      expect((error as Error).message).toMatch(message);
      expect(everything(target)).toEqual(before);
    }

    it("a truncated bundle", () => {
      const { bundle } = source();
      const bytes = readFileSync(bundle);
      for (const keep of [0.5, 0.9, 0.99]) {
        const cut = path.join(tempHome(), "cut.tandem");
        writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
        refused(cut, /cannot import cut\.tandem: .*(damaged or truncated|missing|damaged)/);
      }
    });

    it("a bundle with flipped bytes", () => {
      const { bundle } = source();
      const bytes = readFileSync(bundle);
      for (const at of [0.1, 0.3, 0.5, 0.7]) {
        const copy = Buffer.from(bytes);
        const i = Math.floor(copy.length * at);
        copy[i] = (copy[i] ?? 0) ^ 0xff;
        const bad = path.join(tempHome(), "flipped.tandem");
        writeFileSync(bad, copy);
        refused(bad, /cannot import flipped\.tandem/);
      }
    });

    it("a file that is not a bundle", () => {
      const dir = tempHome();
      const text = path.join(dir, "notes.txt");
      writeFileSync(text, "just some text\n");
      refused(text, /not a Tandem bundle/);
      const otherZip = path.join(dir, "other.zip");
      writeFileSync(otherZip, zipSync({ "readme.md": strToU8("hi") }));
      refused(otherZip, /manifest\.json is missing/);
      const foreign = path.join(dir, "foreign.tandem");
      writeFileSync(foreign, zipSync({ "manifest.json": strToU8(JSON.stringify({ format: "something-else", version: 1 })) }));
      refused(foreign, /manifest\.json is malformed: format/);
      refused(path.join(dir, "absent.tandem"), /no such file/);
    });

    it("a bundle whose entries do not match the manifest, or whose sources do not match their hash", () => {
      const { bundle } = source();
      refused(rewrite(bundle, (e) => void (e[runEntry(e)] = strToU8("{}"))), /is damaged \(its sha256 does not match/);
      refused(rewrite(bundle, (e) => void Reflect.deleteProperty(e, runEntry(e))), /is missing/);
      refused(rewrite(bundle, (e) => void (e["extra/evil.sh"] = strToU8("rm -rf /"))), /unexpected entries: extra\/evil\.sh/);
      refused(
        rewrite(bundle, (e) => {
          const name = sourceEntry(e);
          const src = JSON.parse(new TextDecoder().decode(e[name])) as { files: { text: string }[] };
          if (src.files[0]) src.files[0].text += "// injected\n";
          e[name] = strToU8(JSON.stringify(src));
        }, true),
        /does not hash to its name/,
      );
      refused(
        rewrite(bundle, (e) => {
          const name = runEntry(e);
          const run = JSON.parse(new TextDecoder().decode(e[name])) as { outcome: unknown };
          run.outcome = { ok: true };
          e[name] = strToU8(JSON.stringify(run));
        }, true),
        /is malformed: outcome/,
      );
    });

    it("a bundle from a newer format version", () => {
      const { bundle } = source();
      refused(
        rewrite(bundle, (e) => {
          const m = JSON.parse(new TextDecoder().decode(e["manifest.json"])) as { version: number };
          m.version = 99;
          e["manifest.json"] = strToU8(JSON.stringify(m));
        }),
        /format version 99 is newer/,
      );
    });
  });
});
