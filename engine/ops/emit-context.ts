import type { OnnxBuilder } from "../onnx/builder";
import type { OnnxDType } from "../onnx/dtype";
import type { SourceLocation } from "../../shared/location";
import type { DType } from "../api/dtype";
import type { OpAttrs, TensorType } from "./record";

/** An op the exporter cannot write, with the user's line where it was called. */
export class OnnxExportError extends Error {
  constructor(
    readonly op: string,
    readonly location: SourceLocation | null,
    detail: string,
  ) {
    super(`cannot export ${op} to ONNX: ${detail}`);
    this.name = "OnnxExportError";
  }
}

/** The call an emitter writes: its op, a readable name for its values, its types and attributes. */
export interface EmitSite<A extends OpAttrs = OpAttrs> {
  readonly op: string;
  readonly name: string;
  readonly attrs: A;
  readonly location: SourceLocation | null;
  readonly inputs: readonly (TensorType | null)[];
  readonly outputs: readonly TensorType[];
}

const ONNX_TYPE: Record<DType, number> = { float32: 1, int32: 6, bool: 9 };

/**
 * What an op's emitter works with: the builder, the ONNX names of the call's inputs, their types,
 * its typed attributes, and helpers for the small constant tensors ONNX ops take as inputs.
 */
export class EmitContext<A extends OpAttrs = OpAttrs> {
  constructor(
    readonly b: OnnxBuilder,
    readonly site: EmitSite<A>,
    private readonly inputNames: readonly string[],
    /** The traced batch size when exporting with a symbolic batch dim; null otherwise. */
    readonly dynamicBatch: number | null,
  ) {}

  get attrs(): A {
    return this.site.attrs;
  }

  /** ONNX name of input `i`, or "" (ONNX's "absent optional input") when it is null. */
  input(i: number): string {
    return this.site.inputs[i] ? (this.inputNames[i] ?? "") : "";
  }

  has(i: number): boolean {
    return !!this.site.inputs[i];
  }

  get inputCount(): number {
    return this.site.inputs.length;
  }

  type(i: number): TensorType {
    const t = this.site.inputs[i];
    if (!t) throw new Error(`exporter: ${this.site.name} has no input ${i}`);
    return t;
  }

  get out(): TensorType {
    return this.site.outputs[0] as TensorType;
  }

  /** A fresh value name for an intermediate of this call. */
  tmp(suffix: string): string {
    return this.b.uniqueName(`${this.site.name}_${suffix}`);
  }

  op(type: string, inputs: readonly string[], attrs: Parameters<OnnxBuilder["op"]>[2] = {}): string {
    return this.b.op(type, inputs, attrs, { output: this.tmp(type.toLowerCase()) });
  }

  int64(values: readonly number[]): string {
    return this.b.constant(undefined, "int64", [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  scalar(value: number, dtype: OnnxDType = "float32"): string {
    const data = dtype === "float32" ? Float32Array.of(value) : dtype === "int32" ? Int32Array.of(value) : dtype === "bool" ? Uint8Array.of(value ? 1 : 0) : BigInt64Array.of(BigInt(value));
    return this.b.constant(undefined, dtype, [], data);
  }

  /** Input `i` cast to `dtype` when it is not already (Tandem's binary ops compute in attrs.dtype). */
  cast(i: number, dtype: DType): string {
    return this.type(i).dtype === dtype ? this.input(i) : this.op("Cast", [this.input(i)], { to: ONNX_TYPE[dtype] });
  }

  /** A value cast to `dtype`, by ONNX name. */
  castValue(value: string, dtype: DType): string {
    return this.op("Cast", [value], { to: ONNX_TYPE[dtype] });
  }

  unsupported(detail: string): never {
    throw new OnnxExportError(this.site.op, this.site.location, detail);
  }
}
