#!/usr/bin/env node
// npm start: the desktop app where Electron's binary is installed and there is a display; otherwise
// (or with --serve) `tandem serve`, which prints the URL to open in a browser. Extra arguments go to
// `tandem serve` (--port, --host, --workers).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureBuilt } from "./build.mjs";
import { ensureBuiltApp } from "./build-app.mjs";
import { findElectron } from "./electron-path.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const forceServe = args.includes("--serve");
const electron = findElectron();
const { cli } = await ensureBuilt();

if (!forceServe && electron.path && !electron.headless) {
  await ensureBuiltApp();
  const child = spawn(electron.path, [ROOT], { stdio: "inherit" });
  child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
} else {
  if (!forceServe) process.stderr.write(`No desktop window: ${electron.reason}. Starting the browser version instead.\n`);
  await ensureBuiltApp({ electron: false }); // serve's small page, where the renderer is not built
  process.argv = [process.argv[0], path.join(ROOT, "bin/tandem.mjs"), "serve", ...args.filter((a) => a !== "--serve")];
  await import(pathToFileURL(cli).href);
}
