import { utilityProcess } from "electron";
import { workerEnvironment } from "../engine/runner/worker-env";
import type { WorkerExit, WorkerHandle, WorkerLauncher } from "../engine/runner/worker-process";

/**
 * Workers as Electron utility processes: children of the main process that run Node, without a
 * window, speaking the same messages as Node child processes (engine/worker/main.ts uses
 * process.parentPort there). Only after the app is ready.
 */
export function utilityLauncher(workerPath: string, log: (line: string) => void = () => {}): WorkerLauncher {
  return {
    name: "electron-utility",
    async launch({ maxOldSpaceMb }) {
      const child = utilityProcess.fork(workerPath, [], {
        execArgv: [`--max-old-space-size=${maxOldSpaceMb}`],
        stdio: "pipe",
        serviceName: "Tandem model worker",
        env: workerEnvironment(),
      });
      let exited: WorkerExit | null = null;
      const exitListeners: ((exit: WorkerExit) => void)[] = [];
      child.once("exit", (code) => {
        exited = { code, signal: null };
        for (const listener of exitListeners) listener(exited);
      });
      child.on("error", (type, location) => log(`worker ${child.pid ?? "?"}: ${type} at ${location}`));
      const handle: WorkerHandle = {
        get pid() {
          return child.pid;
        },
        send: (message) => {
          if (!exited) child.postMessage(message);
        },
        onMessage: (listener) => child.on("message", listener),
        onOutput: (listener) => {
          child.stdout?.on("data", (chunk: Buffer) => listener("stdout", chunk.toString()));
          child.stderr?.on("data", (chunk: Buffer) => listener("stderr", chunk.toString()));
        },
        onExit: (listener) => {
          if (exited) listener(exited);
          else exitListeners.push(listener);
        },
        kill: () => {
          if (!exited) child.kill();
        },
      };
      return handle;
    },
  };
}
