import { z } from "zod";
import { SourceLocation } from "../../shared/location";

/**
 * What the worker's watchdog thread writes to stderr when a job is about to run out of time: where
 * the model's code was at that moment. One line, found by its mark; the parent reads it from the
 * worker's stderr, since the worker's main thread (the one that would send a message) is the one stuck.
 */
export const WATCHDOG_MARK = "tandem-watchdog ";

export const WatchdogReport = z.object({
  job: z.string(),
  /** The innermost JS function running when the thread paused it (an engine function, maybe). */
  top: z.string().nullable(),
  /** The user's frames, innermost first, mapped to their .ts lines. */
  frames: z.array(z.object({ location: SourceLocation, functionName: z.string().nullable() })),
});
export type WatchdogReport = z.infer<typeof WatchdogReport>;

export const isWatchdogLine = (line: string): boolean => line.startsWith(WATCHDOG_MARK);

/** The last report about `job` in a stretch of stderr, if any. */
export function findWatchdogReport(stderr: string, job: string): WatchdogReport | null {
  const lines = stderr.split("\n").filter(isWatchdogLine).reverse();
  for (const line of lines) {
    try {
      const parsed = WatchdogReport.safeParse(JSON.parse(line.slice(WATCHDOG_MARK.length)));
      if (parsed.success && parsed.data.job === job) return parsed.data;
    } catch {
      // a line cut short by the stderr tail: look at the one before
    }
  }
  return null;
}
