import { create } from "@bufbuild/protobuf";
import { AttributeProto_AttributeType as AttrType, AttributeProtoSchema, type AttributeProto } from "./generated/onnx_pb";
import type { OnnxData, OnnxDType } from "./dtype";
import type { OnnxShape } from "./shape";
import { makeTensorProto, type TensorSpec } from "./tensor";

/**
 * An attribute value with its ONNX type spelled out. JS has one number type and ONNX has INT and
 * FLOAT, and onnxruntime rejects a model whose LeakyRelu alpha is INT 1 where FLOAT 1.0 was
 * meant, so a float is always written through `attr.float` / `attr.floats` (or a Float32Array).
 */
export type TaggedAttr =
  | { readonly type: "int"; readonly value: bigint }
  | { readonly type: "ints"; readonly value: readonly bigint[] }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "floats"; readonly value: readonly number[] }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "strings"; readonly value: readonly string[] }
  | { readonly type: "tensor"; readonly value: TensorSpec };

/**
 * What `node()` takes per attribute. Besides tagged values, the unambiguous plain forms:
 * an integer -> INT, an array of integers -> INTS, a string -> STRING, a Float32Array -> FLOATS.
 * A plain non-integer number is an error (say `attr.float(x)`), never silently a FLOAT; so is
 * any plain number for a name that is FLOAT wherever ONNX uses it (alpha, beta, epsilon...).
 */
export type AttrInput = TaggedAttr | number | bigint | readonly number[] | string | Float32Array;

function toInt64(n: number | bigint, what: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) throw new TypeError(`${what}: ${n} is not an integer (for a FLOAT attribute use attr.float / attr.floats)`);
  return BigInt(n);
}

/** Builders for tagged attribute values; also reachable as `builder.attr`. */
export const attr = {
  int: (n: number | bigint): TaggedAttr => ({ type: "int", value: toInt64(n, "attr.int") }),
  ints: (ns: readonly (number | bigint)[]): TaggedAttr => ({ type: "ints", value: ns.map((n) => toInt64(n, "attr.ints")) }),
  float: (x: number): TaggedAttr => ({ type: "float", value: x }),
  floats: (xs: readonly number[] | Float32Array): TaggedAttr => ({ type: "floats", value: Array.from(xs) }),
  string: (s: string): TaggedAttr => ({ type: "string", value: s }),
  strings: (ss: readonly string[]): TaggedAttr => ({ type: "strings", value: [...ss] }),
  /** A tensor-valued attribute, e.g. Constant's `value` or ConstantOfShape's fill value. */
  tensor: (dtype: OnnxDType, shape: OnnxShape, data: OnnxData): TaggedAttr => ({ type: "tensor", value: { dtype, shape, data } }),
} as const;

function isTagged(v: AttrInput): v is TaggedAttr {
  return typeof v === "object" && !Array.isArray(v) && !(v instanceof Float32Array) && "type" in v && "value" in v;
}

/**
 * Names that are FLOAT in every standard ONNX op that has them (Gemm, LeakyRelu, Elu, Selu,
 * HardSigmoid, LRN, BatchNormalization, LayerNormalization, Shrink...). A plain integer there is
 * almost surely `alpha: 1` meaning 1.0, so it is refused rather than written as INT.
 */
const FLOAT_ONLY_NAMES = new Set(["alpha", "beta", "gamma", "epsilon", "momentum", "lambd", "bias"]);

/** Resolves the plain forms to tagged ones, with errors that name the node and the attribute. */
export function tagAttr(name: string, v: AttrInput, where: string): TaggedAttr {
  const what = `${where}: attribute '${name}'`;
  if (isTagged(v)) return v;
  if (typeof v === "string") return attr.string(v);
  if (v instanceof Float32Array) return attr.floats(v);
  if (typeof v === "number" || typeof v === "bigint" || Array.isArray(v)) {
    if (FLOAT_ONLY_NAMES.has(name)) {
      throw new TypeError(`${what} is FLOAT in ONNX; write attr.float(${String(v)}) so it is not written as an INT`);
    }
    if (typeof v === "number" || typeof v === "bigint") return { type: "int", value: toInt64(v, what) };
    return { type: "ints", value: v.map((n: number) => toInt64(n, what)) };
  }
  throw new TypeError(`${what}: unsupported value ${String(v)}; use attr.int/ints/float/floats/string/strings/tensor`);
}

const TEXT = new TextEncoder();

export function makeAttribute(name: string, value: AttrInput, where: string): AttributeProto {
  const a = tagAttr(name, value, where);
  switch (a.type) {
    case "int":
      return create(AttributeProtoSchema, { name, type: AttrType.INT, i: a.value });
    case "ints":
      return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: [...a.value] });
    case "float":
      return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: a.value });
    case "floats":
      return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: [...a.value] });
    case "string":
      return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: TEXT.encode(a.value) });
    case "strings":
      return create(AttributeProtoSchema, { name, type: AttrType.STRINGS, strings: a.value.map((s) => TEXT.encode(s)) });
    case "tensor":
      return create(AttributeProtoSchema, {
        name,
        type: AttrType.TENSOR,
        t: makeTensorProto("", a.value, `${where}: attribute '${name}'`),
      });
  }
}
