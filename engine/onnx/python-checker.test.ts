import { describe, expect, it } from "vitest";
import { OnnxBuilder } from "./builder";
import { checkModelWithPython, pythonOnnxUnavailableReason } from "./python-checker";
import { allCases } from "./testing/models";

const unavailable = pythonOnnxUnavailableReason();
if (unavailable !== null) console.info(`skipping the official ONNX checker tests: ${unavailable}`);

describe("the official ONNX checker (python onnx, full_check)", () => {
  for (const model of allCases()) {
    it.skipIf(unavailable !== null)(`accepts ${model.name}`, () => {
      expect(checkModelWithPython(model.bytes)).toEqual({ ok: true });
    });
  }

  // Guards the guard: a checker that passes everything would make the tests above worthless.
  it.skipIf(unavailable !== null)("rejects a model whose attribute has the wrong type", () => {
    const b = new OnnxBuilder({ opset: 17 });
    b.input("x", "float32", [2]);
    b.node("LeakyRelu", ["x"], ["y"], { alpha: b.attr.int(1) });
    b.output("y", "float32", [2]);
    const result = checkModelWithPython(b.toBytes());
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Mismatched attribute type in 'LeakyRelu : alpha'/) });
  });
});
