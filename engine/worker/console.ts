import { formatWithOptions } from "node:util";
import type { LogEntry } from "../../shared/run";
import { currentUserFrame } from "../model/stack";

const LEVELS = ["log", "info", "warn", "error", "debug"] as const;

/**
 * Routes the model's console output to `sink` with the user's line it came from, instead of the
 * worker's stdout. Returns a function that restores the console.
 */
export function captureConsole(sink: (entry: LogEntry) => void): () => void {
  const saved = LEVELS.map((level) => [level, console[level]] as const);
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) => {
      const text = formatWithOptions({ colors: false, depth: 4 }, ...args);
      sink({ level, text, location: currentUserFrame()?.location ?? null });
    };
  }
  return () => {
    for (const [level, fn] of saved) console[level] = fn;
  };
}
