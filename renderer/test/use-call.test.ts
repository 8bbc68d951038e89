/**
 * useCall against the real client over an in-memory transport, facing a small fake engine: the
 * lifecycle every view of a call shows, from idle to done, failed or cancelled.
 */
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../shared/client";
import { CONTRACT_VERSION } from "../../shared/contract";
import type { RunOutcome } from "../../shared/run";
import { transportPair } from "../../shared/transport";
import { useCall } from "../src/composables/use-call";
import { useEngine } from "../src/stores/engine";

const failedRun: RunOutcome = { ok: false, error: { kind: "runtime", message: "Error: stub", location: null, stack: [], op: null }, logs: [], diagnostics: [] };

type Send = (message: object) => void;
/** A fake engine: answers each request with its handler's result, `cancelled` when a cancel came first, `invalid` for no handler. */
type Handler = (params: unknown, id: string, send: Send) => Promise<unknown>;

function connect(handlers: Record<string, Handler>) {
  const [clientEnd, engineEnd] = transportPair();
  const cancelled = new Set<string>();
  const send: Send = (message) => engineEnd.send({ v: CONTRACT_VERSION, ...message });
  engineEnd.onMessage(async (raw) => {
    const { id, method, params } = raw as { id: string; method: string; params: { id?: string } };
    if (method === "cancel") {
      cancelled.add(params.id ?? "");
      return send({ type: "reply", id, ok: true, result: { cancelled: true } });
    }
    const handler = handlers[method];
    if (!handler) return send({ type: "reply", id, ok: false, error: { code: "invalid", message: `${method}: model.file: too small` } });
    const result = await handler(params, id, send);
    if (cancelled.has(id)) send({ type: "reply", id, ok: false, error: { code: "cancelled", message: "cancelled" } });
    else send({ type: "reply", id, ok: true, result });
  });
  useEngine().client = createClient(clientEnd);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("useCall", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("goes idle -> running -> the status its result stands for, with the call's events on the way", async () => {
    connect({
      run: async (_params, id, send) => {
        send({ type: "event", event: "progress", job: id, data: { phase: "running" } });
        send({ type: "event", event: "log", job: id, data: { level: "log", text: "hello", location: null } });
        await sleep(200);
        return failedRun;
      },
    });
    const logs: string[] = [];
    const call = useCall("run", { statusOf: (o) => (o.ok ? "done" : "failed"), onEvent: (e) => e.event === "log" && logs.push(e.data.text) });
    expect(call.status.value).toBe("idle");
    const pending = call.run({ model: { file: "m.ts" } });
    expect(call.status.value).toBe("running");
    expect(await call.run({ model: { file: "m.ts" } })).toBeNull(); // one at a time
    await vi.waitFor(() => expect(call.progress.value).toEqual({ phase: "running" }));
    expect(await pending).toEqual(failedRun);
    expect([call.status.value, call.result.value, call.failure.value, call.progress.value]).toEqual(["failed", failedRun, null, null]);
    expect(logs).toEqual(["hello"]);
    expect(call.finishedAt.value).toBeGreaterThanOrEqual(call.startedAt.value ?? Infinity);
  });

  it("is cancelled by cancel(), keeping the last result and leaving no failure", async () => {
    connect({ check: () => sleep(100).then(() => ({ diagnostics: [] })) });
    const call = useCall("check");
    call.show({ diagnostics: [] });
    const pending = call.run({ model: { file: "m.ts" } });
    // At once: the transport is ordered, so the request reaches the engine before its cancel.
    expect(await call.cancel()).toBe(true);
    expect(await pending).toBeNull();
    expect([call.status.value, call.failure.value, call.result.value]).toEqual(["cancelled", null, { diagnostics: [] }]);
    expect(await call.cancel()).toBe(false);
  });

  it("says why the call itself failed, without the error code, and resets to idle", async () => {
    connect({});
    const call = useCall("run");
    expect(await call.run({ model: { file: "" } })).toBeNull();
    expect(call.status.value).toBe("failed");
    expect(call.failure.value).toBe("run: model.file: too small");
    call.reset();
    expect([call.status.value, call.failure.value, call.result.value]).toEqual(["idle", null, null]);
  });
});
