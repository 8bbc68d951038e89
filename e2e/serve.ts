import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface Serving {
  /** The URL `tandem serve` printed, with its token. */
  url: string;
  /** Where its sessions database lives (a fresh folder, removed by stop). */
  home: string;
  output(): string;
  stop(): Promise<void>;
}

/** A given port and token: to start the engine again where a page that lost it looks for it. */
export interface ServeOptions {
  port?: number;
  token?: string;
}

/**
 * Starts `tandem serve` as a user would (bin/tandem.mjs, from the repository root) on a free port
 * (or the given one), with a fresh TANDEM_HOME, and resolves with the URL it prints.
 */
export async function startServe(timeoutMs = 90_000, options: ServeOptions = {}): Promise<Serving> {
  const home = mkdtempSync(path.join(os.tmpdir(), "tandem-e2e-home-"));
  const child: ChildProcess = spawn(process.execPath, ["bin/tandem.mjs", "serve", "--port", String(options.port ?? 0)], {
    cwd: ROOT,
    env: { ...process.env, TANDEM_HOME: home, TANDEM_TOKEN: options.token ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem serve printed no URL in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tandem serve exited (${code}):\n${out}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, home, output: () => out, stop };
}
