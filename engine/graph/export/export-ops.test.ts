/**
 * Every op of the API through ONNX: each golden case is traced, exported and run by onnxruntime,
 * and must give what eager mode gives. Every registered op must be reached by some golden case,
 * so an op cannot be added without its check against PyTorch.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as tandem from "../../api";
import { setBackend } from "../../eager/backend";
import { checkModelsWithPython, pythonOnnxUnavailableReason } from "../../onnx/python-checker";
import { createSession } from "../../onnx/runtime";
import { allOps } from "../../ops/record";
import { GROUPS, type GoldenCase, invokeCase, loadFixtures } from "../../test/golden-harness";
import { trace } from "../tracer";
import { OnnxExportError, exportOnnx } from "./onnx-export";

/**
 * Ops no golden case reaches, each with the reason. A golden case replays PyTorch's result, so a
 * random op (dropout in training) is checked by its own statistical tests instead.
 */
const NOT_IN_GOLDEN: Readonly<Record<string, string>> = {
  dropout: "random: engine/api/functional tests check its mask rate and scaling",
  randn: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
  rand: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
  randint: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
  randn_like: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
  rand_like: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
  randint_like: "random: engine/api/sampling.test.ts checks its statistics, and that graphs keep it random",
};

class CaseModel extends tandem.nn.Module {
  constructor(private readonly body: () => unknown) {
    super();
  }
  override forward(): unknown {
    return this.body();
  }
}

const cases = GROUPS.flatMap((g) => loadFixtures(g).cases.map((c: GoldenCase) => ({ title: `${g} ${c.name}`, c })));

beforeAll(async () => {
  await setBackend("wasm");
});

describe("every golden case through ONNX and onnxruntime", () => {
  const traced = new Set<string>();
  const exported: { name: string; bytes: Uint8Array }[] = [];

  it.each(cases)("$title", async ({ c }) => {
    tf.engine().startScope();
    try {
      tandem.manual_seed(0);
      const result = trace(new CaseModel(() => invokeCase(tandem, c)), [], []);
      for (const node of result.graph.nodes) if (node.kind === "call") traced.add(node.op);
      if (result.breaks.length > 0 || result.graph.callCount() === 0) return; // value reads and pure creation: nothing to export
      let bytes: Uint8Array;
      let outputs: { onnx: string; tandem: string }[];
      try {
        ({ bytes, outputs } = exportOnnx(result.graph, { producerVersion: "test" }));
      } catch (error) {
        if (error instanceof OnnxExportError) expect.fail(`export refused: ${error.message}`);
        throw error;
      }
      exported.push({ name: c.name, bytes });
      const session = await createSession(bytes);
      const got = await session.run({});
      await session.release();
      outputs.forEach((o, i) => {
        const expected = (result.eagerOutputs[i] as [string, tandem.Tensor])[1];
        const actual = got[o.onnx];
        expect(actual?.shape, o.tandem).toEqual(expected.shape);
        const e = Array.from(expected.raw.dataSync(), Number);
        const a = Array.from(actual?.data ?? [], Number);
        const scale = Math.max(1, ...e.filter(Number.isFinite).map(Math.abs));
        // onnxruntime's kernels sum in other orders (and use another erf): float32 noise only.
        // NaN where eager has NaN, and the same infinity, are equal.
        const gap = (v: number, w: number) => ((Number.isNaN(v) && Number.isNaN(w)) || v === w ? 0 : Math.abs(v - w));
        const worst = e.reduce((m, v, k) => Math.max(m, gap(v, a[k] as number)), 0);
        expect(worst, `${o.tandem}: max abs diff ${worst}`).toBeLessThanOrEqual(1e-4 * scale);
      });
    } finally {
      tf.engine().endScope();
    }
  });

  const checkerMissing = pythonOnnxUnavailableReason();
  it.skipIf(checkerMissing !== null)(`the official ONNX checker accepts every exported case${checkerMissing ? ` (skipped: ${checkerMissing})` : ""}`, () => {
    expect(exported.length).toBeGreaterThan(300);
    const verdicts = checkModelsWithPython(exported);
    const refused = [...verdicts].flatMap(([name, v]) => (v.ok ? [] : [`${name}: ${v.error}`]));
    expect(refused).toEqual([]);
  });

  it("reaches every registered op from some golden case", () => {
    const missing = allOps()
      .map((d) => d.name)
      .filter((name) => !traced.has(name) && !(name in NOT_IN_GOLDEN));
    expect(missing, "ops without a golden case (add one in tools/golden/, or say why in NOT_IN_GOLDEN)").toEqual([]);
    const stale = Object.keys(NOT_IN_GOLDEN).filter((name) => traced.has(name));
    expect(stale, "ops listed in NOT_IN_GOLDEN that a golden case now reaches").toEqual([]);
  });
});
