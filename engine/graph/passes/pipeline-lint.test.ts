/**
 * The default pipeline over every example model and every golden case, with Graph.lint() after
 * each pass: no pass may leave a graph out of order, with a stale users index or a dangling input.
 * The optimized graph's recorded types must also be what its kernels compute (checkShapes).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as tandem from "../../api";
import { setBackend } from "../../eager/backend";
import { GROUPS, type GoldenCase, invokeCase, loadFixtures } from "../../test/golden-harness";
import type { Graph } from "../ir";
import { checkShapes } from "../shape-check";
import { trace } from "../tracer";
import { DEFAULT_PIPELINE, runPasses } from "./index";

type Specs = Record<string, readonly number[] | { shape: number[]; high: number }>;

class CaseModel extends tandem.nn.Module {
  constructor(private readonly body: () => unknown) {
    super();
  }
  override forward(): unknown {
    return this.body();
  }
}

const EXAMPLES = path.resolve(__dirname, "../../../assets/examples");
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
const cases = GROUPS.flatMap((g) => loadFixtures(g).cases.map((c: GoldenCase) => ({ title: `${g} ${c.name}`, c })));

/** Runs the default pipeline, linting before it and after every pass; returns the passes linted. */
function pipelineLinted(graph: Graph): string[] {
  graph.lint();
  const linted: string[] = [];
  runPasses(graph, DEFAULT_PIPELINE, (report, g) => {
    g.lint();
    linted.push(report.pass);
  });
  return linted;
}

beforeAll(async () => {
  await setBackend("wasm");
});

describe("default pipeline keeps the graph well-formed", () => {
  it.each(examples)("example %s", async (name) => {
    const mod = (await import(path.join(EXAMPLES, `${name}.ts`))) as { default: new () => tandem.nn.Module; inputs: Specs };
    tf.engine().startScope();
    try {
      tandem.manual_seed(0);
      const model = new mod.default();
      model.eval();
      const args = Object.values(mod.inputs).map((s) => ("shape" in s ? tandem.randint(0, s.high, s.shape) : tandem.randn([...s])));
      const { graph } = trace(model, args, Object.keys(mod.inputs));
      expect(pipelineLinted(graph)).toEqual(DEFAULT_PIPELINE);
      expect(checkShapes(graph, args.map((a) => a.raw))).toEqual([]);
      graph.dispose();
    } finally {
      tf.engine().endScope();
    }
  });

  it.each(cases)("golden $title", ({ c }) => {
    tf.engine().startScope();
    try {
      tandem.manual_seed(0);
      const { graph } = trace(new CaseModel(() => invokeCase(tandem, c)), [], []);
      expect(pipelineLinted(graph)).toEqual(DEFAULT_PIPELINE);
      expect(checkShapes(graph, [])).toEqual([]);
      graph.dispose();
    } finally {
      tf.engine().endScope();
    }
  });
});
