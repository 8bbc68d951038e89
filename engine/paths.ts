import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root, found by walking up from this module: the same answer whether the engine
 * runs from its TypeScript sources (tests) or from the bundle in dist/ (CLI, workers).
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "tandem") return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find Tandem's package.json above ${start}`);
  }
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const API_ENTRY = path.join(ROOT, "engine/api/index.ts");
