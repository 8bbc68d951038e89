import type { OpProfile } from "../../../shared/bench";
import { canonicalOp, mix } from "./bench-charts";
import type { ViewNode } from "./ir";

/**
 * The graph view's heat colours: each node's time per forward from a bench profile, as a share of
 * the profiled forward, on a sequential scale. Graph modes time each IR node (`byNode`); eager has
 * no graph nodes, so a node gets the mean time of one call of its op type, and so does a graph
 * profile from before byNode existed.
 */

export interface NodeHeat {
  /** ms per forward by node name (only nodes the profile timed). */
  ms: Map<string, number>;
  /** What the shares are of: the profile's per-op sum per forward. */
  totalMs: number;
  /** The hottest node's ms: the top of the scale. */
  maxMs: number;
  how: "node" | "op-mean";
}

export function nodeHeat(profile: OpProfile, nodes: readonly ViewNode[]): NodeHeat {
  const ms = new Map<string, number>();
  const calls = nodes.filter((n) => n.kind === "call");
  if (profile.byNode) {
    for (const n of calls) {
      const v = profile.byNode[n.name];
      if (v !== undefined) ms.set(n.name, v);
    }
  } else {
    const perCall = new Map<string, number>();
    for (const r of profile.byOp) {
      const key = canonicalOp(r);
      if (r.calls > 0 && !perCall.has(key)) perCall.set(key, r.ms / r.calls);
    }
    for (const n of calls) {
      const v = perCall.get(n.op);
      if (v !== undefined) ms.set(n.name, v);
    }
  }
  let maxMs = 0;
  for (const v of ms.values()) maxMs = Math.max(maxMs, v);
  return { ms, totalMs: profile.profiledMsPerForward, maxMs, how: profile.byNode ? "node" : "op-mean" };
}

/** The scale's stops, cool to hot; the panel colour comes first (a node that costs nothing stays plain). */
export const HEAT_STOPS = ["#fde68a", "#f59e0b", "#dc2626", "#7f1d1d"];

/** The colour of `t` in [0, 1] on the scale, starting from `base` (the panel colour) at 0. */
export function heatColor(t: number, base: string): string {
  const stops = [base, ...HEAT_STOPS];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return mix(stops[i] as string, stops[i + 1] as string, x - i);
}

/** Whether text on `color` reads better dark or light (WCAG relative luminance). */
export function textOn(color: string): "dark" | "light" {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m?.[1]) return "dark";
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt((m[1] as string).slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black vs with white: (l + 0.05) / 0.05 against 1.05 / (l + 0.05).
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "dark" : "light";
}

/**
 * Where a node sits on the scale: its ms over the hottest node's, square-rooted so that the many
 * small ops of a net dominated by a few convolutions still show some colour.
 */
export const heatLevel = (ms: number, maxMs: number): number => (maxMs > 0 ? Math.sqrt(Math.max(0, ms) / maxMs) : 0);

/**
 * Time per forward of what the graph view draws, by its id: an op's own under its name, a
 * collapsed module group's (`group:<name>`) as the sum of its ops'.
 */
export function drawnHeat(heat: NodeHeat, nodes: readonly ViewNode[], groupOf: (node: ViewNode) => string | null): Map<string, number> {
  const drawn = new Map<string, number>();
  for (const node of nodes) {
    const ms = heat.ms.get(node.name);
    if (ms === undefined) continue;
    drawn.set(node.id, ms);
    const group = groupOf(node);
    if (group) drawn.set(`group:${group}`, (drawn.get(`group:${group}`) ?? 0) + ms);
  }
  return drawn;
}
