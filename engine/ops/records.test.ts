/**
 * Every registered op's record is complete: what each consumer (eager, tracer, passes, exporter,
 * FLOPs counter, profiles, `tandem ops`) reads from it is there. Golden coverage is checked where
 * the golden cases are traced (engine/graph/export/export-ops.test.ts).
 */
import { describe, expect, it } from "vitest";
import "../api";
import { allOps, opForOnnxType } from "./record";

const ops = allOps();

describe("op records", () => {
  it("registers the API's ops", () => {
    expect(ops.length).toBeGreaterThan(50);
  });

  it.each(ops.map((def) => ({ name: def.name, def })))("$name is complete", ({ def }) => {
    expect(def.name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(def.summary.trim().length, "summary: one line for `tandem ops`").toBeGreaterThan(3);
    expect(typeof def.kernel).toBe("function");
    expect(typeof def.flops).toBe("function");
    expect(["pure", "random"]).toContain(def.effect);
    if ("unsupported" in def.onnx) expect(def.onnx.unsupported.trim().length, "say why it cannot be exported").toBeGreaterThan(10);
    else {
      expect(typeof def.onnx.emit).toBe("function");
      expect(def.onnx.ops.length, "the ONNX op types it becomes").toBeGreaterThan(0);
      for (const t of def.onnx.ops) expect(t, "an ONNX op type").toMatch(/^[A-Z][A-Za-z]+$/);
    }
    if (def.fusableActivation) expect(def.effect).toBe("pure");
  });

  it("maps onnxruntime's op types back to the op whose ONNX form starts with them", () => {
    expect(opForOnnxType("Conv")).toBe("conv2d");
    expect(opForOnnxType("FusedConv")).toBe("conv2d");
    expect(opForOnnxType("Gemm")).toBe("linear");
    expect(opForOnnxType("MatMul")).toBe("matmul");
    expect(opForOnnxType("ReorderOutput")).toBe("ReorderOutput");
  });
});
