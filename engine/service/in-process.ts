/**
 * The engine as the CLI (and scripts) use it: the same EngineService the window talks to, in this
 * process, with a pool of one worker, reached through a client over an in-memory transport pair.
 * So `tandem run` and the window's Run share one supervisor, one protocol and one place where the
 * model is type-checked (in the worker, after the run).
 */
import { type TandemClient, createClient } from "../../shared/client";
import { transportPair } from "../../shared/transport";
import type { WorkerLauncher } from "../runner/worker-process";
import { serveConnection } from "./connection";
import { EngineService } from "./service";

export interface InProcessOptions {
  /** V8 heap limit of the worker, in MB (default 4096): a model that needs more fails as `oom`. */
  maxOldSpaceMb?: number;
  /** How the worker is started: a Node child process running dist/worker.mjs by default. */
  launcher?: WorkerLauncher;
  /** How a time-out message says to raise the limit (the CLI: "raise the limit with --timeout"). */
  timeoutAdvice?: string;
}

/** Runs `body` with a client of a fresh in-process engine, which is closed (its worker stopped) afterwards. */
export async function withInProcessEngine<T>(options: InProcessOptions, body: (tandem: TandemClient) => Promise<T>): Promise<T> {
  const service = new EngineService({
    size: 1,
    warm: 1, // started now: the first call does not wait for a queue to ask for it
    host: "cli",
    warmTypecheck: false,
    ...(options.maxOldSpaceMb ? { maxOldSpaceMb: options.maxOldSpaceMb } : {}),
    ...(options.launcher ? { launcher: options.launcher } : {}),
    ...(options.timeoutAdvice ? { timeoutAdvice: options.timeoutAdvice } : {}),
  });
  const [clientEnd, serverEnd, closeTransport] = transportPair();
  const connection = serveConnection(serverEnd, service.handlers(), { name: "in-process", log: (line) => process.stderr.write(`tandem: ${line}\n`) });
  const tandem = createClient(clientEnd, { onInvalid: (problem) => process.stderr.write(`tandem: ${problem}\n`) });
  try {
    return await body(tandem);
  } finally {
    tandem.close();
    connection.close();
    closeTransport();
    await service.close();
  }
}
