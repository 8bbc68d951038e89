import type { Graph } from "../ir";

/** What a pass did, for the user to read: counts before and after, and one line per change. */
export interface PassReport {
  pass: string;
  nodesBefore: number;
  nodesAfter: number;
  changes: string[];
}

/** A pass is a plain function over the IR (it edits the graph it is given) that says what it changed. */
export type Pass = (graph: Graph) => string[];

export function runPass(name: string, pass: Pass, graph: Graph): PassReport {
  const nodesBefore = graph.nodes.length;
  const changes = pass(graph);
  return { pass: name, nodesBefore, nodesAfter: graph.nodes.length, changes };
}
