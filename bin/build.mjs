// Bundles the CLI and the worker into dist/ with esbuild when any engine source is newer than the
// bundle. Node then loads one file instead of transpiling ~80 TypeScript modules on every start
// (a worker is ready in ~0.6 s instead of ~1.8 s), and `npx tandem` never runs stale code.
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
// worker: the process that runs user models (runs, checks and benchmarks alike; engine/bundles.ts finds it).
const ENTRIES = { cli: "engine/cli/main.ts", worker: "engine/worker/main.ts" };
const SOURCE_DIRS = ["engine", "shared"];

function newestSource() {
  let newest = Math.max(statSync(path.join(ROOT, "package.json")).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "test" && entry.name !== "fixtures") walk(full);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        newest = Math.max(newest, statSync(full).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

/** Paths of the bundles, rebuilt first if any source changed since they were made. */
export async function ensureBuilt() {
  const outputs = Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, path.join(DIST, `${name}.mjs`)]));
  const fresh = Object.values(outputs).every((file) => existsSync(file) && statSync(file).mtimeMs >= newestSource());
  if (fresh) return outputs;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, src])),
    outdir: DIST,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external", // tfjs finds its .wasm files next to its own modules, so packages stay put
    // Code behind a dynamic import() (the type checker, tfjs for `backends`) loads only when used.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    write: false,
    logLevel: "silent",
  });
  mkdirSync(DIST, { recursive: true });
  // Write then rename: parallel processes (tests, a second CLI) never see half a bundle.
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  // Chunks are content-hashed: drop the ones the new build no longer references.
  const current = new Set(result.outputFiles.map((f) => f.path));
  const chunks = path.join(DIST, "chunks");
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    const file = path.join(chunks, name);
    if (!current.has(file) && !name.endsWith(".tmp")) rmSync(file, { force: true });
  }
  return outputs;
}

// `node bin/build.mjs`: build now (the tests' global set-up and bin/tandem.mjs call ensureBuilt themselves).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await ensureBuilt();
