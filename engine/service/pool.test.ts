/**
 * The worker pool with real worker processes: long-lived workers that run many jobs, and every way
 * a job can end badly (time-out, crash, a killed worker, out-of-memory, cancel) costing only that
 * job while the next one runs.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunOutcome, RunRequest, type RunRequestInput } from "../../shared/run";
import { runOutcome } from "./run-outcome";
import { type PoolEnd, WorkerPool } from "./pool";

const models = path.resolve(import.meta.dirname, "../test/fixtures/models");
const examples = path.resolve(import.meta.dirname, "../../assets/examples");

const pool = new WorkerPool({ size: 2, warm: 1, maxOldSpaceMb: 256 });
afterAll(() => pool.close());

const request = (input: Partial<RunRequestInput>) => RunRequest.parse({ file: path.join(examples, "mlp.ts"), repeat: 0, typecheck: false, ...input });

function run(input: Partial<RunRequestInput>, extra: { signal?: AbortSignal; onPhase?: (p: string) => void } = {}): Promise<PoolEnd> {
  const req = request(input);
  return pool.submit({ spec: { type: "run", request: req }, timeoutMs: req.timeoutMs, ...extra });
}

function outcome(end: PoolEnd): RunOutcome {
  if (end.type === "cancelled") throw new Error("the job was cancelled");
  return runOutcome(end);
}

const failedKind = (end: PoolEnd) => {
  const o = outcome(end);
  if (o.ok) throw new Error("expected the job to fail");
  return o.error;
};

const succeeds = async () => {
  const o = outcome(await run({}));
  if (!o.ok) throw new Error(`the next job failed: ${o.error.kind}: ${o.error.message}`);
  expect(o.result.outputs[0]?.shape).toEqual([8, 10]);
};

describe("worker pool", () => {
  it("runs jobs one after another on the same worker, each with only its own logs", async () => {
    const first = outcome(await run({ file: path.join(examples, "branching.ts") }));
    const source = `import { nn, Tensor } from "tandem";\nexport default class Echo extends nn.Module {\n  forward(x: Tensor): Tensor {\n    console.log("echo", x.shape);\n    return x.relu();\n  }\n}\nexport const inputs = { x: [2, 3] };\n`;
    const second = outcome(await run({ file: path.join(examples, "untitled.ts"), source }));
    if (!first.ok || !second.ok) throw new Error("expected both runs to succeed");
    expect(first.result.logs.some((l) => l.text.includes("gate"))).toBe(true);
    expect(second.result.logs.map((l) => l.text)).toEqual(["echo [ 2, 3 ]"]);
    expect(second.result.logs[0]?.location).toEqual({ file: path.join(examples, "untitled.ts"), line: 4, column: 13 });
    expect(second.result.model.className).toBe("Echo");
    // One worker did both (the pool keeps one warm and reuses it while it is clean).
    expect(pool.stats().workers.some((w) => w.jobs >= 2)).toBe(true);
  });

  it("stops a model in an infinite loop at its time limit while another job finishes; the next job runs", async () => {
    const [loop, other] = await Promise.all([run({ file: path.join(models, "infinite_loop.ts"), timeoutMs: 2000 }), run({})]);
    const e = failedKind(loop);
    expect(e.kind).toBe("timeout");
    expect(e.message).toContain("2 s");
    expect(outcome(other).ok).toBe(true);
    await succeeds();
  });

  it("reports a model that allocates without bound as out-of-memory; the next job runs", async () => {
    const e = failedKind(await run({ file: path.join(models, "out_of_memory.ts") }));
    expect(e.kind).toBe("oom");
    expect(e.message).toContain("256 MB");
    await succeeds();
  });

  it("reports a worker killed in the middle of a job as a crash; the next job runs", async () => {
    const end = run({ file: path.join(models, "infinite_loop.ts"), timeoutMs: 60_000 }, {
      onPhase: (phase) => {
        if (phase !== "running") return;
        const busy = pool.stats().workers.find((w) => w.state === "busy");
        if (busy?.pid) process.kill(busy.pid, "SIGKILL");
      },
    });
    const e = failedKind(await end);
    expect(e.kind).toBe("crash");
    expect(e.message).toContain("SIGKILL");
    await succeeds();
  });

  it("reports a model that exits its worker; the next job runs", async () => {
    const e = failedKind(await run({ file: path.join(models, "crashes.ts") }));
    expect(e.kind).toBe("crash");
    expect(e.message).toContain("exit code 7");
    await succeeds();
  });

  it("cancels queued jobs at once and running ones by killing their workers; the next job runs", async () => {
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const signal = (i: number) => (controllers[i] as AbortController).signal;
    // Two loops take both workers; a third job waits in the queue.
    let running = 0;
    let bothRunning = () => {};
    const started = new Promise<void>((resolve) => (bothRunning = resolve));
    const onPhase = (phase: string) => {
      if (phase === "running" && ++running === 2) bothRunning();
    };
    const loops = [0, 1].map((i) => run({ file: path.join(models, "infinite_loop.ts"), timeoutMs: 60_000 }, { signal: signal(i), onPhase }));
    await started;
    const queued = run({}, { signal: signal(2) });
    expect(pool.stats().queued).toBe(1);
    controllers[2]?.abort();
    expect(await queued).toEqual({ type: "cancelled" });
    controllers[0]?.abort();
    controllers[1]?.abort();
    expect(await Promise.all(loops)).toEqual([{ type: "cancelled" }, { type: "cancelled" }]);
    await succeeds();
  });
});

describe("a pool that warms its workers' type checker", () => {
  it("runs a job sent while the warm-up runs, and checks types as before", async () => {
    const warmed = new WorkerPool({ size: 1, warm: 1, maxOldSpaceMb: 512, warmTypecheck: true });
    try {
      // Once the worker is up it warms; a job sent then queues behind the warm-up, then runs whole.
      await expect.poll(() => warmed.stats().workers.map((w) => w.state), { timeout: 60_000 }).toEqual(["idle"]);
      const first = outcome(await warmed.submit({ spec: { type: "run", request: request({ typecheck: true }) }, timeoutMs: 60_000 }));
      expect(first.ok && first.result.diagnostics).toEqual([]);
      const end = await warmed.submit({ spec: { type: "check", file: path.join(models, "type_error.ts") }, timeoutMs: 60_000 });
      if (end.type !== "done" || end.reply.type !== "check") throw new Error(`unexpected end: ${end.type}`);
      expect(end.reply.diagnostics.map((d) => d.code)).toContain("TS2322");
    } finally {
      await warmed.close();
    }
  });
});
