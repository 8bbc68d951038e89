import type { Graph } from "../ir";
import { eliminateCommonSubexpressions } from "./cse";
import { eliminateDeadCode } from "./dce";
import { foldBatchNorm } from "./fold-batchnorm";
import { foldConstants } from "./fold-constants";
import { fuseActivations, fuseMatmulBias } from "./fuse";
import { type Pass, type PassReport, runPass } from "./pass";
import { removeNoops } from "./remove-noops";

export type { ChangeKind, PassChange, PassReport } from "./pass";
export { passReportJSON } from "./pass";

/** Every pass by the name the CLI and GUI use, in the order the default pipeline runs them. */
export const PASSES: Readonly<Record<string, Pass>> = {
  dce: eliminateDeadCode,
  cse: eliminateCommonSubexpressions,
  "remove-noops": removeNoops,
  "fold-batchnorm": foldBatchNorm,
  "fuse-matmul-bias": fuseMatmulBias,
  "fold-constants": foldConstants,
  "fuse-activations": fuseActivations,
};

/**
 * The default pipeline. Constant folding runs first so that fusions see known weights as constants,
 * and again after them to fold the transposes they add; DCE runs last to drop what others orphaned.
 */
export const DEFAULT_PIPELINE = ["dce", "cse", "remove-noops", "fold-constants", "fold-batchnorm", "fuse-matmul-bias", "fold-constants", "fuse-activations", "dce"];

export function runPasses(graph: Graph, names: readonly string[] = DEFAULT_PIPELINE, onReport?: (report: PassReport, graph: Graph) => void): PassReport[] {
  return names.map((name) => {
    const pass = PASSES[name];
    if (!pass) throw new Error(`unknown pass "${name}": choose from ${Object.keys(PASSES).join(", ")}`);
    const report = runPass(name, pass, graph);
    onReport?.(report, graph);
    return report;
  });
}
