import dagre from "@dagrejs/dagre";
import { type ViewNode, groupOf, moduleGroups } from "./ir";

/**
 * Positions for the graph view: dagre's layered layout, top to bottom, with each module group
 * ("layer1", "layer2") either drawn as a box around its ops or collapsed into one node.
 */

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A real op, or a collapsed module group standing for `members` ops. */
  node: ViewNode | null;
  group: string | null;
  members: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface PlacedCluster {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  clusters: PlacedCluster[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 188;
const LINE = 15;

/** Lines a node shows: op, type, module, attrs, up to three weights. */
export function nodeHeight(node: ViewNode): number {
  const lines = 2 + (node.module ? 1 : 0) + Math.min(node.attrs.length, 2) + Math.min(node.weights.length, 3) + (node.weights.length > 3 ? 1 : 0);
  return 12 + lines * LINE;
}

export function layoutGraph(nodes: ViewNode[], collapsed: ReadonlySet<string>): Layout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 22, ranksep: 34, edgesep: 10, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));

  /** Where a node is drawn: itself, or its collapsed group. */
  const drawnAs = new Map<string, string>();
  const groupSizes = new Map<string, number>();
  const groups = moduleGroups(nodes);
  for (const node of nodes) {
    const group = groupOf(node, groups);
    if (group) groupSizes.set(group, (groupSizes.get(group) ?? 0) + 1);
  }
  for (const node of nodes) {
    const group = groupOf(node, groups);
    if (group && collapsed.has(group)) {
      const id = `group:${group}`;
      drawnAs.set(node.id, id);
      if (!g.hasNode(id)) g.setNode(id, { width: NODE_WIDTH, height: 12 + 2 * LINE, group, members: groupSizes.get(group) ?? 0 });
    } else {
      drawnAs.set(node.id, node.id);
      g.setNode(node.id, { width: NODE_WIDTH, height: nodeHeight(node), viewNode: node });
      if (group) {
        const cluster = `cluster:${group}`;
        if (!g.hasNode(cluster)) g.setNode(cluster, { label: group, clusterLabelPos: "top", paddingTop: 18 });
        g.setParent(node.id, cluster);
      }
    }
  }
  for (const node of nodes) {
    const to = drawnAs.get(node.id);
    if (!to) continue;
    for (const input of node.inputs) {
      const from = drawnAs.get(input);
      if (from && from !== to && !g.hasEdge(from, to)) g.setEdge(from, to);
    }
  }
  dagre.layout(g);

  const placed: PlacedNode[] = [];
  const clusters: PlacedCluster[] = [];
  for (const id of g.nodes()) {
    const label = g.node(id) as { x: number; y: number; width: number; height: number; viewNode?: ViewNode; group?: string; members?: number; label?: string };
    if (id.startsWith("cluster:")) {
      clusters.push({ id, label: label.label ?? id, x: label.x - label.width / 2, y: label.y - label.height / 2, width: label.width, height: label.height });
      continue;
    }
    placed.push({
      id,
      x: label.x - label.width / 2,
      y: label.y - label.height / 2,
      width: label.width,
      height: label.height,
      node: label.viewNode ?? null,
      group: label.group ?? null,
      members: label.members ?? 0,
    });
  }
  const edges: PlacedEdge[] = g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [] }));
  const graph = g.graph() as { width?: number; height?: number };
  return { nodes: placed, edges, clusters, width: graph.width ?? 0, height: graph.height ?? 0 };
}
