import type { PassReportJSON } from "../../../shared/graph";
import type { Graph } from "../ir";

/** What a change did to the nodes it names. */
export type ChangeKind = "removed" | "fused" | "folded" | "merged";

/** One change a pass made, for programs (`kind`, `nodes`, `into`) and for the user (`message`). */
export interface PassChange {
  kind: ChangeKind;
  /** The nodes the change took out of the graph: removed, or absorbed into `into`. */
  nodes: string[];
  /** The node they went into (a fused op, a new constant), or null when they were removed. */
  into: string | null;
  /** The line the CLI and the window print: "fused relu_1 (relu) into conv2d_1 (conv2d)". */
  message: string;
}

/** What a pass did: node counts before and after, and each change. */
export interface PassReport {
  pass: string;
  nodesBefore: number;
  nodesAfter: number;
  changes: PassChange[];
}

/** A pass is a plain function over the IR (it edits the graph it is given) that says what it changed. */
export type Pass = (graph: Graph) => PassChange[];

/** A report as results carry it: the user's lines, and the effects the window reads. */
export function passReportJSON(report: PassReport): PassReportJSON {
  return {
    pass: report.pass,
    nodesBefore: report.nodesBefore,
    nodesAfter: report.nodesAfter,
    changes: report.changes.map((c) => c.message),
    effects: report.changes.map(({ kind, nodes, into }) => ({ kind, nodes: [...nodes], into })),
  };
}

export function runPass(name: string, pass: Pass, graph: Graph): PassReport {
  const nodesBefore = graph.nodes.length;
  const changes = pass(graph);
  return { pass: name, nodesBefore, nodesAfter: graph.nodes.length, changes };
}
