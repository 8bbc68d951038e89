import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

/**
 * Where the engine's bundles are at run time. bin/build.mjs and bin/build-app.mjs write them
 * (bin/tandem.mjs and the tests' global set-up rebuild them when a source changed); runtime code
 * only finds them, so that no bundle carries or loads the build tooling.
 */

/** The worker process (engine/worker/main.ts): runs, checks, backend probes and benchmarks. */
export const WORKER_BUNDLE = path.join(ROOT, "dist", "worker.mjs");

/** The worker bundle's path, or an error that says how to make it. */
export function workerBundle(): string {
  if (!existsSync(WORKER_BUNDLE)) throw new Error(`${WORKER_BUNDLE} is missing: build it with \`node bin/build.mjs\``);
  return WORKER_BUNDLE;
}

/** The small page `tandem serve` offers when the renderer is not built (engine/serve/page). */
export const PAGE_DIR = path.join(ROOT, "dist", "page");

/** The small page's folder, or an error that says how to make it. */
export function pageDir(): string {
  if (!existsSync(path.join(PAGE_DIR, "index.html"))) throw new Error(`${PAGE_DIR} is missing: build it with \`node bin/build-app.mjs\``);
  return PAGE_DIR;
}
