import type { ErrorKind, ModelError, SourceLocation } from "../../shared/run";
import { TensorTooLargeError } from "../api/allocation";
import { OpError } from "../api/errors";
import { BackendUnavailableError } from "../eager/backend";
import { OnnxExportError } from "../graph/export/onnx-export";
import { CompileError } from "./compile";
import { MissingApiError } from "./missing-api";
import { formatLocation, userFrames } from "./stack";

/** The model's exports are not what Tandem needs (no default export, malformed `inputs`). */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation | null,
  ) {
    super(message);
    this.name = "ExportError";
  }
}

function kindOf(error: unknown, inUserCode: boolean): ErrorKind {
  if (error instanceof CompileError) return "syntax";
  if (error instanceof ExportError) return "export";
  if (error instanceof OpError) return "shape";
  if (error instanceof OnnxExportError || error instanceof MissingApiError) return "unsupported";
  if (error instanceof BackendUnavailableError) return "backend";
  if (error instanceof TensorTooLargeError) return "oom";
  // An array too large for V8 (a tensor an op was asked to make): the model asked for it.
  if (error instanceof RangeError && /memory|allocation|invalid typed array length/i.test(error.message)) return "oom";
  return inUserCode ? "runtime" : "internal";
}

/** Structured, user-facing form of anything thrown while compiling or running a model. */
export function toModelError(error: unknown): ModelError {
  const frames = userFrames(error);
  const own = error instanceof CompileError || error instanceof ExportError || error instanceof OnnxExportError || error instanceof TensorTooLargeError ? error.location : null;
  const location = own ?? frames[0]?.location ?? null;
  const kind = kindOf(error, location !== null);
  const base = error instanceof Error ? error : new Error(String(error));
  const plain: ErrorKind[] = ["shape", "syntax", "export", "backend", "unsupported"];
  const message = plain.includes(kind) || error instanceof TensorTooLargeError ? base.message : `${base.name}: ${base.message}`;
  const stack =
    error instanceof CompileError
      ? error.details
      : frames.map((f) => `at ${f.functionName ? `${f.functionName} (${formatLocation(f.location)})` : formatLocation(f.location)}`);
  return { kind, message, location, stack, op: error instanceof OpError ? error.op : null };
}
