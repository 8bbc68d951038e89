import type { GraphRunSummary } from "../../shared/graph";
import type { OutputSummary, RunRequest } from "../../shared/run";
import type { Tensor, nn } from "../api";

/** What running a model in one mode produced: outputs of the first (cold) run and the warm times. */
export interface Execution {
  outputs: OutputSummary[];
  firstForwardMs: number;
  warmMs: number[];
  graph: GraphRunSummary | null;
}

export interface ExecutionContext {
  model: nn.Module;
  args: Tensor[];
  inputNames: string[];
  request: RunRequest;
  /** sha256 of the model's sources, recorded in exported files. */
  sourceHash: string;
  /** Silences the model's console during warm passes, which repeat the cold pass's prints. */
  muteLogs(muted: boolean): void;
}
