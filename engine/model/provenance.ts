import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../paths";

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

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
