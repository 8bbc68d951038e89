/**
 * artifactAdd and artifactGet through a real service and client, on runs saved straight into the
 * store of a temporary TANDEM_HOME (no model needs to run): a chart kept with a run, listed,
 * downloaded byte for byte, stored once per content, and bad requests refused with nothing changed.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode } from "../../shared/client";
import { CONTRACT_VERSION, MAX_ARTIFACT_BYTES, MAX_MESSAGE_CHARS, type ParamsInput, messageSize } from "../../shared/contract";
import { okOutcome } from "../store/test/fixtures";
import { type ServiceClient, serviceClient } from "./test/service-client";

/** A 1x1 PNG; the second differs in one pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
const PNG2 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");

let engine: ServiceClient;
let home: string;
let runs: number[];
beforeAll(async () => {
  home = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-artifacts-")), "home");
  engine = serviceClient({ dbFile: path.join(home, "tandem.db") });
  runs = await engine.service.store.use((s) => {
    const session = s.ensureSession("charts");
    return [1, 2].map((n) => s.saveRun(session.id, okOutcome({ warmMs: n }), { kind: "run", modelFile: "net.ts", sourceText: "x", git: { commit: "c", dirty: false } }).id);
  });
});
afterAll(() => engine?.close());

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const run = (i: number): number => runs[i] ?? -1;

/** Files under artifacts/ beside the database. */
const files = (): string[] => (existsSync(path.join(home, "artifacts")) ? readdirSync(path.join(home, "artifacts"), { recursive: true }).map(String).filter((f) => f.includes(path.sep)).sort() : []);

/** The rows of the artifact tables and the files: "nothing changed" means this is equal. */
const everything = () =>
  engine.service.store.use((s) => ({ artifacts: s.db.prepare("SELECT * FROM artifacts").all(), links: s.db.prepare("SELECT * FROM run_artifacts").all(), files: files() }));

/** The bytes of a download, as GET download/<id> would send them. */
function downloaded(id: string): Buffer {
  const offered = engine.service.transfers.download(id);
  if (!offered) throw new Error(`no download ${id}`);
  return readFileSync(offered.file);
}

const add = (params: Partial<ParamsInput<"artifactAdd">>) => engine.tandem.artifactAdd({ run: run(0), name: "latency.png", mediaType: "image/png", dataBase64: PNG.toString("base64"), ...params });
const codeOf = (promise: Promise<unknown>) => promise.then(() => "resolved", (error: unknown) => errorCode(error));

describe("artifacts over the contract", () => {
  it("keeps a chart with a saved run, lists it, and offers it back byte for byte", async () => {
    const { tandem } = engine;
    const info = await add({});
    expect(info).toMatchObject({ name: "latency.png", mediaType: "image/png", bytes: PNG.length, hash: sha256(PNG) });

    const record = await tandem.runGet({ run: run(0) });
    expect(record.artifacts).toEqual([info]);
    expect((await tandem.sessionOpen({ session: "charts" })).runs.map((r) => r.artifactCount)).toEqual([1, 0]);

    const download = await tandem.artifactGet({ run: record.uuid, name: "latency.png" });
    expect(download).toMatchObject({ name: "latency.png", mediaType: "image/png", bytes: PNG.length, sha256: sha256(PNG) });
    expect(sha256(downloaded(download.id))).toBe(sha256(PNG));
  });

  it("stores the same bytes once, however often and wherever they are added", async () => {
    await add({});
    const before = await everything();
    expect(before.files).toHaveLength(1);
    expect(await add({})).toMatchObject({ hash: sha256(PNG) });
    expect(await everything()).toEqual(before);

    await add({ run: run(1), name: "copy.png" });
    const after = await everything();
    expect(after.files).toEqual(before.files);
    expect(after.links).toHaveLength(2);
  });

  it("keeps CSV and JSON data beside a chart", async () => {
    await add({ run: run(1), name: "latency.csv", mediaType: "text/csv", dataBase64: Buffer.from("phase,ms\r\nwarm,1.5\r\n").toString("base64") });
    await add({ run: run(1), name: "latency.json", mediaType: "application/json", dataBase64: Buffer.from('[{"phase":"warm","ms":1.5}]').toString("base64") });
    const record = await engine.tandem.runGet({ run: run(1) });
    expect(record.artifacts.map((a) => [a.name, a.mediaType])).toEqual([
      ["copy.png", "image/png"],
      ["latency.csv", "text/csv"],
      ["latency.json", "application/json"],
    ]);
    const csv = await engine.tandem.artifactGet({ run: run(1), name: "latency.csv" });
    expect(downloaded(csv.id).toString()).toBe("phase,ms\r\nwarm,1.5\r\n");
  });

  it("replaces a name with other bytes only when asked, and then drops the file no run uses", async () => {
    const { tandem } = engine;
    await add({ run: run(1), name: "replace-me.png" });
    const before = await everything();
    expect(await codeOf(add({ run: run(1), name: "replace-me.png", dataBase64: PNG2.toString("base64") }))).toBe("conflict");
    expect(await everything()).toEqual(before);

    await add({ run: run(1), name: "replace-me.png", dataBase64: PNG2.toString("base64"), replace: true });
    expect((await tandem.runGet({ run: run(1) })).artifacts.find((a) => a.name === "replace-me.png")?.hash).toBe(sha256(PNG2));
    // PNG is still used by the other names, so its file stays; PNG2 is new.
    expect((await everything()).files).toHaveLength(before.files.length + 1);

    await add({ run: run(1), name: "only.png", dataBase64: PNG2.toString("base64") });
    await add({ run: run(1), name: "only.png", replace: true });
    await add({ run: run(1), name: "replace-me.png", replace: true });
    // Nothing refers to PNG2 any more: its file is gone with its row.
    expect((await everything()).files).toEqual(before.files);
    expect(await engine.service.store.use((s) => s.db.prepare("SELECT COUNT(*) FROM artifacts WHERE hash = ?").pluck().get(sha256(PNG2)))).toBe(0);
  });

  it("refuses an unknown run, a bad name, bad base64 and bytes that are not what they claim, changing nothing", async () => {
    const before = await everything();
    const base64 = (text: string) => Buffer.from(text).toString("base64");
    const cases: [Partial<ParamsInput<"artifactAdd">>, string][] = [
      [{ run: 999_999 }, "not-found"],
      [{ run: "00000000-0000-4000-8000-000000000000" }, "not-found"],
      [{ name: "../latency.png" }, "refused"],
      [{ name: "charts/latency.png" }, "refused"],
      [{ name: "c:latency.png" }, "refused"],
      [{ name: ".png" }, "refused"],
      [{ name: ".hidden.png" }, "refused"],
      [{ name: "latency.png\n" }, "refused"],
      [{ name: "latency.csv" }, "refused"],
      [{ dataBase64: "not base64!" }, "refused"],
      [{ dataBase64: PNG.toString("base64").replace(/=+$/, "") }, "refused"],
      [{ dataBase64: base64("GIF89a, not a PNG") }, "refused"],
      [{ name: "data.json", mediaType: "application/json", dataBase64: base64("{ not json") }, "refused"],
      [{ name: "data.csv", mediaType: "text/csv", dataBase64: Buffer.from([0xff, 0xfe, 0x00]).toString("base64") }, "refused"],
    ];
    for (const [params, code] of cases) expect([params, await codeOf(add(params))]).toEqual([params, code]);
    // Outside the schema: the engine refuses the params as invalid, before any handler runs.
    expect(await codeOf(engine.tandem.call("artifactAdd", { run: run(0), name: "x.gif", mediaType: "image/gif" as "image/png", dataBase64: "" }))).toBe("invalid");
    expect(await codeOf(add({ dataBase64: "A".repeat(4 * Math.ceil(MAX_ARTIFACT_BYTES / 3) + 4) }))).toBe("invalid");
    expect(await everything()).toEqual(before);

    const refused = await add({ name: "a/b.png" }).catch((error: unknown) => error);
    expect(String(refused)).toMatch(/not a plain file name/);
    expect(String(await add({ dataBase64: base64("GIF89a") }).catch((error: unknown) => error))).toMatch(/not a PNG image/);
  });

  it("answers not-found for a file or run that is not there", async () => {
    expect(await codeOf(engine.tandem.artifactGet({ run: run(0), name: "nope.png" }))).toBe("not-found");
    expect(await codeOf(engine.tandem.artifactGet({ run: 999_999, name: "latency.png" }))).toBe("not-found");
  });

  it("takes the largest artifact in one message", () => {
    const dataBase64 = "A".repeat(4 * Math.ceil(MAX_ARTIFACT_BYTES / 3));
    const request = { v: CONTRACT_VERSION, type: "request", id: "c".repeat(100), method: "artifactAdd", params: { run: "00000000-0000-4000-8000-000000000000", name: "n".repeat(116) + ".png", mediaType: "application/json", dataBase64, replace: true } };
    expect(messageSize(request)).toBeLessThan(MAX_MESSAGE_CHARS);
  });
});
