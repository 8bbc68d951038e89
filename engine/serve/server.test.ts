/**
 * `tandem serve` for real on 127.0.0.1: the token guards the page and the WebSocket, the WebSocket
 * refuses other origins, and the contract runs over it end to end with real workers.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ensureBuiltApp } from "../../bin/build-app.mjs";
import { type TandemClient, createClient, errorCode } from "../../shared/client";
import { ServerMessage } from "../../shared/contract";
import { websocketTransport } from "../../shared/transport";
import { type Served, startServer } from "./server";

const examples = path.resolve(import.meta.dirname, "../../assets/examples");
const models = path.resolve(import.meta.dirname, "../test/fixtures/models");
const LIMIT = 200_000;
const UPLOAD_LIMIT = 1024 * 1024;

let served: Served;
const logged: string[] = [];
beforeAll(async () => {
  // The small page (dist/page), whether or not renderer/dist has been built: these tests know it.
  const { page } = await ensureBuiltApp({ electron: false });
  // Sessions (saved runs) go to a store of this test's own, opened on first use.
  process.env.TANDEM_HOME = mkdtempSync(path.join(os.tmpdir(), "tandem-serve-home-"));
  served = await startServer({ port: 0, size: 2, maxOldSpaceMb: 512, maxMessageChars: LIMIT, maxUploadBytes: UPLOAD_LIMIT, staticDir: page, log: (l) => logged.push(l) });
});
afterAll(() => served?.close());

const wsUrl = (query = "") => `${served.origin.replace(/^http/, "ws")}/ws${query}`;

/** Opens a socket; resolves with it once open, or with the HTTP status of the refused upgrade. */
function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.once("error", reject);
  });
}

async function client(): Promise<{ tandem: TandemClient; socket: WebSocket }> {
  const socket = await open(wsUrl(`?token=${served.token}`));
  if (typeof socket === "number") throw new Error(`refused: ${socket}`);
  return { tandem: createClient(websocketTransport(socket)), socket };
}

function next(socket: WebSocket): Promise<ServerMessage> {
  return new Promise((resolve) => socket.once("message", (data: Buffer) => resolve(ServerMessage.parse(JSON.parse(data.toString())))));
}

describe("tandem serve: the token and the origin", () => {
  it("prints a loopback URL with a token", () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it("serves the page with the token (and a cookie for what the page loads), 401 without it", async () => {
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>Tandem</title>");
    expect(html).toContain('src="app.js"');
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const cookie = page.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toBe(`tandem-token-${served.port}=${served.token}`);

    const script = await fetch(`${served.origin}/app.js`, { headers: { cookie } });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect((await script.text()).length).toBeGreaterThan(1000);

    expect((await fetch(`${served.origin}/`)).status).toBe(401);
    expect((await fetch(`${served.origin}/app.js`)).status).toBe(401);
    expect((await fetch(`${served.origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${served.origin}/`, { headers: { cookie: `tandem-token-${served.port}=nope` } })).status).toBe(401);
    expect((await fetch(`${served.origin}/..%2f..%2fpackage.json?token=${served.token}`)).status).toBe(404); // not the repo's
    expect((await fetch(`${served.origin}/missing.js?token=${served.token}`)).status).toBe(404);
    expect((await fetch(`${served.origin}/?token=${served.token}`, { method: "POST" })).status).toBe(405);
  });

  it("refuses WebSockets without the right token or from another origin", async () => {
    expect(await open(wsUrl())).toBe(401);
    expect(await open(wsUrl("?token=wrong"))).toBe(401);
    expect(await open(wsUrl(`?token=${served.token}`), { Origin: "http://evil.example" })).toBe(403);
    expect(await open(wsUrl(`?token=${served.token}`), { Origin: "http://localhost:1" })).toBe(403);
    const ok = await open(wsUrl(), { Origin: served.origin, Cookie: `tandem-token-${served.port}=${served.token}` });
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
    expect(logged.filter((l) => l.includes("refused a WebSocket")).length).toBeGreaterThanOrEqual(4);
  });

  it("answers malformed and oversized messages with typed errors, and closes on frames past the hard limit", async () => {
    const { tandem, socket } = await client();
    socket.send("{ not json");
    expect(await next(socket)).toMatchObject({ type: "reply", id: null, ok: false, error: { code: "invalid" } });
    socket.send(JSON.stringify({ v: 1, type: "request", id: "x", method: "run", params: { model: { source: "x".repeat(LIMIT), filename: "m.ts" } } }));
    expect(await next(socket)).toMatchObject({ type: "reply", id: null, ok: false, error: { code: "too-large" } });
    expect((await tandem.hello()).host).toBe("serve"); // still there
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send("x".repeat(LIMIT * 3 + 2048));
    expect(await closed).toBe(1009);
  });
});

describe("tandem serve: the contract over the WebSocket", () => {
  let tandem: TandemClient;
  let socket: WebSocket;
  beforeAll(async () => ({ tandem, socket } = await client()));
  afterAll(() => socket?.close());

  it("says hello and lists backends", async () => {
    expect(await tandem.hello()).toMatchObject({ contract: 1, host: "serve", workers: 2, files: false });
    const backends = await tandem.backends();
    expect(backends.find((b) => b.name === "cpu")?.available).toBe(true);
  });

  it("runs a model from a file and from editor text, streaming logs and progress", async () => {
    const events: string[] = [];
    tandem.on("progress", (p, job) => events.push(`${job} ${p.phase}`));
    tandem.on("log", (e, job) => events.push(`${job} log ${e.text}`));
    const id = tandem.nextId();
    const outcome = await tandem.run({ model: { file: path.join(examples, "branching.ts") }, backend: "cpu", repeat: 1, typecheck: false }, { id });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.result.outputs[0]?.shape).toEqual([4, 8]);
    expect(events).toContain(`${id} running`);
    expect(events.some((e) => e.startsWith(`${id} log BranchingNet: gate`))).toBe(true);

    const source = `import { nn, Tensor } from "tandem";\nexport default class Bad extends nn.Module {\n  forward(x: Tensor): Tensor {\n    const label: number = "two";\n    console.log(label);\n    return x.relu();\n  }\n}\nexport const inputs = { x: [2] };\n`;
    const typed = await tandem.run({ model: { source, filename: path.join(examples, "scratch.ts") }, repeat: 0 });
    if (!typed.ok) throw new Error(typed.error.message);
    expect(typed.result.file).toBe(path.join(examples, "scratch.ts"));
    expect(typed.result.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([["TS2322", 4]]);
  });

  it("reports a model's error at the editor file's line", async () => {
    const source = `import { nn, Tensor } from "tandem";\nexport default class M extends nn.Module {\n  forward(x: Tensor): Tensor {\n    throw new Error("nope");\n  }\n}\nexport const inputs = { x: [2] };\n`;
    const outcome = await tandem.run({ model: { source, filename: "/tmp/editor/m.ts" }, typecheck: false });
    if (outcome.ok) throw new Error("expected a failure");
    expect(outcome.error).toMatchObject({ kind: "runtime", message: "Error: nope", location: { file: "/tmp/editor/m.ts", line: 4, column: 11 } });
  });

  it("explains the graph and exports ONNX", async () => {
    const graph = await tandem.graph({ model: { file: path.join(examples, "mlp.ts") }, backend: "cpu" });
    if (!graph.ok) throw new Error(graph.error.message);
    expect(graph.graph.irTraced).toContain("linear");
    expect(graph.graph.passes.length).toBeGreaterThan(0);

    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-serve-")), "mlp.onnx");
    const exported = await tandem.export({ model: { file: path.join(examples, "mlp.ts") }, path: out, backend: "cpu" });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.export.path).toBe(out);
    expect(exported.export.onnxruntime.ok).toBe(true);
    expect(existsSync(out)).toBe(true);
  });

  it("type-checks editor text without running it", async () => {
    const { diagnostics } = await tandem.check({ model: { source: `import { nn } from "tandem";\nconst x: string = 1;\nexport default nn.Module;\n`, filename: "/tmp/editor/c.ts" } });
    expect(diagnostics.map((d) => d.location?.line)).toEqual([2]);
  });

  it("cancels a model in an infinite loop; the next run succeeds", async () => {
    const id = tandem.nextId();
    const running = new Promise<void>((resolve) => tandem.on("progress", (p, job) => job === id && p.phase === "running" && resolve()));
    const call = tandem.run({ model: { file: path.join(models, "infinite_loop.ts") }, timeoutMs: 60_000, typecheck: false }, { id });
    await running;
    expect(await tandem.cancel(id)).toBe(true);
    expect(errorCode(await call.catch((e: unknown) => e))).toBe("cancelled");
    const after = await tandem.run({ model: { file: path.join(examples, "mlp.ts") }, repeat: 0, typecheck: false });
    expect(after.ok).toBe(true);
  });
});

describe("tandem serve: downloads and uploads", () => {
  let tandem: TandemClient;
  let socket: WebSocket;
  beforeAll(async () => ({ tandem, socket } = await client()));
  afterAll(() => socket?.close());
  const auth = () => ({ authorization: `Bearer ${served.token}` });

  it("offers an export without a path as a download, only with the token", async () => {
    const exported = await tandem.export({ model: { file: path.join(examples, "mlp.ts") }, backend: "cpu" });
    if (!exported.ok || !exported.download) throw new Error("expected a download");
    const { id, name, bytes, sha256 } = exported.download;
    expect(name).toBe("mlp.onnx");

    const response = await fetch(`${served.origin}/download/${id}`, { headers: { cookie: `tandem-token-${served.port}=${served.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="mlp.onnx"; filename*=UTF-8''mlp.onnx`);
    expect(response.headers.get("content-length")).toBe(String(bytes));
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(bytes);
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha256);
    expect((await fetch(`${served.origin}/download/${id}`, { method: "HEAD", headers: auth() })).headers.get("content-length")).toBe(String(bytes));

    expect((await fetch(`${served.origin}/download/${id}`)).status).toBe(401);
    expect((await fetch(`${served.origin}/download/${id}?token=wrong`)).status).toBe(401);
    expect((await fetch(`${served.origin}/download/nope`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${served.origin}/download/${id}`, { method: "POST", headers: auth() })).status).toBe(405);
  });

  it("takes an upload (token and origin checked, size limited) that sessionImport reads", async () => {
    const run = await tandem.run({ model: { file: path.join(examples, "mlp.ts") }, session: "served", repeat: 2, typecheck: false, backend: "cpu" });
    if (!run.ok || !run.saved) throw new Error(`expected a saved run: ${run.saveError ?? ""}`);
    const { download } = await tandem.sessionExport({ session: "served" });
    const bundle = await (await fetch(`${served.origin}/download/${download.id}`, { headers: auth() })).arrayBuffer();

    const post = (headers: Record<string, string>, body: Uint8Array = new Uint8Array(bundle)) => fetch(`${served.origin}/upload?name=served.tandem`, { method: "POST", headers, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ ...auth(), origin: "http://evil.example" })).status).toBe(403);
    expect((await post(auth(), new Uint8Array(UPLOAD_LIMIT + 1))).status).toBe(413);
    expect((await fetch(`${served.origin}/upload`, { headers: auth() })).status).toBe(405);

    const uploaded = await post({ ...auth(), origin: served.origin, "content-type": "application/octet-stream" });
    expect(uploaded.status).toBe(200);
    const { id } = (await uploaded.json()) as { id: string };
    const report = await tandem.sessionImport({ from: { upload: id } });
    expect(report).toMatchObject({ session: { name: "served" }, imported: 0, skipped: 1, origin: "imported-from served.tandem" });
    // An upload is read once: it is gone after its import.
    expect(errorCode(await tandem.sessionImport({ from: { upload: id } }).catch((e: unknown) => e))).toBe("not-found");
  });
});
