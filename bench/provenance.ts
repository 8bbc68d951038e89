/** Where and with what a benchmark ran: numbers without this cannot be compared across runs. */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import type { BackendInfo } from "../shared/backends";

const require = createRequire(import.meta.url);

export interface Provenance {
  time: string;
  cpu: string;
  cores: number;
  /** 1-minute load average at start: a busy shared machine explains noisy numbers. */
  loadAvg1m: number;
  node: string;
  platform: string;
  tfjs: string;
  gitCommit: string;
  /** Uncommitted changes mean gitCommit alone does not identify the code measured. */
  gitDirty: boolean | "unknown";
  backends: { name: string; version: string | null; simd: boolean | null; threads: boolean | null }[];
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function flag(info: BackendInfo, name: string): boolean | null {
  const value = info.features[name];
  return typeof value === "boolean" ? value : null;
}

export function collectProvenance(backends: readonly BackendInfo[]): Provenance {
  const status = git(["status", "--porcelain"]);
  return {
    time: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    loadAvg1m: os.loadavg()[0] ?? 0,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    tfjs: (require("@tensorflow/tfjs-core/package.json") as { version: string }).version,
    gitCommit: git(["rev-parse", "HEAD"]) ?? "unknown",
    gitDirty: status === null ? "unknown" : status.length > 0,
    // simd/threads are wasm build features; null for backends where they do not apply.
    backends: backends.map((b) => ({ name: b.name, version: b.version, simd: flag(b, "simd"), threads: flag(b, "threads") })),
  };
}
