import { describe, expect, it } from "vitest";
import { WATCHDOG_MARK, findWatchdogReport } from "./watchdog-report";

const line = (job: string, line = 6) => `${WATCHDOG_MARK}${JSON.stringify({ job, top: "dim", frames: [{ location: { file: "/m.ts", line, column: 5 }, functionName: "Net.forward" }] })}`;

describe("findWatchdogReport", () => {
  it("finds the last report of the job among other stderr lines", () => {
    const stderr = ["warning: something", line("j1", 3), line("j2", 6), line("j2", 7), "more"].join("\n");
    expect(findWatchdogReport(stderr, "j2")?.frames[0]?.location.line).toBe(7);
    expect(findWatchdogReport(stderr, "j1")?.top).toBe("dim");
  });

  it("ignores other jobs' reports, cut-off lines and malformed ones", () => {
    const cut = line("j3").slice(0, 40);
    expect(findWatchdogReport([line("j1"), cut, `${WATCHDOG_MARK}{"job":"j3"}`].join("\n"), "j3")).toBeNull();
  });
});
