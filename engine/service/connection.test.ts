/**
 * The contract end to end over an in-memory transport, with stub handlers (no workers): what a
 * client sends and receives is validated on both ends, and nothing malformed crashes either.
 */
import { describe, expect, it } from "vitest";
import { CallError, createClient, errorCode } from "../../shared/client";
import { CONTRACT_VERSION, METHODS, type Params, type Result, ServerMessage } from "../../shared/contract";
import type { RunOutcome } from "../../shared/run";
import { type Transport, transportPair } from "../../shared/transport";
import { serveConnection } from "./connection";
import type { CallContext, Handlers } from "./service";

const outcome: RunOutcome = {
  ok: false,
  error: { kind: "runtime", message: "Error: stub", location: { file: "/m.ts", line: 3, column: 5 }, stack: [], op: null },
  logs: [],
  diagnostics: [],
};

function stubHandlers(extra: Partial<Handlers> = {}): Handlers {
  return {
    hello: async () => ({ contract: CONTRACT_VERSION, tandem: "test", host: "test", workers: 1, files: false }),
    run: async (params: Params<"run">, context: CallContext): Promise<Result<"run">> => {
      context.progress({ phase: "running" });
      context.log({ level: "log", text: `mode ${params.mode} seed ${params.seed}`, location: null });
      return outcome;
    },
    ...extra,
  };
}

function setup(handlers: Handlers, maxMessageChars?: number) {
  const [clientEnd, serverEnd, close] = transportPair();
  const logged: string[] = [];
  serveConnection(serverEnd, handlers, { log: (l) => logged.push(l), ...(maxMessageChars ? { maxMessageChars } : {}) });
  const invalid: string[] = [];
  const tandem = createClient(clientEnd, { onInvalid: (p) => invalid.push(p) });
  return { tandem, clientEnd, logged, invalid, close };
}

/** Sends a raw message and waits for the engine's next message. */
function raw(transport: Transport, message: unknown): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const stop = transport.onMessage((m) => {
      stop();
      resolve(ServerMessage.parse(m));
    });
    transport.send(message);
  });
}

describe("contract over a transport", () => {
  it("round-trips a call with its events, defaults filled in on the engine's side", async () => {
    const { tandem } = setup(stubHandlers());
    const events: string[] = [];
    tandem.on("progress", (p, job) => events.push(`${job}:${p.phase}`));
    tandem.on("log", (e, job) => events.push(`${job}:${e.text}`));
    const id = tandem.nextId();
    expect(await tandem.run({ model: { source: "x", filename: "m.ts" } }, { id })).toEqual(outcome);
    expect(events).toEqual([`${id}:running`, `${id}:mode eager seed 0`]);
    expect((await tandem.hello()).contract).toBe(CONTRACT_VERSION);
  });

  it("hands a call its own events through onEvent, and only its own", async () => {
    const { tandem } = setup(stubHandlers());
    const mine: string[] = [];
    const other: string[] = [];
    const [first] = await Promise.all([
      tandem.run({ model: { file: "a.ts" }, seed: 1 }, { onEvent: (e) => mine.push(e.event === "log" ? e.data.text : e.event) }),
      tandem.run({ model: { file: "b.ts" }, seed: 2 }, { onEvent: (e) => other.push(e.event === "log" ? e.data.text : e.event) }),
    ]);
    expect(first).toEqual(outcome);
    expect(mine).toEqual(["progress", "mode eager seed 1"]);
    expect(other).toEqual(["progress", "mode eager seed 2"]);
  });

  it("makes one function per contract method but cancel, each the generic call", async () => {
    const { tandem } = setup(stubHandlers());
    const methods = Object.keys(METHODS).filter((m) => m !== "cancel");
    expect(methods.filter((m) => typeof (tandem as unknown as Record<string, unknown>)[m] !== "function")).toEqual([]);
    expect(await tandem.hello()).toEqual(await tandem.call("hello", {}));
  });

  it("cancels a call when its signal aborts, before or after it was sent", async () => {
    let aborted = false;
    const { tandem } = setup(stubHandlers({ check: (_p, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener("abort", () => ((aborted = true), reject(new Error("stopped"))))) }));
    const controller = new AbortController();
    const call = tandem.check({ model: { file: "m.ts" } }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(errorCode(await call.catch((e: unknown) => e))).toBe("cancelled");
    expect(aborted).toBe(true);
    expect(errorCode(await tandem.check({ model: { file: "m.ts" } }, { signal: controller.signal }).catch((e: unknown) => e))).toBe("cancelled");
  });

  it("rejects bad params once, in the engine, with the issues", async () => {
    const { tandem, clientEnd, logged } = setup(stubHandlers());
    await expect(tandem.run({ model: { file: "" } })).rejects.toMatchObject({ code: "invalid", issues: [{ path: "model.file" }] });
    await expect(tandem.call("run", { model: { file: "m.ts" }, mode: "jit" } as never)).rejects.toThrow(/mode/);
    const reply = await raw(clientEnd, { v: 1, type: "request", id: "r1", method: "run", params: { model: { file: "m.ts" }, repeat: "many" } });
    expect(reply).toMatchObject({ type: "reply", id: "r1", ok: false, error: { code: "invalid" } });
    expect(logged.filter((l) => l.includes("refused a run call"))).toHaveLength(3);
  });

  it("answers malformed, foreign-version, unknown and duplicate messages with typed errors", async () => {
    const slow: Handlers = { ...stubHandlers(), check: (_p, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve({ diagnostics: [] }))) };
    const { clientEnd, logged } = setup(slow);
    expect(await raw(clientEnd, "{not json")).toMatchObject({ ok: false, id: null, error: { code: "invalid" } });
    expect(await raw(clientEnd, 42)).toMatchObject({ ok: false, id: null, error: { code: "invalid" } });
    expect(await raw(clientEnd, { v: 1, type: "request", id: "a", method: "run" })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await raw(clientEnd, { v: 99, type: "request", id: "b", method: "hello", params: {} })).toMatchObject({ id: "b", ok: false, error: { code: "version" } });
    expect(await raw(clientEnd, { v: 1, type: "request", id: "c", method: "rm -rf", params: {} })).toMatchObject({ id: "c", ok: false, error: { code: "unknown-method" } });
    expect(await raw(clientEnd, { v: 1, type: "request", id: "d", method: "openFile", params: {} })).toMatchObject({ id: "d", ok: false, error: { code: "unsupported" } });
    clientEnd.send({ v: 1, type: "request", id: "e", method: "check", params: { model: { file: "m.ts" } } });
    expect(await raw(clientEnd, { v: 1, type: "request", id: "e", method: "check", params: { model: { file: "m.ts" } } })).toMatchObject({ id: "e", ok: false, error: { code: "duplicate-id" } });
    expect(logged.length).toBeGreaterThanOrEqual(7);
  });

  it("refuses a message over the size limit with a typed error, and goes on", async () => {
    const { tandem, clientEnd } = setup(stubHandlers(), 10_000);
    const big = { v: 1, type: "request", id: "big", method: "run", params: { model: { source: "x".repeat(20_000), filename: "m.ts" } } };
    expect(await raw(clientEnd, big)).toMatchObject({ id: "big", ok: false, error: { code: "too-large" } });
    expect(await raw(clientEnd, JSON.stringify(big))).toMatchObject({ id: null, ok: false, error: { code: "too-large" } });
    expect((await tandem.hello()).host).toBe("test");
  });

  it("cancels a call: its handler sees the abort and the caller gets a cancelled error", async () => {
    let aborted = false;
    const handlers = stubHandlers({
      check: (_p, ctx) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("stopped"));
          }),
        ),
    });
    const { tandem } = setup(handlers);
    const id = tandem.nextId();
    const call = tandem.check({ model: { file: "m.ts" } }, { id });
    await new Promise((r) => setTimeout(r, 20));
    expect(await tandem.cancel(id)).toBe(true);
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallError);
    expect(errorCode(error)).toBe("cancelled");
    expect(aborted).toBe(true);
    expect(await tandem.cancel("no-such-call")).toBe(false);
  });

  it("rejects a reply that breaks the method's schema (the client validates what it receives)", async () => {
    const broken = stubHandlers({ backends: async () => [{ name: "tpu" }] as never });
    const { tandem, invalid } = setup(broken);
    // The engine does not check its own results again: the client is where a reply is checked.
    await expect(tandem.backends()).rejects.toMatchObject({ code: "invalid-reply" });
    expect(invalid).toEqual(["the reply to backends breaks its schema"]);

    const [clientEnd, fakeEngine] = transportPair();
    fakeEngine.onMessage((m) => fakeEngine.send({ v: 1, type: "reply", id: (m as { id: string }).id, ok: true, result: [{ name: "tpu" }] }));
    const refused: string[] = [];
    const client = createClient(clientEnd, { onInvalid: (p) => refused.push(p) });
    await expect(client.backends()).rejects.toMatchObject({ code: "invalid-reply" });
    fakeEngine.send({ v: 1, type: "event", event: "log", job: "x", data: { level: "shout" } });
    await new Promise((r) => setTimeout(r, 10));
    expect(refused).toHaveLength(2);
  });

  it("fails calls in flight when the connection closes, and cancels them on the engine's side", async () => {
    let aborted = false;
    const { tandem, close } = setup(stubHandlers({ check: (_p, ctx) => new Promise(() => ctx.signal.addEventListener("abort", () => (aborted = true))) }));
    const call = tandem.check({ model: { file: "m.ts" } });
    await new Promise((r) => setTimeout(r, 10));
    close();
    await expect(call).rejects.toMatchObject({ code: "closed" });
    expect(aborted).toBe(true);
    await expect(tandem.hello()).rejects.toMatchObject({ code: "closed" });
  });

  it("survives a handler that throws, and answers internal", async () => {
    const { tandem, logged } = setup(stubHandlers({ hello: async () => Promise.reject(new Error("boom")) }));
    await expect(tandem.hello()).rejects.toThrow(/\[internal\] boom/);
    expect(logged.some((l) => l.includes("boom"))).toBe(true);
    expect((await tandem.run({ model: { file: "m.ts" } })).ok).toBe(false);
  });
});
