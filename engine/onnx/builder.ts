import { create, toBinary } from "@bufbuild/protobuf";
import {
  ModelProtoSchema,
  NodeProtoSchema,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./generated/onnx_pb";
import { attr, makeAttribute, type AttrInput } from "./attributes";
import { isOnnxDType, type OnnxData, type OnnxDType } from "./dtype";
import { UniqueNames } from "./names";
import type { OnnxShape } from "./shape";
import { makeTensorProto } from "./tensor";
import { makeValueInfo } from "./value-info";

export interface OnnxBuilderOptions {
  /** Version of the default ("ai.onnx") operator set, e.g. 17. */
  opset: number;
  /** ModelProto.ir_version. Default 8: the newest that ONNX 1.12's checker (Debian's) accepts. */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  graphName?: string;
  docString?: string;
  /** Written to metadata_props, e.g. { "tandem.version": "0.1.0", "tandem.source_hash": "..." }. */
  metadata?: Record<string, string>;
  /** Further operator domains the graph uses, with their versions, e.g. { "com.microsoft": 1 }. */
  domains?: Record<string, number>;
}

export interface NodeOptions {
  /** Node name, unique in the graph; generated from the op type when left out. */
  name?: string;
  /** Operator domain; "" (ai.onnx) when left out. Others must be declared in `domains`. */
  domain?: string;
  docString?: string;
}

export type NodeAttrs = Readonly<Record<string, AttrInput>>;

export interface BuilderStats {
  nodes: number;
  initializers: number;
  /** Bytes of initializer data (raw_data), the bulk of a model file. */
  initializerBytes: number;
  /** Node count per op type ("Conv" -> 3); "domain::Op" for ops outside ai.onnx. */
  opTypes: Record<string, number>;
}

const DEFAULT_DOMAINS = new Set(["", "ai.onnx"]);

/**
 * Builds one ONNX model (a single graph) and serializes it. Values are named strings, as in
 * ONNX: `input()`, `initializer()` and `node()` define them, `node()` consumes them. Mistakes
 * that would otherwise surface later as an opaque onnxruntime load error (a misspelt input, a
 * name defined twice, data that does not fill its shape) throw here, naming the node.
 *
 * Nodes must be added in topological order: an input must be defined before a node reads it,
 * which is the order ONNX requires anyway.
 */
export class OnnxBuilder {
  /** Tagged attribute values, e.g. `b.attr.float(0.01)`; same as the module's `attr`. */
  readonly attr = attr;

  readonly #options: OnnxBuilderOptions;
  readonly #valueNames = new UniqueNames();
  readonly #nodeNames = new UniqueNames();
  /** Defined values -> who defined them, for "already defined by ..." errors. */
  readonly #definedBy = new Map<string, string>();
  readonly #inputs: ValueInfoProto[] = [];
  readonly #outputs: ValueInfoProto[] = [];
  readonly #valueInfo: ValueInfoProto[] = [];
  readonly #initializers: TensorProto[] = [];
  readonly #nodes: NodeProto[] = [];
  readonly #opTypes = new Map<string, number>();
  #initializerBytes = 0;

  constructor(options: OnnxBuilderOptions) {
    const domains = { ...options.domains };
    for (const [domain, version] of [["", options.opset], ...Object.entries(domains)] as const) {
      if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`opset for domain "${domain}" must be a positive integer, got ${version}`);
    }
    for (const domain of Object.keys(domains)) {
      if (DEFAULT_DOMAINS.has(domain)) throw new Error(`domains: "${domain}" is the default domain; its version is the opset option`);
    }
    const ir = options.irVersion ?? 8;
    if (!Number.isSafeInteger(ir) || ir < 3) throw new RangeError(`irVersion must be an integer >= 3, got ${ir}`);
    // A copy: the caller's objects may change before toBytes(), the model must not.
    this.#options = { ...options, domains, metadata: { ...options.metadata } };
  }

  /** Declares a graph input. A string dim is symbolic ("batch"): its size is given at run time. */
  input(name: string, dtype: OnnxDType, shape: OnnxShape): string {
    const what = `input '${name}'`;
    const info = makeValueInfo(name, checkDType(dtype, what), shape, what);
    this.#define(name, "a graph input");
    this.#inputs.push(info);
    return name;
  }

  /** Declares a graph output: a value that some node, input or initializer defines by toBytes(). */
  output(name: string, dtype: OnnxDType, shape: OnnxShape): string {
    const what = `output '${name}'`;
    checkName(name, what);
    if (this.#outputs.some((o) => o.name === name)) throw new Error(`${what} is declared twice`);
    const info = makeValueInfo(name, checkDType(dtype, what), shape, what);
    this.#valueNames.reserve(name);
    this.#outputs.push(info);
    return name;
  }

  /**
   * A named tensor with data (a weight). Stored little-endian in raw_data, copied from `data`.
   * int64 data may be an Int32Array (Tandem's eager longs), widened here.
   */
  initializer(name: string, dtype: OnnxDType, shape: readonly number[], data: OnnxData): string {
    const what = `initializer '${name}'`;
    const tensor = makeTensorProto(name, { dtype: checkDType(dtype, what), shape, data }, what);
    this.#define(name, "an initializer");
    this.#initializers.push(tensor);
    this.#initializerBytes += tensor.rawData.byteLength;
    return name;
  }

  /**
   * A constant tensor (a Reshape target, a scalar exponent), stored as an initializer rather than
   * a Constant node: one place for all tensor data (stats, sizes) and it needs no opset-specific
   * attribute. onnxruntime treats both the same. The name is generated ("const", "const_1"...)
   * when left out.
   */
  constant(name: string | undefined, dtype: OnnxDType, shape: readonly number[], data: OnnxData): string {
    return this.initializer(name ?? this.#valueNames.fresh("const"), dtype, shape, data);
  }

  /**
   * Adds a node; returns its output names. `outputs` is the names to define, or how many to
   * generate (default 1): generated names are `<node name>_out` (one) or `<node name>_out<i>`.
   * An input or output name "" is ONNX's placeholder for a skipped optional one. The last
   * argument is the node's name, or NodeOptions (name, domain, docString).
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number = 1,
    attrs: NodeAttrs = {},
    nameOrOptions: string | NodeOptions = {},
  ): string[] {
    const options = typeof nameOrOptions === "string" ? { name: nameOrOptions } : nameOrOptions;
    if (typeof opType !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opType)) {
      throw new TypeError(`node op type must be an identifier such as "MatMul", got ${JSON.stringify(opType)}`);
    }
    const domain = options.domain ?? "";
    if (!DEFAULT_DOMAINS.has(domain) && !Object.hasOwn(this.#options.domains ?? {}, domain)) {
      throw new Error(`node ${opType}: domain "${domain}" is not declared; pass it in the builder's domains option`);
    }
    if (options.name !== undefined) {
      checkName(options.name, `node ${opType}`);
      if (this.#nodeNames.has(options.name)) throw new Error(`node name '${options.name}' is used twice`);
    }
    // Everything is checked before any name is taken, so a refused node leaves no trace.
    const where = `node '${options.name ?? this.#nodeNames.peek(opType)}' (${opType})`;
    inputs.forEach((input, i) => {
      if (input !== "" && !this.#definedBy.has(input)) {
        throw new Error(`${where}: input ${i} '${input}' is not defined; define it first with input(), initializer(), constant() or as an earlier node's output`);
      }
    });
    checkOutputs(outputs, where, this.#definedBy);
    const attribute = Object.entries(attrs).map(([key, value]) => makeAttribute(key, value, where));

    const name = options.name ?? this.#nodeNames.fresh(opType);
    this.#nodeNames.reserve(name);
    const outputNames = this.#outputNames(name, outputs);
    for (const out of outputNames) if (out !== "") this.#define(out, where);

    this.#nodes.push(
      create(NodeProtoSchema, {
        name,
        opType,
        input: [...inputs],
        output: outputNames,
        attribute,
        ...(DEFAULT_DOMAINS.has(domain) ? {} : { domain }),
        ...(options.docString === undefined ? {} : { docString: options.docString }),
      }),
    );
    const key = DEFAULT_DOMAINS.has(domain) ? opType : `${domain}::${opType}`;
    this.#opTypes.set(key, (this.#opTypes.get(key) ?? 0) + 1);
    return outputNames;
  }

  /** `node()` for the common single-output case: returns the one output's name. */
  op(opType: string, inputs: readonly string[], attrs: NodeAttrs = {}, options: NodeOptions & { output?: string } = {}): string {
    const { output, ...nodeOptions } = options;
    const [name] = this.node(opType, inputs, output === undefined ? 1 : [output], attrs, nodeOptions);
    // node() returns exactly one name here: it refuses a list with no named output.
    return name as string;
  }

  /** Records the dtype and shape of an intermediate value (optional; helps viewers and checkers). */
  valueInfo(name: string, dtype: OnnxDType, shape: OnnxShape): void {
    const what = `valueInfo '${name}'`;
    checkName(name, what);
    if (this.#valueInfo.some((v) => v.name === name)) throw new Error(`${what} is declared twice`);
    this.#valueInfo.push(makeValueInfo(name, checkDType(dtype, what), shape, what));
  }

  /** A value name that is not used yet, from `base` ("relu", "relu_1"...); it is reserved. */
  uniqueName(base: string): string {
    return this.#valueNames.fresh(base);
  }

  /** Whether a value with this name is defined (input, initializer or node output). */
  has(name: string): boolean {
    return this.#definedBy.has(name);
  }

  stats(): BuilderStats {
    return {
      nodes: this.#nodes.length,
      initializers: this.#initializers.length,
      initializerBytes: this.#initializerBytes,
      opTypes: Object.fromEntries(this.#opTypes),
    };
  }

  /** The ModelProto, after the checks that need the whole graph (outputs and valueInfo defined). */
  toModel(): ModelProto {
    if (this.#outputs.length === 0) throw new Error("the graph has no outputs; declare them with output()");
    for (const list of [this.#outputs, this.#valueInfo]) {
      for (const { name } of list) {
        if (!this.#definedBy.has(name)) {
          const kind = list === this.#outputs ? "output" : "valueInfo";
          throw new Error(`${kind} '${name}' is not defined by any input, initializer or node`);
        }
      }
    }
    const o = this.#options;
    const opsets = [["", o.opset], ...Object.entries(o.domains ?? {})] as const;
    return create(ModelProtoSchema, {
      irVersion: BigInt(o.irVersion ?? 8),
      opsetImport: opsets.map(([domain, version]) => ({ domain, version: BigInt(version) })),
      producerName: o.producerName ?? "tandem",
      ...(o.producerVersion === undefined ? {} : { producerVersion: o.producerVersion }),
      ...(o.docString === undefined ? {} : { docString: o.docString }),
      graph: {
        name: o.graphName ?? "tandem",
        // Copies: the model must not grow if the builder is used after this call.
        node: [...this.#nodes],
        initializer: [...this.#initializers],
        input: [...this.#inputs],
        output: [...this.#outputs],
        valueInfo: [...this.#valueInfo],
      },
      metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  /** The serialized ModelProto: what a .onnx file holds and what onnxruntime loads. */
  toBytes(): Uint8Array {
    return toBinary(ModelProtoSchema, this.toModel());
  }

  /** Marks `name` defined (by `by`), refusing a second definition: ONNX graphs are SSA. */
  #define(name: string, by: string): void {
    checkName(name, by);
    const previous = this.#definedBy.get(name);
    if (previous !== undefined) throw new Error(`value '${name}' is defined twice: by ${previous} and by ${by}`);
    this.#definedBy.set(name, by);
    this.#valueNames.reserve(name);
  }

  /** The names `outputs` asks for: as given, or generated from the node's name. */
  #outputNames(nodeName: string, outputs: readonly string[] | number): string[] {
    if (typeof outputs !== "number") return [...outputs];
    if (outputs === 1) return [this.#valueNames.fresh(`${nodeName}_out`)];
    return Array.from({ length: outputs }, (_, i) => this.#valueNames.fresh(`${nodeName}_out${i}`));
  }
}

function checkOutputs(outputs: readonly string[] | number, where: string, definedBy: ReadonlyMap<string, string>): void {
  if (typeof outputs === "number") {
    if (!Number.isSafeInteger(outputs) || outputs < 1) throw new RangeError(`${where}: output count must be a positive integer, got ${outputs}`);
    return;
  }
  if (outputs.length === 0 || outputs.every((o) => o === "")) throw new Error(`${where}: a node needs at least one named output`);
  const seen = new Set<string>();
  for (const out of outputs) {
    if (out === "") continue;
    if (seen.has(out)) throw new Error(`${where}: output '${out}' is listed twice`);
    const previous = definedBy.get(out);
    if (previous !== undefined) throw new Error(`value '${out}' is defined twice: by ${previous} and by ${where}`);
    seen.add(out);
  }
}

function checkName(name: string, what: string): void {
  if (typeof name !== "string" || name === "") throw new TypeError(`${what}: a name must be a non-empty string`);
}

function checkDType(dtype: OnnxDType, what: string): OnnxDType {
  if (!isOnnxDType(dtype)) throw new TypeError(`${what}: unknown dtype ${JSON.stringify(dtype)}; use float32, int32, int64 or bool`);
  return dtype;
}
