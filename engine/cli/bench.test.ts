/** `tandem bench` on the command line: arguments, the progress line, exit codes. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BenchResult } from "../../shared/bench";
import { progressLine } from "./bench";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const tandem = path.join(root, "bin/tandem.mjs");

describe("progressLine", () => {
  it("shows the phase, a bar over the time budget and the rounds", () => {
    const line = progressLine({ phase: "measure", caseIndex: 2, cases: 3, elapsedMs: 5000, budgetMs: 10_000, rounds: 42, detail: "eager, graph:tfjs" }, 10);
    expect(line).toBe("batch 2/3 measure [#####.....] 5.0/10 s 42 rounds eager, graph:tfjs");
    expect(progressLine({ phase: "setup", caseIndex: 1, cases: 1, elapsedMs: 0, budgetMs: 0, rounds: 0, detail: "tracing" })).toBe("setup tracing");
  });
});

describe("tandem bench", () => {
  it("prints one BenchResult as JSON with --json, and --threads auto says what it picked", async () => {
    const { stdout } = await run(process.execPath, [tandem, "bench", "assets/examples/mlp.ts", "--modes", "eager,graph:ort", "--threads", "auto", "--batch", "2", "--warmup", "0.05", "--min-time", "0.2", "--max-time", "0.4", "--no-profile", "--json"], { cwd: root, timeout: 60_000 });
    const r = BenchResult.parse(JSON.parse(stdout));
    expect(r.settings.threads).toBe("auto");
    const c = r.cases[0];
    expect(c?.inputs[0]?.shape).toEqual([2, 784]);
    expect(c?.variants.filter((v) => v.mode === "graph:ort").length).toBeGreaterThanOrEqual(1);
    expect(c?.picked.map((p) => p.mode)).toEqual(["eager", "graph:ort"]);
  });

  it("refuses no model without --peak, and an unknown mode", async () => {
    await expect(run(process.execPath, [tandem, "bench"], { cwd: root })).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [tandem, "bench", "assets/examples/mlp.ts", "--modes", "jit"], { cwd: root })).rejects.toMatchObject({ code: 2 });
  });
});
