import { z } from "zod";
import { LogEntry, RunOutcome, RunRequest } from "../../shared/run";

/** Messages between the runner and a worker process, validated on both ends. */
export const ToWorker = z.discriminatedUnion("type", [z.object({ type: z.literal("run"), request: RunRequest })]);
export type ToWorker = z.infer<typeof ToWorker>;

export const FromWorker = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("log"), entry: LogEntry }),
  z.object({ type: z.literal("done"), outcome: RunOutcome }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
