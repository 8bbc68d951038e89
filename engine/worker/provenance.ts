import { createRequire } from "node:module";
import os from "node:os";

const require = createRequire(import.meta.url);
const pkg = require("../../package.json") as { version: string };

export const TANDEM_VERSION = pkg.version;

/** Where and with what a result was measured; attached to every result. */
export function provenance() {
  return {
    tandemVersion: TANDEM_VERSION,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus()[0]?.model.trim() ?? "unknown"} (${os.cpus().length} logical cores)`,
    time: new Date().toISOString(),
  };
}
