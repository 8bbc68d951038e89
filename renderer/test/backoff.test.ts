import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/lib/backoff";

describe("reconnect backoff", () => {
  it("starts short, doubles, and stops growing at the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffMs(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(backoffMs(-1)).toBe(500);
  });
});
