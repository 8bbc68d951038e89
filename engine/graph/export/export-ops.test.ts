/**
 * Every op of the API through ONNX: each golden case is traced, exported and run by onnxruntime,
 * and must give what eager mode gives. Ops with no ONNX equivalent must be refused by name.
 */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as tandem from "../../api";
import { setBackend } from "../../eager/backend";
import { createSession } from "../../onnx/runtime";
import { GROUPS, type GoldenCase, invokeCase, loadFixtures } from "../../test/golden-harness";
import { trace } from "../tracer";
import { OnnxExportError, exportOnnx } from "./onnx-export";

/** Cases whose op ONNX cannot express (Tandem refuses them with a clear error instead). */
const REFUSED = new Set(["adaptive_avg_pool2d"]);

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
  const refused: string[] = [];

  it.each(cases)("$title", async ({ c }) => {
    tf.engine().startScope();
    try {
      tandem.manual_seed(0);
      const traced = trace(new CaseModel(() => invokeCase(tandem, c)), [], []);
      if (traced.breaks.length > 0 || traced.graph.callCount() === 0) return; // value reads and pure creation: nothing to export
      let bytes: Uint8Array;
      let outputs: { onnx: string; tandem: string }[];
      try {
        ({ bytes, outputs } = exportOnnx(traced.graph, { producerVersion: "test" }));
      } catch (error) {
        expect(error).toBeInstanceOf(OnnxExportError);
        const op = (error as OnnxExportError).op;
        expect(REFUSED.has(op), `unexpected refusal: ${(error as Error).message}`).toBe(true);
        refused.push(c.name);
        return;
      }
      const session = await createSession(bytes);
      const got = await session.run({});
      await session.release();
      outputs.forEach((o, i) => {
        const expected = (traced.eagerOutputs[i] as [string, tandem.Tensor])[1];
        const actual = got[o.onnx];
        expect(actual?.shape, o.tandem).toEqual(expected.shape);
        const e = Array.from(expected.raw.dataSync(), Number);
        const a = Array.from(actual?.data ?? [], Number);
        const scale = Math.max(1, ...e.map(Math.abs));
        // onnxruntime's kernels sum in other orders (and use another erf): float32 noise only.
        const worst = e.reduce((m, v, k) => Math.max(m, Math.abs(v - (a[k] as number))), 0);
        expect(worst, `${o.tandem}: max abs diff ${worst}`).toBeLessThanOrEqual(1e-4 * scale);
      });
    } finally {
      tf.engine().endScope();
    }
  });

  it("refuses only the cases with no ONNX pooling equivalent: adaptive pooling to unequal bins", () => {
    expect(refused.sort()).toEqual(["AdaptiveAvgPool2d_pair_nondivisible", "adaptive_avg_pool2d_int_nondivisible", "adaptive_avg_pool2d_pair_nondivisible", "adaptive_avg_pool2d_upsample"]);
  });
});
