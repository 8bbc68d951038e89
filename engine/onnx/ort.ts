import type * as OrtModule from "onnxruntime-node";

/**
 * The one place that loads onnxruntime-node. It is imported on first use, not at start-up: its
 * native library costs ~150 ms to load, which `tandem run` in eager mode, the CLI's other
 * commands and most tests never need. Type-only imports of it elsewhere cost nothing at run time.
 */
export type Ort = typeof OrtModule;

let loading: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  loading ??= import("onnxruntime-node").catch((error: unknown) => {
    // Forget the failure, so a later call (after a fix, in a long-lived process) tries again.
    loading = undefined;
    throw new Error(`onnxruntime-node could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  return loading;
}
