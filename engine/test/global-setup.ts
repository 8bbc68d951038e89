/**
 * Vitest's global set-up: (re)builds dist/ (the CLI, the worker, serve's small page) once before
 * the tests, since runtime code only finds the bundles (engine/bundles.ts) and never builds them.
 */
import { ensureBuiltApp } from "../../bin/build-app.mjs";
import { ensureBuilt } from "../../bin/build.mjs";

export default async function buildBundles(): Promise<void> {
  await ensureBuilt();
  await ensureBuiltApp({ electron: false }); // the small page tandem serve offers
}
