/**
 * Figures for graph mode, per example model: ops before and after the passes, export and
 * onnxruntime session times, and the warm median latency of eager, graph:tfjs and graph:ort, all
 * measured in worker processes as `tandem run` does. Run: npx tsx bench/graph-figures.ts [--repeat N]
 */
import { RunMode } from "../shared/run";
import { runModel } from "../engine/service/run-model";
import { provenance } from "../engine/model/provenance";
import { ensureBuilt } from "../bin/build.mjs";

// Each run starts dist/worker.mjs, which runtime code only finds: build it first.
await ensureBuilt();

const EXAMPLES = ["mlp", "resnet_cnn", "transformer_block", "module_list", "branching"];
const repeatFlag = process.argv.indexOf("--repeat");
const repeat = repeatFlag > 0 ? Number(process.argv[repeatFlag + 1]) : 50;

const ms = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(v < 10 ? 2 : 1));

const rows: string[][] = [];
for (const name of EXAMPLES) {
  const row: Record<string, string> = { model: name };
  // Sequential, so the runs do not compete for the two cores.
  for (const mode of RunMode.options) {
    const outcome = await runModel({ file: `assets/examples/${name}.ts`, mode, repeat, typecheck: false, backend: "wasm" });
    if (!outcome.ok) {
      row[mode] = `error: ${outcome.error.kind}`;
      continue;
    }
    const r = outcome.result;
    row[mode] = ms(r.timings.warmForwardMs);
    const g = r.graph;
    if (g && mode === "graph:tfjs") row.ops = g.segments ? `${g.callsTraced} (${g.graphCount} graphs)` : `${g.callsTraced} -> ${g.callsOptimized}`;
    if (g && mode === "graph:ort") {
      row.export = ms(g.timings.compileMs);
      row.session = ms(g.ort?.sessionMs);
      row.parity = g.parity.map((p) => p.maxAbsDiff.toExponential(1)).join(" ");
    }
  }
  rows.push(["model", "ops", "export", "session", "eager", "graph:tfjs", "graph:ort", "parity"].map((k) => row[k] ?? "-"));
}

const header = ["model", "ops traced -> optimized", "export ms", "ort session ms", "eager ms", "graph:tfjs ms", "graph:ort ms", "ort max abs diff"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
const p = provenance();
console.log(`graph mode figures: warm medians of ${repeat} runs, wasm backend for eager and graph:tfjs, onnxruntime cpu 1 thread`);
console.log(`${p.cpu}, node ${p.node}, tandem ${p.tandemVersion}, ${p.time}\n`);
console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
