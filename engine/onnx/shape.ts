/**
 * Shapes as the builder takes them. A dim is a size, or a name for a size known only at run time
 * ("batch" for --dynamic-batch): ONNX's dim_value and dim_param. Equal names mean equal sizes.
 */
export type OnnxDim = number | string;
export type OnnxShape = readonly OnnxDim[];

// dim_param is free text in the spec, but onnxruntime and Netron show it as an identifier, and a
// name with spaces or an empty name is always an exporter bug.
const DIM_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Throws unless every dim is a non-negative integer or an identifier-like name. */
export function checkShape(shape: OnnxShape, what: string): void {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array, got ${typeof shape}`);
  shape.forEach((dim, i) => {
    if (typeof dim === "number") {
      if (!Number.isSafeInteger(dim) || dim < 0) {
        throw new RangeError(`${what}: dim ${i} is ${dim}; sizes are non-negative integers (a name like "batch" marks a size known at run time)`);
      }
    } else if (typeof dim !== "string" || !DIM_NAME.test(dim)) {
      throw new TypeError(`${what}: dim ${i} is ${JSON.stringify(dim)}; a symbolic dim must be an identifier such as "batch"`);
    }
  });
}

/** A shape whose dims are all sizes: tensors that hold data (initializers, constants) need one. */
export function checkConcreteShape(shape: OnnxShape, what: string): asserts shape is readonly number[] {
  checkShape(shape, what);
  const named = shape.findIndex((d) => typeof d === "string");
  if (named >= 0) throw new TypeError(`${what}: dim ${named} is "${String(shape[named])}"; a tensor with data needs sizes, not names`);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function formatShape(shape: OnnxShape): string {
  return `[${shape.join(", ")}]`;
}
