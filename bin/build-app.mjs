// Bundles the window side of Tandem with esbuild when its sources are newer than the bundles:
// - dist/page/: the small page that `tandem serve` (and the desktop window, until renderer/ is
//   built) shows: index.html, style.css and app.js (engine/serve/page/app.ts with shared/client.ts);
// - dist/electron/: the Electron main process (main.mjs, ESM) and its preload (preload.cjs: a
//   sandboxed preload must be one CommonJS file, so zod and the contract are bundled into it).
// The engine's own bundles (CLI, workers) are bin/build.mjs's.
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const PAGE_SRC = path.join(ROOT, "engine/serve/page");
const PAGE_FILES = ["index.html", "style.css"];

function newest(dirs) {
  let latest = Math.max(statSync(path.join(ROOT, "package.json")).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "test" && entry.name !== "fixtures") walk(full);
      } else if (/\.(ts|html|css)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        latest = Math.max(latest, statSync(full).mtimeMs);
      }
    }
  };
  for (const dir of dirs) walk(path.join(ROOT, dir));
  return latest;
}

const fresh = (files, dirs) => {
  const since = newest(dirs);
  return files.every((file) => existsSync(file) && statSync(file).mtimeMs >= since);
};

/** Writes esbuild's outputs through a temporary name, so a parallel reader never sees half a file. */
function write(outputFiles) {
  for (const file of outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

async function buildPage(out) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { app: "engine/serve/page/app.ts" },
    outdir: out,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    write: false,
    logLevel: "silent",
  });
  write(result.outputFiles);
  for (const name of PAGE_FILES) {
    const temp = path.join(out, `${name}.${process.pid}.tmp`);
    copyFileSync(path.join(PAGE_SRC, name), temp);
    renameSync(temp, path.join(out, name));
  }
}

async function buildElectron(out) {
  const common = { absWorkingDir: ROOT, bundle: true, platform: "node", target: "node22", sourcemap: "linked", write: false, logLevel: "silent" };
  const main = await esbuild.build({
    ...common,
    entryPoints: { main: "electron/main.ts" },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    format: "esm",
    packages: "external", // node_modules ship beside the app (asar), native ones unpacked
  });
  const preload = await esbuild.build({
    ...common,
    entryPoints: { preload: "electron/preload.ts" },
    outdir: out,
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    external: ["electron"],
  });
  write([...main.outputFiles, ...preload.outputFiles]);
}

/**
 * Paths of the window's bundles, rebuilt first where a source changed. `electron: false` skips the
 * Electron main process (what `tandem serve` needs).
 */
export async function ensureBuiltApp({ electron = true } = {}) {
  const page = path.join(DIST, "page");
  const electronDir = path.join(DIST, "electron");
  const paths = { page, main: path.join(electronDir, "main.mjs"), preload: path.join(electronDir, "preload.cjs") };
  const pageFiles = ["app.js", ...PAGE_FILES].map((f) => path.join(page, f));
  if (!fresh(pageFiles, ["engine/serve/page", "shared"])) await buildPage(page);
  if (electron && !fresh([paths.main, paths.preload], ["electron", "engine", "shared"])) await buildElectron(electronDir);
  return paths;
}

// `node bin/build-app.mjs`: build everything (npm run dist does, before electron-builder).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ensureBuilt } = await import("./build.mjs");
  await ensureBuilt();
  const paths = await ensureBuiltApp();
  process.stdout.write(`built ${path.relative(ROOT, paths.page)}/, ${path.relative(ROOT, paths.main)}, ${path.relative(ROOT, paths.preload)}\n`);
}
