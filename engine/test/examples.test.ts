/**
 * End-to-end parity of the example models (assets/examples/*.ts) with PyTorch.
 *
 * tools/golden/make_example_fixtures.py writes each example again in PyTorch, with the same
 * parameter names, and records its state_dict, an input and the output in
 * engine/test/fixtures/examples/<name>.json. Here the TypeScript example is built, loaded with that
 * state_dict, put in eval mode and run on the same input on every eager backend; its output must
 * match PyTorch's elementwise within
 *
 *     |actual - expected| <= 1e-5 * max(1, max|expected|) + 1e-5 * |expected|
 *
 * No example needs a wider tolerance: the generator checks that torch's own float32 result stays
 * well inside it against a float64 run (the largest use is about 2%, the transformer's).
 *
 * It also checks that each example's `inputs` export is well formed and describes the fixture's
 * inputs, and that num_parameters() and the state_dict keys agree with PyTorch's.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type nn, type Tensor, tensor } from "tandem";
import { setBackend } from "../eager/backend";

const BACKENDS = ["wasm", "cpu"] as const;

const RTOL = 1e-5;
const ATOL = 1e-5;

/** The examples, in the order they are introduced in the docs. */
const EXAMPLES: Record<string, () => Promise<unknown>> = {
  mlp: () => import("../../assets/examples/mlp"),
  resnet_cnn: () => import("../../assets/examples/resnet_cnn"),
  transformer_block: () => import("../../assets/examples/transformer_block"),
  module_list: () => import("../../assets/examples/module_list"),
  branching: () => import("../../assets/examples/branching"),
  gpt: () => import("../../assets/examples/gpt"),
  lstm_classifier: () => import("../../assets/examples/lstm_classifier"),
  unet: () => import("../../assets/examples/unet"),
};

interface TensorJson {
  shape: number[];
  dtype: "float32" | "int32";
  data: number[];
}

interface Case {
  /** Which path a value-dependent model takes on this input (branching only). */
  branch?: string;
  inputs: TensorJson[];
  output: TensorJson;
}

interface Fixture extends Case {
  generator: string;
  torch_version: string;
  model: string;
  num_parameters: number;
  state_dict: Record<string, TensorJson>;
  other_cases?: Case[];
}

/** An entry of an example's `inputs` export: a float32 shape, or integer token ids in [0, high). */
type InputSpec = number[] | { shape: number[]; dtype: "int64"; high: number };

interface Example {
  Model: new () => nn.Module;
  inputs: Record<string, InputSpec>;
}

function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/examples/${name}.json`, import.meta.url), "utf8")) as Fixture;
}

const isSize = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every(isSize);

/** Why `spec` is not a valid entry of an `inputs` export, or null. */
function specProblem(spec: unknown): string | null {
  if (Array.isArray(spec)) return isShape(spec) ? null : `shape ${JSON.stringify(spec)} is not a list of positive integers`;
  if (typeof spec !== "object" || spec === null) return `expected a shape or { shape, dtype, high }, got ${JSON.stringify(spec)}`;
  const { shape, dtype, high, ...rest } = spec as Record<string, unknown>;
  if (!isShape(shape)) return `shape ${JSON.stringify(shape)} is not a list of positive integers`;
  if (dtype !== "int64") return `dtype must be "int64", got ${JSON.stringify(dtype)}`;
  if (!isSize(high)) return `high must be a positive integer, got ${JSON.stringify(high)}`;
  if (Object.keys(rest).length) return `unknown keys ${Object.keys(rest).join(", ")}`;
  return null;
}

async function loadExample(name: string): Promise<Example> {
  const loader = EXAMPLES[name];
  if (!loader) throw new Error(`no example ${name}`);
  const mod = (await loader()) as { default?: unknown; inputs?: unknown };
  if (typeof mod.default !== "function") throw new Error(`${name}: the default export is not a class`);
  if (typeof mod.inputs !== "object" || mod.inputs === null || Array.isArray(mod.inputs)) {
    throw new Error(`${name}: \`inputs\` must be an object of name -> spec`);
  }
  for (const [key, spec] of Object.entries(mod.inputs)) {
    const problem = specProblem(spec);
    if (problem) throw new Error(`${name}: inputs.${key}: ${problem}`);
  }
  return { Model: mod.default as new () => nn.Module, inputs: mod.inputs as Record<string, InputSpec> };
}

function toTensor(t: TensorJson): Tensor {
  return tensor(t.data, { dtype: t.dtype }).reshape(t.shape);
}

/** Runs the model as user code does, `model(...inputs)`; the examples' forwards take tensors. */
function run(model: nn.Module, inputs: readonly TensorJson[]): Tensor {
  return (model as unknown as (...args: Tensor[]) => Tensor)(...inputs.map(toTensor));
}

/** Null when `actual` matches `expected` within the tolerance, else a description of the worst element. */
function mismatch(actual: Tensor, expected: TensorJson): string | null {
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape.join(", ")}], expected [${expected.shape.join(", ")}]`;
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  const got = actual.reshape(-1).tolist() as number[];
  const scale = Math.max(1, ...expected.data.map(Math.abs));
  let worst = { ratio: 0, index: -1 };
  expected.data.forEach((e, i) => {
    const a = got[i] as number;
    const ratio = Math.abs(a - e) / (ATOL * scale + RTOL * Math.abs(e));
    if (!(ratio <= worst.ratio)) worst = { ratio, index: i };
  });
  if (worst.ratio <= 1) return null;
  const i = worst.index;
  return `element ${i}: got ${got[i]}, expected ${expected.data[i]} (|diff| ${Math.abs((got[i] as number) - (expected.data[i] as number)).toExponential(2)}, ${worst.ratio.toFixed(1)}x the tolerance)`;
}

const NAMES = Object.keys(EXAMPLES);
const fixtures = Object.fromEntries(NAMES.map((name) => [name, loadFixture(name)])) as Record<string, Fixture>;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("example definitions", () => {
  beforeAll(async () => {
    // Constructing a model creates its parameters, which needs a backend.
    await setBackend("cpu");
  });

  it.each(NAMES)("%s: `inputs` is well formed and describes the fixture's inputs", async (name) => {
    const { inputs } = await loadExample(name);
    const fixture = fixtures[name] as Fixture;
    const specs = Object.values(inputs);
    expect(specs.length).toBeGreaterThan(0);
    for (const c of [fixture, ...(fixture.other_cases ?? [])]) {
      expect(c.inputs.length).toBe(specs.length);
      specs.forEach((spec, k) => {
        const given = c.inputs[k] as TensorJson;
        if (Array.isArray(spec)) {
          expect(given.shape).toEqual(spec);
          expect(given.dtype).toBe("float32");
        } else {
          expect(given.shape).toEqual(spec.shape);
          expect(given.dtype).toBe("int32");
          expect(given.data.every((v) => Number.isInteger(v) && v >= 0 && v < spec.high)).toBe(true);
        }
      });
    }
  });

  it.each(NAMES)("%s: parameter count and state_dict keys match PyTorch", async (name) => {
    const { Model } = await loadExample(name);
    const fixture = fixtures[name] as Fixture;
    const model = new Model();
    expect(model.num_parameters()).toBe(fixture.num_parameters);
    expect(Object.keys(model.state_dict())).toEqual(Object.keys(fixture.state_dict));
  });
});

describe.each(BACKENDS)("examples match PyTorch on %s", (backend) => {
  beforeAll(async () => {
    await setBackend(backend);
  });

  it.each(NAMES)(`${backend} %s`, async (name) => {
    const { Model } = await loadExample(name);
    const fixture = fixtures[name] as Fixture;
    const model = new Model();
    const state = Object.fromEntries(Object.entries(fixture.state_dict).map(([key, t]) => [key, toTensor(t)]));
    const loaded = model.load_state_dict(state);
    expect(loaded).toEqual({ missing_keys: [], unexpected_keys: [] });
    model.eval();

    // The branching example logs the path it takes: check it is the one PyTorch took.
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    for (const c of [fixture, ...(fixture.other_cases ?? [])]) {
      log.mockClear();
      const failure = mismatch(run(model, c.inputs), c.output);
      const label = c.branch === undefined ? "" : ` (${c.branch} branch)`;
      if (failure !== null) expect.fail(`${name}${label}: ${failure}`);
      if (c.branch !== undefined) expect(log.mock.calls.flat().join("\n")).toContain(`-> ${c.branch} head`);
    }
  });
});
