#!/usr/bin/env node
// Runs the CLI from its esbuild bundle, rebuilt on the fly when the TypeScript sources change, so
// `npx tandem` works straight after `npm ci` with no separate build step.
import { pathToFileURL } from "node:url";
import { ensureBuilt } from "./build.mjs";

const { cli } = await ensureBuilt();
await import(pathToFileURL(cli).href);
