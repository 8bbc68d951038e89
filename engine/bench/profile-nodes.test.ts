/** OpProfile.byNode: per-IR-node times of the graph modes, what the graph view's heat colours read. */
import { describe, expect, it } from "vitest";
import { OpProfile } from "../../shared/bench";
import { planProfile } from "./profile";

describe("planProfile byNode", () => {
  it("gives each plan step's ms per forward under its IR node's name", () => {
    const steps = [
      { name: "linear", op: "linear", module: "fc1" },
      { name: "relu", op: "relu", module: null },
      { name: "linear_1", op: "linear", module: "fc2" },
    ];
    const p = planProfile(steps, [[2, 1, 3], [4, 1, 5]], "graph:tfjs");
    expect(p.byNode).toEqual({ linear: 3, relu: 1, linear_1: 4 });
    expect(Object.values(p.byNode ?? {}).reduce((a, b) => a + b, 0)).toBeCloseTo(p.profiledMsPerForward, 9);
    expect(OpProfile.parse(p).byNode).toEqual(p.byNode);
  });

  it("leaves byNode out when the steps carry no names", () => {
    const p = planProfile([{ op: "relu", module: null }], [[1]], "graph:tfjs");
    expect(p.byNode).toBeUndefined();
  });
});
