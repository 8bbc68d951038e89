import type { NonFiniteMismatch } from "./graph";

/**
 * "NaN at [0, 3] in graph, 1.2 in eager (and 4 more places)": where two results disagree on a
 * NaN or an infinity, in the same words in the CLI, the window and the served page.
 */
export function describeMismatch(m: NonFiniteMismatch, actual = "graph", expected = "eager"): string {
  const more = m.count > 1 ? ` (and ${m.count - 1} more place${m.count === 2 ? "" : "s"})` : "";
  return `${m.actual} at [${m.index.join(", ")}] in ${actual}, ${m.expected} in ${expected}${more}`;
}
