/**
 * The sessions methods through a real service and client: runs saved with `session`, read back,
 * compared with a CI, exported as a download and imported again; an export without a path comes
 * back as a download that onnxruntime loads. The store lives in a temporary TANDEM_HOME.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode } from "../../shared/client";
import type { SavedRef } from "../../shared/sessions";
import { loadOrt } from "../onnx/ort";
import { type ServiceClient, TINY_MODEL, serviceClient } from "./test/service-client";

let engine: ServiceClient;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tandem-service-"));
  process.env.TANDEM_HOME = path.join(dir, "home");
  writeFileSync(path.join(dir, "tiny.ts"), TINY_MODEL);
  engine = serviceClient({ baseDir: dir });
});
afterAll(() => engine?.close());

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The bytes of a download, as GET download/<id> would send them. */
function downloaded(id: string): Buffer {
  const offered = engine.service.transfers.download(id);
  if (!offered) throw new Error(`no download ${id}`);
  return readFileSync(offered.file);
}

describe("sessions over the contract", () => {
  it("saves runs, lists, reads, compares, exports and re-imports them", async () => {
    const { tandem } = engine;
    const file = path.join(dir, "tiny.ts");
    const edited = TINY_MODEL.replace(".relu()", ".sigmoid()");

    const first = await tandem.run({ model: { file }, session: "day 1", repeat: 5, typecheck: false, backend: "cpu" });
    const second = await tandem.run({ model: { source: edited, filename: file }, session: "day 1", repeat: 5, typecheck: false, backend: "cpu" });
    if (!first.ok || !second.ok) throw new Error("the runs failed");
    expect(first.saveError).toBeUndefined();
    const a = first.saved as SavedRef;
    const b = second.saved as SavedRef;
    expect(a).toMatchObject({ session: "day 1", sessionId: b.sessionId });
    expect(first.result.timings.samplesMs).toHaveLength(5);

    expect((await tandem.sessionsList()).find((s) => s.name === "day 1")?.runCount).toBe(2);
    const opened = await tandem.sessionOpen({ session: "day 1" });
    // Each reply says what the sidebar shows of its save: the session as it then was, and the run it added.
    expect(second.saved?.info).toEqual((({ runs: _runs, ...info }) => info)(opened));
    expect([...(first.saved?.runs ?? []), ...(second.saved?.runs ?? [])]).toEqual(opened.runs);
    expect(first.saved?.info.runCount).toBe(1);
    expect(opened.runs.map((r) => [r.id, r.kind, r.status])).toEqual([
      [a.runId, "run", "ok"],
      [b.runId, "run", "ok"],
    ]);

    const record = await tandem.runGet({ run: b.uuid });
    expect(record.id).toBe(b.runId);
    // The editor's text is what was saved for the second run, not the file on disk.
    expect((await tandem.sourceGet({ hash: record.sourceId ?? "" })).files[0]?.text).toBe(edited);

    const comparison = await tandem.runsCompare({ runs: [a.runId, b.runId] });
    expect(comparison.latency[1]?.ci).not.toBeNull();
    expect(comparison.sources[0]?.diff).toContain("+    return this.fc(x).sigmoid();");

    const exported = await tandem.sessionExport({ session: a.sessionId });
    expect(exported.runs).toBe(2);
    expect(exported.download).toMatchObject({ name: "day_1.tandem", mediaType: "application/zip" });
    const bundle = downloaded(exported.download.id);
    expect(bundle.length).toBe(exported.download.bytes);
    expect(sha256(bundle)).toBe(exported.download.sha256);

    const bundleFile = path.join(dir, "day1.tandem");
    writeFileSync(bundleFile, bundle);
    expect(await tandem.sessionImport({ from: { path: "day1.tandem" } })).toMatchObject({ session: { name: "day 1" }, imported: 0, skipped: 2 });

    await tandem.sessionRename({ session: "day 1", name: "first day" });
    expect((await tandem.sessionNotes({ session: "first day", notes: "baseline" })).notes).toBe("baseline");
    expect(await tandem.sessionDelete({ session: "first day" })).toMatchObject({ runs: 2 });
    // Deleted, then imported again from the download: the runs come back as imported.
    const again = await tandem.sessionImport({ from: { path: bundleFile }, session: "restored" });
    expect(again).toMatchObject({ session: { name: "restored" }, imported: 2, skipped: 0, origin: "imported-from day1.tandem" });
  });

  it("carries NaN and infinities through the service, a saved session and a bundle", async () => {
    const { tandem } = engine;
    const model = readFileSync(path.join(import.meta.dirname, "../test/fixtures/models/non_finite.ts"), "utf8");
    const run = (mode: "eager" | "graph:tfjs") =>
      tandem.run({ model: { source: model, filename: path.join(dir, "non_finite.ts") }, mode, session: "non-finite", repeat: 0, typecheck: false, backend: "cpu" });
    const eager = await run("eager");
    const graph = await run("graph:tfjs");
    if (!eager.ok) throw new Error(eager.error.message);
    if (!graph.ok) throw new Error(graph.error.message);
    const previews = (outputs: { name: string; preview: unknown[] }[]) => outputs.map((o) => [o.name, o.preview]);
    expect(eager.result.outputs[0]).toMatchObject({ name: "output.log", sum: "NaN", hasNaN: true });
    expect(eager.result.outputs[0]?.preview).toContain("NaN");
    expect(eager.result.outputs[1]?.preview).toContain("-Infinity");
    expect(previews(graph.result.outputs)).toEqual(previews(eager.result.outputs));
    // NaN where eager has NaN is agreement, not a difference.
    expect(graph.result.graph?.parity.map((p) => [p.output, p.mismatch, p.maxAbsDiff])).toEqual([
      ["output.log", null, 0],
      ["output.inf", null, 0],
    ]);

    const saved = await tandem.runGet({ run: (eager.saved as SavedRef).runId });
    if (!saved.outcome.ok) throw new Error("saved as failed");
    expect(saved.outcome.result.outputs).toEqual(eager.result.outputs);
    const comparison = await tandem.runsCompare({ runs: [(eager.saved as SavedRef).runId, (graph.saved as SavedRef).runId] });
    expect(comparison.parity[0]?.outputs[0]).toMatchObject({ name: "output.log", sum: "NaN", sumAbsDiff: "NaN" });

    const exported = await tandem.sessionExport({ session: "non-finite" });
    writeFileSync(path.join(dir, "non-finite.tandem"), downloaded(exported.download.id));
    await tandem.sessionDelete({ session: "non-finite" }); // else the import skips runs it already has
    const imported = await tandem.sessionImport({ from: { path: "non-finite.tandem" }, session: "non-finite again" });
    expect(imported.imported).toBe(2);
    const reopened = await tandem.sessionOpen({ session: "non-finite again" });
    const back = await tandem.runGet({ run: reopened.runs[0]?.id ?? 0 });
    if (!back.outcome.ok) throw new Error("imported as failed");
    expect(back.outcome.result.outputs).toEqual(eager.result.outputs);
  });

  it("answers not-found, conflict and refused as contract errors", async () => {
    const { tandem } = engine;
    await tandem.sessionOpen({ session: "taken", create: true });
    await tandem.sessionOpen({ session: "other", create: true });
    expect(errorCode(await tandem.sessionOpen({ session: "nobody" }).catch((e: unknown) => e))).toBe("not-found");
    expect(errorCode(await tandem.runGet({ run: 999_999 }).catch((e: unknown) => e))).toBe("not-found");
    expect(errorCode(await tandem.sourceGet({ hash: "0".repeat(64) }).catch((e: unknown) => e))).toBe("not-found");
    expect(errorCode(await tandem.sessionRename({ session: "other", name: "taken" }).catch((e: unknown) => e))).toBe("conflict");
    expect(errorCode(await tandem.sessionImport({ from: { upload: "no-such-upload" } }).catch((e: unknown) => e))).toBe("not-found");
    writeFileSync(path.join(dir, "junk.tandem"), "not a zip");
    const junk = await tandem.sessionImport({ from: { path: "junk.tandem" } }).catch((e: unknown) => e);
    expect(errorCode(junk)).toBe("refused");
    expect(String(junk)).toMatch(/not a Tandem bundle/);
  });

  it("exports ONNX without a path as a download onnxruntime loads, saved with the file as an artifact", async () => {
    const { tandem } = engine;
    const exported = await tandem.export({ model: { source: TINY_MODEL, filename: path.join(dir, "unsaved.ts") }, session: "exports", backend: "cpu" });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.export.onnxruntime.ok).toBe(true);
    const download = exported.download;
    if (!download) throw new Error("no download");
    expect(download).toMatchObject({ name: "unsaved.onnx", mediaType: "application/octet-stream", bytes: exported.export.bytes });
    const bytes = downloaded(download.id);
    expect(sha256(bytes)).toBe(download.sha256);
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(["x"]);
    await session.release();

    const record = await tandem.runGet({ run: exported.saved?.runId ?? 0 });
    expect(record).toMatchObject({ kind: "export", status: "ok", sessionName: "exports" });
    expect(record.artifacts.map((x) => [x.name, x.hash])).toEqual([["model.onnx", download.sha256]]);
    // The saved file comes back later as a download of its own (the sidebar's list of a run's files).
    const again = await tandem.artifactGet({ run: record.id, name: "model.onnx" });
    expect(again).toMatchObject({ name: "model.onnx", sha256: download.sha256, bytes: download.bytes });
    expect(sha256(downloaded(again.id))).toBe(download.sha256);

    // With a path, the file is where it was asked to go and nothing is offered.
    const onDisk = await tandem.export({ model: { source: TINY_MODEL, filename: path.join(dir, "unsaved.ts") }, path: "out/tiny.onnx", backend: "cpu" });
    if (!onDisk.ok) throw new Error(onDisk.error.message);
    expect(onDisk.download).toBeNull();
    expect(onDisk.export.path).toBe(path.join(dir, "out/tiny.onnx"));
    expect(onDisk.saved).toBeUndefined();
  });

  it("keeps a result when saving it fails, and says why", async () => {
    const broken = serviceClient({ baseDir: dir, dbFile: path.join(dir, "tiny.ts", "cannot", "be.db") });
    try {
      const outcome = await broken.tandem.run({ model: { source: TINY_MODEL, filename: path.join(dir, "m.ts") }, session: "s", repeat: 0, typecheck: false, backend: "cpu" });
      expect(outcome.ok).toBe(true);
      expect(outcome.saved).toBeUndefined();
      expect(outcome.saveError).toMatch(/not saved into session "s"/);
    } finally {
      await broken.close();
    }
  });
});
