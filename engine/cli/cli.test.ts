/** The CLI as a user runs it: `npx tandem ...`, checking output and exit codes. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BackendInfo } from "../../shared/backends";
import { ExportSummary } from "../../shared/graph";
import { RunOutcome } from "../../shared/run";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
// Each test run starts with an empty type-check cache.
const env = { ...process.env, TANDEM_CACHE: mkdtempSync(path.join(os.tmpdir(), "tandem-cache-")) };

async function tandem(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, "bin/tandem.mjs"), ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("tandem run", () => {
  it("prints outputs, time and backend, and exits 0", async () => {
    const { code, stdout } = await tandem("run", "assets/examples/mlp.ts", "--backend", "cpu");
    expect(code).toBe(0);
    expect(stdout).toContain("MLP");
    expect(stdout).toContain("backend cpu");
    expect(stdout).toMatch(/output\s+float32 \[8, 10\]/);
    expect(stdout).toMatch(/forward [\d.]+ ms cold/);
  });

  it("prints one JSON object with --json", async () => {
    const { code, stdout } = await tandem("run", "assets/examples/module_list.ts", "--json", "--repeat", "0");
    expect(code).toBe(0);
    const parsed = RunOutcome.parse(JSON.parse(stdout));
    expect(parsed.ok).toBe(true);
  });

  it("prints NaN and infinities in the outputs, as text and as --json", async () => {
    const model = "engine/test/fixtures/models/non_finite.ts";
    const text = await tandem("run", model, "--repeat", "0", "--backend", "cpu");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/output\.log\s+float32 \[2, 4\]\s+\[.*NaN.*\]\n\s+sum NaN .*\(contains NaN\)/);
    expect(text.stdout).toMatch(/output\.inf\s+float32 \[2, 4\]\s+\[.*-Infinity.*\]\n\s+sum NaN .*\(contains Infinity\)/);

    const json = await tandem("run", model, "--repeat", "0", "--backend", "cpu", "--json");
    expect(json.code, json.stderr).toBe(0);
    const parsed = RunOutcome.parse(JSON.parse(json.stdout));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [log, inf] = parsed.result.outputs;
    expect(log?.preview).toContain("NaN");
    expect(log?.preview.some((v) => typeof v === "number")).toBe(true); // the positive inputs' logs
    expect(log).toMatchObject({ sum: "NaN", hasNaN: true, hasInf: false });
    expect(new Set(inf?.preview)).toEqual(new Set(["Infinity", "-Infinity"]));
    expect(inf).toMatchObject({ hasNaN: false, hasInf: true });
  });

  it("exits 1 with the location and a code frame for an error in the model", async () => {
    const { code, stderr } = await tandem("run", "engine/test/fixtures/models/shape_mismatch.ts");
    expect(code).toBe(1);
    expect(stderr).toContain("at engine/test/fixtures/models/shape_mismatch.ts:9:17");
    expect(stderr).toContain(">  9 |     return this.fc2(h);");
  });

  it("reports an input too large to make as the model's error at its declaration, with the bytes and the limit", async () => {
    const { code, stderr } = await tandem("run", "engine/test/fixtures/models/huge_input.ts", "--no-typecheck", "--max-memory", "2048");
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error (oom): input "x" of shape [100000, 100000] (float32) needs 40 GB (40,000,000,000 bytes), more than the worker\'s memory limit of 2048 MB (--max-memory) at engine/test/fixtures/models/huge_input.ts:10:1',
    );
    expect(stderr).toContain("> 10 | export const inputs = { x: [100000, 100000] };");
  });

  it("reports a parameter too large to make at the line that constructs it, not as a time-out", async () => {
    const { code, stderr } = await tandem("run", "engine/test/fixtures/models/huge_parameter.ts", "--no-typecheck");
    expect(code).toBe(1);
    expect(stderr).toContain(
      "error (oom): a parameter of shape [50000, 50000] (float32) needs 10 GB (10,000,000,000 bytes), more than the worker's memory limit of 4096 MB (--max-memory) at engine/test/fixtures/models/huge_parameter.ts:4:8",
    );
    expect(stderr).toContain("> 4 |   fc = new nn.Linear(50000, 50000); // 2.5e9 float32 weights: 10 GB");
  });

  it("names an API Tandem lacks at the user's line, exit 1, instead of a bare TypeError", async () => {
    const { code, stderr } = await tandem("run", "engine/test/fixtures/models/missing_api.ts", "--no-typecheck");
    expect(code).toBe(1);
    expect(stderr).toContain("`nn.Foo` is not in Tandem; `tandem ops` lists what is at engine/test/fixtures/models/missing_api.ts:5:17");
    expect(stderr).toContain("> 5 |   norm = new nn.Foo(2);");
    expect(stderr).not.toContain("is not a constructor");
  });

  it("exits 2 when Tandem itself cannot do the job", async () => {
    const { code, stderr } = await tandem("run", "assets/examples/mlp.ts", "--backend", "node");
    expect(code).toBe(2);
    expect(stderr).toContain("@tensorflow/tfjs-node");
  });

  it("exits 2 on a bad command line", async () => {
    const { code, stderr } = await tandem("run", "assets/examples/mlp.ts", "--seed", "x");
    expect(code).toBe(2);
    expect(stderr).toContain("seed must be an integer");
  });
});

describe("a model file that is not there", () => {
  it.each([["typecheck"], ["run"], ["check"], ["graph"], ["export", "-o", "never.onnx"], ["bench"]])("tandem %s says so and exits 1", async (command, ...rest) => {
    const { code, stdout, stderr } = await tandem(command, "missing.ts", ...rest);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: model file missing.ts (${path.join(root, "missing.ts")}) does not exist`);
    expect(stdout).toBe("");
  });

  it("says a directory is not a model file", async () => {
    const { code, stderr } = await tandem("typecheck", "engine");
    expect(code).toBe(1);
    expect(stderr).toContain("error: model file engine");
    expect(stderr).toContain("is not a file");
  });
});

describe("tandem typecheck and the type check beside a run", () => {
  it("reports type errors at the user's lines and exits 1", async () => {
    const { code, stdout } = await tandem("typecheck", "engine/test/fixtures/models/type_error.ts");
    expect(code).toBe(1);
    expect(stdout).toContain("type_error.ts:7:11  error TS2322");
    // Comparing a tensor with > runs in eager mode: a warning that says how to write it.
    expect(stdout).toMatch(/type_error\.ts:8:9 {2}warning TS2365: .*x\.item\(\) > 0/);
  });

  it("says so when a file is clean", async () => {
    const { code, stdout } = await tandem("typecheck", "assets/examples/resnet_cnn.ts");
    expect(code).toBe(0);
    expect(stdout).toContain("no type errors");
  });

  it("runs a model with type errors anyway and lists them after the results", async () => {
    const { code, stdout } = await tandem("run", "engine/test/fixtures/models/type_error.ts", "--json");
    expect(code).toBe(0);
    const outcome = RunOutcome.parse(JSON.parse(stdout));
    expect(outcome.ok && outcome.result.diagnostics.map((d) => d.code)).toEqual(["TS2322", "TS2365"]);
  });
});

describe("tandem check", () => {
  it("runs eager, graph:tfjs and graph:ort and passes every example within the stated tolerance", async () => {
    for (const example of ["resnet_cnn", "branching"]) {
      const { code, stdout } = await tandem("check", `assets/examples/${example}.ts`);
      expect(code, stdout).toBe(0);
      expect(stdout).toMatch(/graph:tfjs {2}pass {3}output: max abs/);
      expect(stdout).toMatch(/graph:ort {3}pass {3}output: max abs/);
      expect(stdout).toContain("result: PASS");
    }
  });

  // One test each: a check of these takes several seconds, and a failure should name its example.
  it.each(["gpt", "lstm_classifier", "unet"])("passes %s in eager, graph:tfjs and graph:ort", async (example) => {
    const { code, stdout } = await tandem("check", `assets/examples/${example}.ts`);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/graph:tfjs {2}pass {3}output: max abs/);
    expect(stdout).toMatch(/graph:ort {3}pass {3}output: max abs/);
    expect(stdout).toContain("graph breaks: none");
    expect(stdout).toContain("result: PASS");
  });

  it("fails when the tolerance is impossibly tight", async () => {
    const { code, stdout } = await tandem("check", "assets/examples/transformer_block.ts", "--atol", "0", "--rtol", "0");
    expect(code).toBe(1);
    expect(stdout).toContain("FAIL");
    expect(stdout).toContain("result: FAIL");
  });

  it("checks an LSTM text classifier: eager, graph:tfjs and graph:ort agree", async () => {
    const { code, stdout } = await tandem("check", "engine/test/fixtures/models/lstm_classifier.ts");
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/graph:tfjs {2}pass {3}output: max abs/);
    expect(stdout).toMatch(/graph:ort {3}pass {3}output: max abs/);
    expect(stdout).toContain("result: PASS");
  });
});

describe("tandem graph", () => {
  it("prints the traced IR and each pass with what it changed", async () => {
    const { code, stdout } = await tandem("graph", "assets/examples/mlp.ts");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^traced graph: 6 ops/);
    expect(stdout).toContain("── remove-noops: 14 → 13 nodes");
    expect(stdout).toContain("removed flatten: flatten to the same shape [8,784]");
    expect(stdout).toContain("fused relu (relu) into linear (linear)");
    expect(stdout).toMatch(/call\s+linear_1\s+linear\s+\(linear, fc2\.weight, fc2\.bias\)/);
  });

  it("accepts --mode graph --runner ort as graph:ort", async () => {
    const { code, stdout } = await tandem("run", "assets/examples/mlp.ts", "--mode", "graph", "--runner", "ort", "--json", "--no-typecheck", "--repeat", "0");
    expect(code).toBe(0);
    const outcome = RunOutcome.parse(JSON.parse(stdout));
    expect(outcome.ok && outcome.result.mode).toBe("graph:ort");
  });

  it("runs a model in graph mode with --mode graph:tfjs and reports parity", async () => {
    const { code, stdout } = await tandem("run", "assets/examples/transformer_block.ts", "--mode", "graph:tfjs", "--no-typecheck");
    expect(code).toBe(0);
    expect(stdout).toMatch(/parity with eager {2}output: max abs diff/);
  });
});

describe("tandem export", () => {
  it("writes an ONNX file and reports size, nodes and both checks", async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-onnx-")), "mlp.onnx");
    const { code, stdout } = await tandem("export", "assets/examples/mlp.ts", "-o", out);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${out}`);
    expect(stdout).toMatch(/IR version 8, opset 17/);
    expect(stdout).toMatch(/onnxruntime {2}loads and runs; max abs diff from eager/);
    expect(existsSync(out)).toBe(true);
  });

  it("--quantize dynamic-int8 writes int8 weights and judges parity by the int8 tolerance", async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-onnx-")), "mlp-int8.onnx");
    const { code, stdout } = await tandem("export", "assets/examples/mlp.ts", "-o", out, "--quantize", "dynamic-int8", "--json");
    expect(code).toBe(0);
    const summary = ExportSummary.parse(JSON.parse(stdout));
    expect(summary.quantization).toMatchObject({ mode: "dynamic-int8", nodes: 3, left: [] });
    expect(summary.opTypes.MatMulInteger).toBe(3);
    expect(summary.onnxruntime).toMatchObject({ ok: true, withinTolerance: true, tolerance: { rtol: 0.05 } });
  });

  it("names an op that cannot be exported and the user's line, exit 1", async () => {
    const { code, stderr } = await tandem("export", "engine/test/fixtures/models/unexportable.ts", "-o", path.join(os.tmpdir(), "x.onnx"));
    expect(code).toBe(1);
    expect(stderr).toContain("cannot export avg_pool2d to ONNX: avg_pool2d with divisor_override has no ONNX equivalent");
    expect(stderr).toContain("unexportable.ts:4:14");
  });
});

describe("tandem backends", () => {
  it("lists every backend with availability and a reason when unavailable", async () => {
    const { code, stdout } = await tandem("backends", "--json");
    expect(code).toBe(0);
    const list = BackendInfo.array().parse(JSON.parse(stdout));
    expect(list.map((b) => b.name)).toEqual(["wasm", "cpu", "node", "node-gpu"]);
    expect(list.find((b) => b.name === "wasm")?.available).toBe(true);
    for (const b of list.filter((x) => !x.available)) expect(b.reason).toBeTruthy();
  });
});

describe("tandem ops", () => {
  it("lists the API and every registered op with its ONNX form, generated from the code", async () => {
    const { code, stdout } = await tandem("ops", "--json");
    expect(code).toBe(0);
    const c = JSON.parse(stdout) as { api: { F: string[]; nn: string[]; tensor: string[] }; ops: { name: string; onnx: string[] | null; unsupported: string | null }[] };
    expect(c.api.F).toContain("conv2d");
    expect(c.api.nn).toContain("Linear");
    expect(c.api.tensor).toContain("matmul");
    expect(c.api.tensor).not.toContain("raw"); // engine internals are not API
    expect(c.ops.find((o) => o.name === "conv2d")?.onnx).toContain("Conv");
    expect(c.ops.find((o) => o.name === "dropout")?.unsupported).toMatch(/random/);
    const text = await tandem("ops");
    expect(text.stdout).toMatch(/Ops \(\d+ registered/);
    const md = await tandem("ops", "--md");
    expect(md.stdout).toContain("| `conv2d` |");
  });
});
