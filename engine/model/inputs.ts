import { z } from "zod";
import { type Tensor, tensor } from "../api";
import { checkAllocation } from "../api/allocation";
import { toDType } from "../api/dtype";
import { Generator } from "../api/random";

const Size = z.array(z.number().int().nonnegative()).min(0);
const Spec = z.union([
  Size,
  z.object({
    shape: Size,
    dtype: z.enum(["float32", "float", "int32", "int64", "long", "int", "bool"]).default("float32"),
    /** Integer inputs: values in [low, high), e.g. high = vocabulary size. */
    high: z.number().int().optional(),
    low: z.number().int().default(0),
  }),
]);

export const InputSpecs = z.record(z.string(), Spec);
export type InputSpecs = z.infer<typeof InputSpecs>;

export interface NamedInput {
  name: string;
  value: Tensor;
}

/** Turns a zod failure into one readable sentence about the `inputs` export. */
export function describeInputsProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? ` at inputs.${issue.path.join(".")}` : "";
  // A failed union says only "Invalid input"; the expected forms say more.
  const detail = issue && issue.code !== "invalid_union" ? `: ${issue.message}` : "";
  return `\`inputs\` must map each forward() argument name to a shape like [8, 3, 32, 32] or to { shape, dtype, high }; got something else${where}${detail}`;
}

/**
 * Example inputs drawn from their own stream of the run's seed: float inputs ~ N(0, 1), integer
 * inputs uniform in [low, high), bools fair coins.
 */
export function makeInputs(specs: InputSpecs, seed: number): NamedInput[] {
  const gen = new Generator(seed).derive("inputs");
  return Object.entries(specs).map(([name, spec]) => {
    const { shape, dtype, high, low } = Array.isArray(spec) ? { shape: spec, dtype: "float32", high: undefined, low: 0 } : spec;
    const count = shape.reduce((a, b) => a * b, 1);
    const kind = toDType(dtype);
    checkAllocation(`input "${name}"`, shape, kind); // callers that scale the shapes (bench) get here unchecked
    if (kind === "int32") {
      if (high === undefined) throw new RangeError(`integer input "${name}" needs \`high\` (exclusive upper bound, e.g. the vocabulary size)`);
      if (high <= low) throw new RangeError(`integer input "${name}": high (${high}) must be greater than low (${low})`);
      return { name, value: tensor(gen.integers(count, low, high), { dtype: "int32" }).reshape(shape) };
    }
    if (kind === "bool") return { name, value: tensor(gen.uniform(count)).gt(0.5).reshape(shape) };
    return { name, value: tensor(gen.normal(count)).reshape(shape) };
  });
}
