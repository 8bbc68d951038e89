/**
 * Golden numerics: every case of engine/test/fixtures/golden/*.json (generated with PyTorch by
 * tools/golden/make_fixtures.py) replayed against the Tandem API on each eager backend.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tandem from "../api";
import { setBackend } from "../eager/backend";
import { GROUPS, compare, loadFixtures, runCase } from "./golden-harness";
import type { GoldenCase } from "./golden-harness";

const BACKENDS = ["wasm", "cpu"] as const;

const groups = GROUPS.map((group) => ({ group, cases: loadFixtures(group).cases }));

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

describe.each(BACKENDS)("golden %s", (backend) => {
  beforeAll(async () => {
    await setBackend(backend);
  });

  for (const { group, cases } of groups) {
    const rows = cases.map((c: GoldenCase) => ({ title: `${backend} ${group} ${c.name}`, c }));
    it.each(rows)("$title", async ({ c }) => {
      let result;
      try {
        result = await runCase(tandem, c);
      } catch (error) {
        expect.fail(`threw ${errorText(error)}`);
      }
      const failure = compare(result.actual, result.expected, c.tol);
      if (failure !== null) expect.fail(failure);
    });
  }
});
