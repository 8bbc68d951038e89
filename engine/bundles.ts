import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

/**
 * Where the engine's bundles are at run time. bin/build.mjs writes them (bin/tandem.mjs and the
 * tests' global set-up rebuild them when a source changed); runtime code only finds them, so that
 * no bundle carries or loads the build tooling.
 */

/** The worker process (engine/worker/main.ts): runs, checks, backend probes and benchmarks. */
export const WORKER_BUNDLE = path.join(ROOT, "dist", "worker.mjs");

/** The worker bundle's path, or an error that says how to make it. */
export function workerBundle(): string {
  if (!existsSync(WORKER_BUNDLE)) throw new Error(`${WORKER_BUNDLE} is missing: build it with \`node bin/build.mjs\``);
  return WORKER_BUNDLE;
}
