import * as tf from "@tensorflow/tfjs-core";
import { createRequire } from "node:module";
import type { BackendInfo, BackendName } from "../../shared/backends";

const require = createRequire(import.meta.url);

/** tfjs registers backends under its own names; Tandem names them after the package a user installs. */
const TFJS_NAME: Record<BackendName, string> = {
  wasm: "wasm",
  cpu: "cpu",
  node: "tensorflow",
  "node-gpu": "tensorflow",
};

const PACKAGE: Record<BackendName, string> = {
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
  node: "@tensorflow/tfjs-node",
  "node-gpu": "@tensorflow/tfjs-node-gpu",
};

export const BACKEND_NAMES: readonly BackendName[] = ["wasm", "cpu", "node", "node-gpu"];

/** Order in which `auto` tries backends: the fastest that loads wins, cpu always works. */
const AUTO_ORDER: readonly BackendName[] = ["node-gpu", "node", "wasm", "cpu"];

let prodModeSet = false;
let active: BackendInfo | null = null;

function packageVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** Loads the package that registers the backend; returns why not when it cannot. */
async function register(name: BackendName): Promise<string | null> {
  try {
    switch (name) {
      case "wasm":
        await import("@tensorflow/tfjs-backend-wasm");
        return null;
      case "cpu":
        await import("@tensorflow/tfjs-backend-cpu");
        return null;
      case "node":
      case "node-gpu":
        // Optional accelerators: their native binding needs libtensorflow, which npm cannot always fetch.
        // The specifier is built at run time so bundlers and type-checkers do not require the package.
        await import(/* @vite-ignore */ PACKAGE[name]);
        return null;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      return `${PACKAGE[name]} is not installed (npm install ${PACKAGE[name]})`;
    }
    return `${PACKAGE[name]} failed to load: ${firstLine(error)}`;
  }
}

function describe(name: BackendName, available: boolean, reason?: string): BackendInfo {
  const info: BackendInfo = {
    name,
    package: PACKAGE[name],
    version: packageVersion(PACKAGE[name]) ?? null,
    available,
    reason: reason ?? null,
    features: {},
  };
  if (name === "wasm" && available) {
    info.features = {
      simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
      threads: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT"),
    };
  }
  return info;
}

/**
 * Switches tfjs to `name` and waits until it is ready. Throws with the reason when the backend
 * cannot run here, so callers can report it rather than silently fall back.
 */
export async function setBackend(name: BackendName): Promise<BackendInfo> {
  if (!prodModeSet) {
    // Prod mode skips tfjs's debug checks and its "install tfjs-node" banner on the cpu backend.
    tf.enableProdMode();
    prodModeSet = true;
  }
  const why = await register(name);
  if (why) throw new BackendUnavailableError(name, why);
  let ok: boolean;
  try {
    ok = await tf.setBackend(TFJS_NAME[name]);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailableError(name, firstLine(error));
  }
  if (!ok || tf.getBackend() !== TFJS_NAME[name]) {
    throw new BackendUnavailableError(name, `tfjs could not initialise the ${TFJS_NAME[name]} backend`);
  }
  active = describe(name, true);
  return active;
}

/** Picks the first backend of AUTO_ORDER that initialises; records why the others did not. */
export async function setBestBackend(): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const name of AUTO_ORDER) {
    try {
      return await setBackend(name);
    } catch (error) {
      skipped.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no tfjs backend could start:\n${skipped.join("\n")}`);
}

export function activeBackend(): BackendInfo {
  if (!active) throw new Error("no backend selected: call setBackend() first");
  return active;
}

/**
 * Probes every backend, then switches back to the one that was active. With none active before,
 * tfjs is left on the last backend that could start, but activeBackend() still reports none.
 */
export async function listBackends(): Promise<BackendInfo[]> {
  const previous = active;
  const result: BackendInfo[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      result.push(await setBackend(name));
    } catch (error) {
      const reason = error instanceof BackendUnavailableError ? error.reason : firstLine(error);
      result.push(describe(name, false, reason));
    }
  }
  if (previous) await setBackend(previous.name);
  else active = null;
  return result;
}

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend ${backend} is not available: ${reason}`);
    this.name = "BackendUnavailableError";
  }
}
