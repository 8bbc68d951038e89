/**
 * Runtime code finds its bundles (engine/bundles.ts) and never builds them: the CLI, the worker and
 * the chunks they share carry none of bin/build.mjs or bin/build-app.mjs, whose idea of the
 * repository would be wrong from inside dist/. (Vitest's global set-up has just built them.)
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WORKER_BUNDLE, workerBundle } from "../bundles";

const DIST = path.dirname(WORKER_BUNDLE);
const bundles = () => [
  ...readdirSync(DIST).filter((f) => f.endsWith(".mjs")).map((f) => path.join(DIST, f)),
  ...readdirSync(path.join(DIST, "chunks")).filter((f) => f.endsWith(".mjs")).map((f) => path.join(DIST, "chunks", f)),
];

describe("the runtime bundles", () => {
  it("are found where bin/build.mjs writes them", () => {
    expect(workerBundle()).toBe(path.join(DIST, "worker.mjs"));
  });

  it("neither contain nor load the build tooling", () => {
    const files = bundles();
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["cli.mjs", "worker.mjs"]));
    expect(files.map((f) => path.basename(f))).not.toContain("bench.mjs"); // benchmarks are worker jobs
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/ensureBuilt(App)?\(/);
      expect(text, file).not.toMatch(/import\([^)]*bin\/build(-app)?\.mjs/);
    }
  });
});
