/**
 * `npx tsx bench/first-run.ts`: how long the window's first run takes, type check included, with
 * and without the pool warming its workers' type checker (PoolOptions.warmTypecheck). Each trial:
 * a pool of one worker, ten seconds of idle (a user reading the window), then the ResNet example as
 * editor text with its check. Trials alternate so that load drifts hit both. Not part of `npm run bench`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RunRequest } from "../shared/run";
import { WorkerPool } from "../engine/service/pool";
import { ensureBuilt } from "../bin/build.mjs";

// The pool starts dist/worker.mjs, which runtime code only finds: build it first.
await ensureBuilt();

const root = path.dirname(fileURLToPath(new URL("../package.json", import.meta.url)));
const file = path.join(root, "assets/examples/resnet_cnn.ts");
const IDLE_MS = 10_000;

for (const warmTypecheck of [false, true, false, true]) {
  const pool = new WorkerPool({ size: 1, warm: 1, warmTypecheck });
  try {
    while (pool.stats().workers[0]?.state !== "idle") await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    // New text each trial: type-check results are cached by content.
    const source = `${readFileSync(file, "utf8")}\n// ${Date.now()}\n`;
    const start = performance.now();
    await pool.submit({ spec: { type: "run", request: RunRequest.parse({ file, source, repeat: 3 }) }, timeoutMs: 60_000 });
    console.log(`warmTypecheck=${warmTypecheck}: first run, with its type check, ${(performance.now() - start).toFixed(0)} ms`);
  } finally {
    await pool.close();
  }
}
