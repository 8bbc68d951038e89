// Builds the window (renderer/) into renderer/dist with Vite, which `tandem serve` and the desktop
// app load. `--if-stale` skips the build when dist is newer than every source it is made from (the
// renderer, shared/, the engine's API whose types the editor loads, the examples, package.json).
// It builds into a fresh folder and renames it into place, so a server never reads half a build.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const DIST = path.join(HERE, "dist");
const STAMP = path.join(DIST, "index.html");
const SOURCES = ["renderer/src", "renderer/index.html", "renderer/vite.config.ts", "renderer/api-types.ts", "renderer/build.mjs", "shared", "engine/api", "assets/examples", "package-lock.json"];

function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.endsWith(".test.ts")) continue;
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

/** Whether renderer/dist is missing or older than one of its sources. */
export function rendererStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newest(path.join(ROOT, s)) > built);
}

/** Builds renderer/dist (when stale, with `ifStale`); returns its path. */
export async function buildRenderer({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !rendererStale()) return DIST;
  const { build } = await import("vite");
  const out = path.join(HERE, `.dist-${process.pid}-${Date.now()}`);
  const started = Date.now();
  try {
    await build({
      configFile: path.join(HERE, "vite.config.ts"),
      logLevel: quiet ? "warn" : "info",
      build: { outDir: out, emptyOutDir: true },
    });
    const old = `${DIST}.old-${process.pid}`;
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(out, DIST);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (!quiet) process.stdout.write(`built renderer/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return DIST;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes("--if-stale");
  if (ifStale && !rendererStale()) process.stdout.write("renderer/dist is up to date\n");
  else await buildRenderer({ ifStale });
}
