/**
 * Vitest's global set-up: (re)builds dist/ (the CLI and the worker bundles) once before the tests,
 * since runtime code only finds the bundles (engine/bundles.ts) and never builds them.
 */
import { ensureBuilt } from "../../bin/build.mjs";

export default async function buildBundles(): Promise<void> {
  await ensureBuilt();
}
