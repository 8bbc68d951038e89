/**
 * How long to wait before the next try to reach an engine that went away: short at first (a
 * restart takes a second or two), doubling, and capped so that a restarted engine is found soon.
 */
export function backoffMs(attempt: number, firstMs = 500, capMs = 5_000): number {
  return Math.min(capMs, firstMs * 2 ** Math.max(0, attempt));
}
