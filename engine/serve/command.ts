import { type Command, InvalidArgumentError } from "commander";

/** `tandem serve`: the window in a browser, the engine here. Registered by engine/cli/main.ts. */

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

interface ServeFlags {
  port?: number;
  host: string;
  workers?: number;
  maxMemory: number;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the Tandem window to a browser, with the engine on this machine (a token in the URL guards it)")
    .option("--port <n>", "port to listen on (default 8470, or the next free one; 0 picks any)", integer("port", 0, 65535))
    .option("--host <address>", "address to listen on; other than loopback, anyone who can reach it and has the token can run code here", "127.0.0.1")
    .option("--workers <n>", "worker processes that run models (default: CPU cores - 1, at most 4)", integer("workers", 1, 64))
    .option("--max-memory <MB>", "heap limit of each worker", integer("max-memory", 64, 1 << 20), 4096)
    .action(async (opts: ServeFlags) => {
      const { startServer } = await import("./server"); // ws and the service load only for this command
      const served = await startServer({
        host: opts.host,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.workers !== undefined ? { size: opts.workers } : {}),
        maxOldSpaceMb: opts.maxMemory,
        token: process.env.TANDEM_TOKEN || undefined,
      });
      process.stdout.write(`Tandem is serving ${served.staticDir}\n\n    ${served.url}\n\nOpen the URL above in a browser (it holds the token). Ctrl-C stops the server.\n`);
      if (opts.host !== "127.0.0.1" && opts.host !== "localhost" && opts.host !== "::1") {
        process.stderr.write(`warning: listening on ${opts.host}, not loopback: anyone who can reach this port and has the token can run code on this machine\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write("stopping...\n");
          void served.close().then(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
