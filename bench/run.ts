/**
 * `npm run bench`: eager dispatch overhead and MLP latency on Tandem's wasm and cpu backends, with
 * a PyTorch peer measured the same way; then `tandem bench` over the example models beside bare
 * onnxruntime-node and PyTorch (bench/models.ts). Written to bench/results/<date>.{json,md}.
 * Progress goes to stderr; the Markdown report goes to stdout.
 *
 *   npm run bench                  both parts (about 2.5 minutes on 2 cores)
 *   npm run bench -- --eager-only  the eager dispatch and MLP part only
 *   npm run bench -- --models-only the example models part only
 *   npm run bench -- --resnet18    adds bench/models/resnet18.ts (ImageNet-sized; about a minute more)
 */
import { fileURLToPath } from "node:url";
import path from "node:path";
import { BackendUnavailableError, setBackend } from "../engine/eager/backend";
import type { BackendInfo } from "../shared/backends";
import { CHAIN_LENGTH, CHAIN_SHAPE, measureEagerOverhead } from "./eager-overhead";
import { MLP_FILE, loadModelFile, measureModelLatency } from "./mlp-latency";
import { collectProvenance } from "./provenance";
import { type ModelsResults, renderModelsMarkdown, runModelsSuite } from "./models";
import { renderMarkdown, writeSuite } from "./report";
import { BACKENDS, type Backend, type BenchResults, type Maybe, collectWarnings, computeRatios } from "./results";
import type { BlockPlan } from "./timer";
import { TORCH_THREADS, runTorchPeer } from "./torch-peer";

/**
 * Budgets sized so the whole suite takes about a minute on 2 shared cores: enough blocks for a
 * stable median and p90, short enough that people actually run it.
 */
const PLANS: { eager: BlockPlan; mlp: BlockPlan } = {
  eager: { warmupMs: 1000, budgetMs: 6000, minBlocks: 30, maxBlocks: 600 },
  mlp: { warmupMs: 1000, budgetMs: 6000, minBlocks: 30, maxBlocks: 600 },
};
const TORCH_TIMEOUT_MS = 120_000;

const root = path.dirname(fileURLToPath(new URL("../package.json", import.meta.url)));
const RESULTS_DIR = path.join(root, "bench", "results");

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const reasonOf = (error: unknown): string =>
  error instanceof BackendUnavailableError ? error.reason : error instanceof Error ? error.message : String(error);

async function attempt<T>(what: string, f: () => Promise<T>): Promise<Maybe<T>> {
  try {
    return { status: "ok", ...(await f()) };
  } catch (error) {
    log(`  ${what} failed: ${reasonOf(error)}`);
    return { status: "missing", reason: reasonOf(error) };
  }
}

async function eagerPart(): Promise<{ results: BenchResults; markdown: string }> {
  // Probe both backends up front so provenance (and its load average) is taken before we add load.
  const infos = new Map<Backend, BackendInfo | string>();
  for (const b of BACKENDS) {
    try {
      infos.set(b, await setBackend(b));
    } catch (error) {
      infos.set(b, reasonOf(error));
    }
  }
  const provenance = collectProvenance([...infos.values()].filter((i): i is BackendInfo => typeof i !== "string"));
  const model = await loadModelFile(MLP_FILE);
  const modelLabel = path.relative(root, fileURLToPath(MLP_FILE));

  const eager = {} as BenchResults["eager"];
  const mlp = {} as BenchResults["mlp"];
  for (const b of BACKENDS) {
    const info = infos.get(b);
    if (typeof info !== "object") {
      const reason = info ?? "not probed";
      eager[b] = { status: "missing", reason };
      mlp[b] = { status: "missing", reason };
      continue;
    }
    await setBackend(b);
    log(`${b}: eager add chain...`);
    eager[b] = await attempt(`${b} eager overhead`, () => measureEagerOverhead(PLANS.eager));
    log(`${b}: ${modelLabel} forward...`);
    mlp[b] = await attempt(`${b} MLP latency`, () => measureModelLatency(model, modelLabel, PLANS.mlp));
  }

  log(`torch peer (${TORCH_THREADS} thread)...`);
  const torch = runTorchPeer(
    {
      threads: TORCH_THREADS,
      chainLength: CHAIN_LENGTH,
      chainShape: CHAIN_SHAPE,
      mlpInput: Object.values(model.inputs)[0] ?? [],
      plans: PLANS,
    },
    TORCH_TIMEOUT_MS,
  );

  const wasmInfo = infos.get("wasm");
  const partial: Omit<BenchResults, "warnings"> = {
    schema: 1,
    provenance,
    threads: {
      // tfjs-backend-wasm only uses threads when built and served with SharedArrayBuffer support.
      tandemWasm: typeof wasmInfo === "object" && wasmInfo.features.threads === true ? provenance.cores : 1,
      tandemCpu: 1,
      torch: torch.status === "ok" ? torch.threads : null,
    },
    plans: PLANS,
    eager,
    mlp,
    torch,
    ratios: computeRatios(eager, mlp, torch),
  };
  const results: BenchResults = { ...partial, warnings: collectWarnings(partial) };
  return { results, markdown: renderMarkdown(results) };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const started = Date.now();
  const eager = args.has("--models-only") ? null : await eagerPart();
  let models: ModelsResults | null = null;
  if (!args.has("--eager-only")) models = await runModelsSuite(root, log, { resnet18: args.has("--resnet18") });
  const markdown = [eager?.markdown ?? "", models ? renderModelsMarkdown(models) : ""].filter(Boolean).join("\n");
  const written = writeSuite(RESULTS_DIR, new Date().toISOString(), { schema: 2, eager: eager?.results ?? null, models }, markdown);
  process.stdout.write(markdown);
  log(`wrote ${path.relative(root, written.json)} and ${path.relative(root, written.md)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
