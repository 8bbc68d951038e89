/** driveRunner: every runner is prepared once, checked on the cold run, timed warm, and always disposed. */
import { describe, expect, it } from "vitest";
import type { ExecutionContext } from "./execution";
import { type GraphRunner, driveRunner } from "./graph-runner";

const ctx = (repeat: number) => ({ request: { repeat } }) as unknown as ExecutionContext;

/** A runner that writes down what is asked of it; `failAt` makes that run throw. */
function recording(async: boolean, failAt = -1): { runner: GraphRunner; log: string[] } {
  const log: string[] = [];
  let runs = 0;
  const outputs = (n: number) => ({
    check: () => {
      log.push(`check ${n}`);
      return { outputs: [], parity: [{ output: "y", maxAbsDiff: n, maxRelDiff: 0, scale: 1, mismatch: null, notCompared: null }] };
    },
    release: () => log.push(`release ${n}`),
  });
  const runner: GraphRunner = {
    prepare: () => {
      log.push("prepare");
      return Promise.resolve({ compileMs: 7 });
    },
    run: () => {
      const n = runs++;
      log.push(`run ${n}`);
      if (n === failAt) throw new Error("kernel failed");
      return async ? Promise.resolve(outputs(n)) : outputs(n);
    },
    summary: () => ({ segments: { note: "n", planRuns: runs, eagerSegments: 0, replays: 0, templates: 1 } }),
    dispose: () => void log.push("dispose"),
  };
  return { runner, log };
}

describe("driveRunner", () => {
  it.each([false, true])("prepares, checks the cold run, times the warm ones, then disposes (async %s)", async (async) => {
    const { runner, log } = recording(async);
    const result = await driveRunner(runner, ctx(2));
    expect(log).toEqual(["prepare", "run 0", "check 0", "release 0", "run 1", "release 1", "run 2", "release 2", "dispose"]);
    expect(result.compileMs).toBe(7);
    expect(result.parity.map((p) => p.maxAbsDiff)).toEqual([0]);
    expect(result.warmMs).toHaveLength(2);
    expect(result.extra.segments?.planRuns).toBe(3); // read after the runs
  });

  it("disposes the runner when a run fails", async () => {
    const { runner, log } = recording(false, 1);
    await expect(driveRunner(runner, ctx(3))).rejects.toThrow("kernel failed");
    expect(log[log.length - 1]).toBe("dispose");
  });
});
