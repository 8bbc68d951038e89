/** Where and with what a benchmark ran: numbers without this cannot be compared across runs. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import type { z } from "zod";
import type { BenchProvenance } from "../../shared/bench";
import { ROOT } from "../paths";
import { TANDEM_VERSION } from "../model/provenance";

const require = createRequire(import.meta.url);

function git(args: string[]): string | null {
  try {
    return execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

/** A package's installed version, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export const cpuModel = (): string => os.cpus()[0]?.model.trim() ?? "unknown";

export function benchProvenance(): z.infer<typeof BenchProvenance> {
  const status = git(["status", "--porcelain"]);
  return {
    tandemVersion: TANDEM_VERSION,
    gitCommit: git(["rev-parse", "HEAD"]) ?? "unknown",
    gitDirty: status === null ? "unknown" : status.length > 0,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpuModel(),
    cores: os.cpus().length,
    loadAvg1m: os.loadavg()[0] ?? 0,
    tfjs: packageVersion("@tensorflow/tfjs-core") ?? "unknown",
    onnxruntime: packageVersion("onnxruntime-node"),
    time: new Date().toISOString(),
  };
}
