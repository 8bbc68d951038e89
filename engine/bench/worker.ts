/**
 * The bench worker process (bundled as dist/bench.mjs): runs one benchmark job of user model code,
 * streaming progress, so that a crash, a hang or an out-of-memory in the model never takes down
 * the CLI. A "stop" message or SIGINT (Ctrl-C reaches the whole process group) ends the
 * measurement after the block in progress, and the reply carries what was measured.
 */
import { toModelError } from "../worker/errors";
import { installStackMapper } from "../worker/stack";
import { runBenchJob } from "./job";
import { type FromBenchWorker, ToBenchWorker } from "./protocol";

installStackMapper();

const send = (message: FromBenchWorker): void => {
  process.send?.(message);
};

let stopRequested = false;
let running = false;
process.on("SIGINT", () => {
  stopRequested = true;
});
// The caller gave up on the job (a second Ctrl-C, a crash): nobody is left to read the result.
process.on("disconnect", () => process.exit(0));

function fail(error: unknown): void {
  send({ type: "done", outcome: { ok: false, error: toModelError(error) } });
}

process.on("uncaughtException", (error) => {
  fail(error);
  process.exitCode = 1;
});
process.on("unhandledRejection", (error) => fail(error));

process.on("message", (raw: unknown) => {
  const parsed = ToBenchWorker.safeParse(raw);
  if (!parsed.success) {
    fail(new Error(`malformed message to the bench worker: ${parsed.error.issues[0]?.message ?? "invalid"}`));
    return;
  }
  const message = parsed.data;
  if (message.type === "stop") {
    stopRequested = true;
    return;
  }
  if (running) return fail(new Error("the bench worker runs one job at a time"));
  running = true;
  runBenchJob(message.request, { shouldStop: () => stopRequested, progress: (progress) => send({ type: "progress", progress }) }).then(
    ({ result, peak }) => send({ type: "done", outcome: { ok: true, result, peak } }),
    fail,
  );
});

send({ type: "ready", pid: process.pid });
