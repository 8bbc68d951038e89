import { describe, expect, it } from "vitest";
import { JsonFloat, fromJsonFloat, toJsonFloat } from "../../shared/float";
import { describeMismatch } from "../../shared/mismatch";
import { parityOfValues, unravel, withinTolerance } from "./parity";

describe("parity with NaN and infinities", () => {
  it("counts NaN against NaN and an infinity against the same one as equal", () => {
    const eager = Float32Array.of(1, NaN, Infinity, -Infinity, 2);
    const graph = Float32Array.of(1.000001, NaN, Infinity, -Infinity, 2);
    const p = parityOfValues("out", [5], graph, eager);
    expect(p.mismatch).toBeNull();
    expect(p.maxAbsDiff).toBeCloseTo(1e-6, 7);
    expect(p.scale).toBe(2); // the finite eager values only
    expect(withinTolerance(p)).toBe(true);
  });

  it("reports the first place where only one side is non-finite, and how many there are", () => {
    const eager = Float32Array.of(0, 0, 0, 1.2, 0, 0, 5, -Infinity);
    const graph = Float32Array.of(0, 0, 0, NaN, 0, 0, 5, Infinity);
    const p = parityOfValues("out", [2, 4], graph, eager);
    expect(p.mismatch).toEqual({ index: [0, 3], actual: "NaN", expected: expect.closeTo(1.2, 6) as unknown, count: 2 });
    expect(p.maxAbsDiff).toBe(0); // the finite places agree
    expect(withinTolerance(p, { atol: 1, rtol: 1 })).toBe(false);
    if (!p.mismatch) throw new Error("no mismatch");
    expect(describeMismatch(p.mismatch)).toMatch(/^NaN at \[0, 3\] in graph, 1\.2\d* in eager \(and 1 more place\)$/);
  });

  it("unravels a flat index row-major", () => {
    expect(unravel(0, [])).toEqual([]);
    expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
  });
});

describe("JsonFloat", () => {
  it("carries NaN and both infinities through JSON and validates them", () => {
    const values = [1.5, NaN, Infinity, -Infinity, -0.25];
    const wire = JSON.parse(JSON.stringify(values.map(toJsonFloat))) as unknown[];
    const back = wire.map((v) => fromJsonFloat(JsonFloat.parse(v)));
    expect(back).toEqual(values);
    expect(JsonFloat.safeParse(null).success).toBe(false);
    expect(JsonFloat.safeParse("nan").success).toBe(false);
  });
});
