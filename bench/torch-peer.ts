/**
 * Runs bench/torch_peer.py under Debian's Python and parses what it prints. The peer is optional:
 * when Python or torch is absent the result says why, and the report shows that instead of numbers.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { BlockPlan } from "./timer";

export const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torch_peer.py", import.meta.url));

/**
 * Tandem's wasm backend runs single-threaded here (and cpu is plain JS), so torch gets one thread.
 * Debian's torch uses OpenBLAS (openmp build), which sizes its pool apart from
 * torch.set_num_threads, hence the env pins as well.
 */
export const TORCH_THREADS = 1;
const threadEnv = (threads: number): Readonly<Record<string, string>> => ({
  OPENBLAS_NUM_THREADS: String(threads),
  OMP_NUM_THREADS: String(threads),
  // Makes OpenBLAS print the kernel it picked ("Core: Haswell") to stderr, which we record.
  OPENBLAS_VERBOSE: "2",
});

/** The OpenBLAS kernel we pin: SKYLAKEX, chosen so results do not depend on OpenBLAS's detection. */
export const WANTED_CORETYPE = "SKYLAKEX";

export interface CoretypeChoice {
  /** What OPENBLAS_CORETYPE is set to, or null to let OpenBLAS detect the CPU. */
  value: string | null;
  note: string | null;
}

/**
 * SKYLAKEX kernels are AVX-512: on a CPU without it (e.g. AMD Zen 3) torch dies with SIGILL on its
 * first matmul. There we leave OpenBLAS to detect the CPU and say so, rather than lose the peer.
 */
export function chooseCoretype(): CoretypeChoice {
  let flags: string;
  try {
    flags = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return { value: WANTED_CORETYPE, note: null };
  }
  if (/\bavx512f\b/.test(flags)) return { value: WANTED_CORETYPE, note: null };
  return {
    value: null,
    note: `OPENBLAS_CORETYPE=${WANTED_CORETYPE} not set: this CPU has no AVX-512 (SKYLAKEX kernels die with SIGILL); OpenBLAS picked its kernel itself`,
  };
}

const SummarySchema = z.object({
  n: z.number(),
  median: z.number(),
  p90: z.number(),
  min: z.number(),
  iqr: z.number(),
  iqrOverMedian: z.number(),
});

const PeerOutput = z.object({
  torch: z.string(),
  python: z.string(),
  threads: z.number(),
  cpuCapability: z.string().nullable(),
  env: z.record(z.string(), z.string().nullable()),
  eagerAdd: z.object({ chainLength: z.number(), shape: z.array(z.number()), us: SummarySchema }),
  mlp: z.object({
    inputs: z.record(z.string(), z.array(z.number())),
    parameters: z.number(),
    outputShape: z.array(z.number()),
    callsPerBlock: z.number(),
    ms: SummarySchema,
  }),
});
export type PeerOutput = z.infer<typeof PeerOutput>;

export type PeerResult =
  | ({ status: "ok"; openblasCore: string | null; openblasNote: string | null } & PeerOutput)
  | { status: "missing"; reason: string };

export interface PeerRequest {
  threads: number;
  chainLength: number;
  chainShape: number[];
  mlpInput: number[];
  plans: { eager: BlockPlan; mlp: BlockPlan };
}

const lastLine = (text: string): string => text.trim().split("\n").pop() ?? "";

type Spawned = { ok: true; stdout: string; stderr: string; note: string | null } | { ok: false; reason: string };

/** Runs torch_peer.py with `request`, its threads pinned in the environment too. */
function spawnPeer(request: object, threads: number, timeoutMs: number): Spawned {
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const coretype = chooseCoretype();
  const env: NodeJS.ProcessEnv = { ...process.env, ...threadEnv(threads) };
  if (coretype.value === null) delete env.OPENBLAS_CORETYPE;
  else env.OPENBLAS_CORETYPE = coretype.value;
  const proc = spawnSync(PYTHON, [SCRIPT, JSON.stringify(request)], { env, encoding: "utf8", timeout: timeoutMs });
  if (proc.error) return { ok: false, reason: `could not run ${PYTHON}: ${proc.error.message}` };
  if (proc.status !== 0) {
    const why = lastLine(proc.stderr) || "(no stderr)";
    if (/No module named 'torch'/.test(proc.stderr)) return { ok: false, reason: `torch not installed (${why})` };
    const how = proc.signal ? `killed by ${proc.signal}` : `exit ${proc.status}`;
    return { ok: false, reason: `torch peer failed (${how}): ${why}` };
  }
  return { ok: true, stdout: proc.stdout, stderr: proc.stderr, note: coretype.note };
}

export function runTorchPeer(request: PeerRequest, timeoutMs: number): PeerResult {
  const proc = spawnPeer(request, request.threads, timeoutMs);
  if (!proc.ok) return { status: "missing", reason: proc.reason };
  try {
    const output = PeerOutput.parse(JSON.parse(lastLine(proc.stdout)));
    const core = /^Core: (.+)$/m.exec(proc.stderr)?.[1]?.trim() ?? null;
    return { status: "ok", openblasCore: core, openblasNote: proc.note, ...output };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { status: "missing", reason: `torch peer printed unexpected output: ${detail}` };
  }
}

const ModelVariant = z.object({ name: z.string(), callsPerBlock: z.number(), n: z.number(), mean: z.number(), median: z.number(), p90: z.number(), p99: z.number(), min: z.number(), iqr: z.number(), iqrOverMedian: z.number() });
const ModelsOutput = z.object({
  torch: z.string(),
  python: z.string(),
  threads: z.number(),
  cpuCapability: z.string().nullable(),
  env: z.record(z.string(), z.string().nullable()),
  models: z.array(z.object({ model: z.string(), inputShape: z.array(z.number()), parameters: z.number(), outputShape: z.array(z.number()), rounds: z.number(), stopReason: z.string(), variants: z.array(ModelVariant) })),
});
export type TorchModels = z.infer<typeof ModelsOutput> & { openblasCore: string | null; openblasNote: string | null };
export type TorchModelsResult = ({ status: "ok" } & TorchModels) | { status: "missing"; reason: string };

export interface TorchModelsRequest {
  threads: number;
  plan: { warmupMs: number; minTimeMs: number; maxTimeMs: number; minBlocks: number; maxBlocks: number; targetRelCi: number };
  /** Architecture names torch_peer.py knows (mlp, resnet_cnn, transformer_block) and their input. */
  models: { name: string; input: { shape: number[]; dtype?: string; high?: number; low?: number } }[];
}

/** The example architectures in torch eager, jit.trace and jit.trace + optimize_for_inference. */
export function runTorchModels(request: TorchModelsRequest, timeoutMs: number): TorchModelsResult {
  const proc = spawnPeer(request, request.threads, timeoutMs);
  if (!proc.ok) return { status: "missing", reason: proc.reason };
  try {
    const output = ModelsOutput.parse(JSON.parse(lastLine(proc.stdout)));
    const core = /^Core: (.+)$/m.exec(proc.stderr)?.[1]?.trim() ?? null;
    return { status: "ok", openblasCore: core, openblasNote: proc.note, ...output };
  } catch (error) {
    return { status: "missing", reason: `torch peer printed unexpected output: ${error instanceof Error ? error.message : String(error)}` };
  }
}
