import type { OnnxBuilder } from "../../onnx/builder";
import type { OnnxDType } from "../../onnx/dtype";
import type { SourceLocation } from "../../../shared/location";
import { type Node, type TensorType, typeOf } from "../ir";

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

/**
 * What an op's emitter works with: the builder, the ONNX names of the node's inputs, their types,
 * and helpers for the small constant tensors ONNX ops take as inputs (shapes, axes, scalars).
 */
export class EmitContext {
  constructor(
    readonly b: OnnxBuilder,
    readonly node: Node,
    private readonly names: ReadonlyMap<string, string>,
    /** The traced batch size when exporting with a symbolic batch dim; null otherwise. */
    readonly dynamicBatch: number | null,
  ) {}

  /** ONNX name of input `i`, or "" (ONNX's "absent optional input") when it is null. */
  input(i: number): string {
    const v = this.node.inputs[i];
    if (!v) return "";
    const name = this.names.get(`${v.node.id}:${v.index}`);
    if (name === undefined) throw new Error(`exporter: ${v.node.name} has no ONNX value yet`);
    return name;
  }

  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  type(i: number): TensorType {
    const v = this.node.inputs[i];
    if (!v) throw new Error(`exporter: ${this.node.name} has no input ${i}`);
    return typeOf(v);
  }

  get out(): TensorType {
    return this.node.types[0] as TensorType;
  }

  attr<T>(name: string): T {
    return this.node.attrs[name] as T;
  }

  /** A fresh value name for an intermediate of this node. */
  tmp(suffix: string): string {
    return this.b.uniqueName(`${this.node.name}_${suffix}`);
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

  unsupported(detail: string): never {
    throw new OnnxExportError(this.node.op, this.node.location, detail);
  }
}

/** Writes one IR call node as ONNX nodes; returns the ONNX value name of each of its outputs. */
export type Emitter = (ctx: EmitContext) => string[];
