#!/usr/bin/env node
// Runs the CLI from its esbuild bundle, rebuilt on the fly when the TypeScript sources change, so
// `npx tandem` works straight after `npm ci` with no separate build step.
import { pathToFileURL } from "node:url";
import { ensureBuilt } from "./build.mjs";

const { cli } = await ensureBuilt();
if (process.argv[2] === "serve") {
  // The small page that serve offers when the renderer is not built (engine/bundles.ts finds it).
  const { ensureBuiltApp } = await import("./build-app.mjs");
  await ensureBuiltApp({ electron: false });
}
await import(pathToFileURL(cli).href);
