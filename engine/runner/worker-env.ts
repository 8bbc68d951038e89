/**
 * The environment a model worker starts with. A worker runs the user's model code, which can read
 * `process.env` through globalThis: it gets only what Node, tfjs and onnxruntime need to run and the
 * settings the worker itself reads, never the parent's secrets (TANDEM_TOKEN, cloud keys, ...).
 */

/** Names passed through, compared without case (Windows spells them as it likes). */
const PASSED = [
  // Finding programs and native libraries (onnxruntime-node's shared objects).
  "PATH",
  "PATHEXT",
  "LD_LIBRARY_PATH",
  "DYLD_LIBRARY_PATH",
  // The home and temporary folders (os.homedir(), os.tmpdir()); Windows' own.
  "HOME",
  "USERPROFILE",
  "TMPDIR",
  "TMP",
  "TEMP",
  "SYSTEMROOT",
  "WINDIR",
  "LOCALAPPDATA",
  "APPDATA",
  // Text and time as the user has them.
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  // Where the worker keeps its type-check and peak caches (engine/check/cache.ts, engine/bench/peak.ts).
  "TANDEM_CACHE",
  "XDG_CACHE_HOME",
  // Coverage of the worker under test.
  "NODE_V8_COVERAGE",
];

const passed = new Set(PASSED);

/** The part of `env` a model worker may see. */
export function workerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && passed.has(name.toUpperCase())) out[name] = value;
  }
  return out;
}
