import { describe, expect, it } from "vitest";
import type { RunOutcome, RunResult } from "../../shared/run";
import { latencyRows, timingRows } from "../src/lib/charts";
import { fileSlug, toCsv } from "../src/lib/data-export";
import { bytes, ms, parityLevel, value } from "../src/lib/format";
import { fromOutcome, mergeProblems, sameFile } from "../src/lib/problems";

const loc = (line: number) => ({ file: "/home/me/project/assets/examples/mlp.ts", line, column: 3 });

describe("problems", () => {
  const failed: RunOutcome = {
    ok: false,
    error: { kind: "syntax", message: 'Unexpected ";"', location: loc(12), stack: [], op: null },
    logs: [],
    diagnostics: [{ severity: "warning", code: "TS2365", message: "comparison", location: loc(4) }],
  };

  it("come from a failed run's error and its diagnostics, errors first", () => {
    const list = mergeProblems([fromOutcome(failed, "eager"), fromOutcome(failed, "graph")]);
    expect(list.map((p) => [p.severity, p.kind, p.location?.line])).toEqual([
      ["error", "syntax", 12],
      ["warning", "TS2365", 4],
    ]);
  });

  it("match the open file by the name the window sent", () => {
    expect(sameFile("/home/me/project/assets/examples/mlp.ts", "assets/examples/mlp.ts")).toBe(true);
    expect(sameFile("C:\\work\\model.ts", "model.ts")).toBe(true);
    expect(sameFile("/home/me/project/other.ts", "model.ts")).toBe(false);
  });
});

describe("formatting", () => {
  it("times, sizes, values and parity levels", () => {
    expect(ms(0.25)).toBe("250 µs");
    expect(ms(8.567)).toBe("8.57 ms");
    expect(ms(1500)).toBe("1.50 s");
    expect(ms(null)).toBe("–");
    expect(bytes(179_282)).toBe("175.1 KB");
    expect(value(0.196512)).toBe("0.1965");
    expect(value(1e-7)).toBe("1.00e-7");
    expect(parityLevel(0, 1)).toBe("exact");
    expect(parityLevel(4.5e-8, 0.2)).toBe("close");
    expect(parityLevel(1e-4, 0.2)).toBe("loose");
    expect(parityLevel(0.5, 0.2)).toBe("off");
  });

  it("shows the non-finite values outputs carry, spelled out as the contract sends them", () => {
    expect([value("NaN"), value("Infinity"), value("-Infinity")]).toEqual(["NaN", "inf", "-inf"]);
    // A graph output whose NaNs differ from eager's is off, however close the rest is.
    expect(parityLevel(0, 1, true)).toBe("off");
  });
});

describe("chart data", () => {
  const result = {
    mode: "graph:ort",
    backend: { name: "wasm" },
    timings: { compileMs: 10, constructMs: 5, firstForwardMs: 3, warmForwardMs: 1.5, warmRuns: 10 },
    graph: { runner: "ort", ort: { sessionMs: 40 }, timings: { traceMs: 20, passesMs: 2, compileMs: 0 } },
  } as unknown as RunResult;

  it("has only measured phases, cold then forward", () => {
    expect(timingRows(result).map((r) => [r.phase, r.ms, r.kind])).toEqual([
      ["compile", 10, "cold"],
      ["construct", 5, "cold"],
      ["trace", 20, "cold"],
      ["passes", 2, "cold"],
      ["ORT session", 40, "cold"],
      ["first forward", 3, "forward"],
      ["warm median (n=10)", 1.5, "forward"],
    ]);
    expect(latencyRows([result])).toEqual([{ mode: "graph:ort", backend: "wasm", firstForwardMs: 3, warmMedianMs: 1.5, warmRuns: 10 }]);
  });

  it("saves as RFC 4180 CSV", () => {
    expect(toCsv([{ phase: "a,b", ms: 1 }, { phase: 'say "hi"', ms: null, extra: true }])).toBe('phase,ms,extra\r\n"a,b",1,\r\n"say ""hi""",,true\r\n');
    expect(fileSlug("Eager time per phase")).toBe("eager-time-per-phase");
  });
});
