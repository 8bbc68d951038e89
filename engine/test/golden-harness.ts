/**
 * Golden-numerics harness: replays PyTorch-generated cases (engine/test/fixtures/golden/*.json,
 * written by tools/golden/make_fixtures.py) against the Tandem API and compares the results.
 *
 * The API is taken as `unknown` and walked by name, so a missing function, method or module
 * fails the one case that needs it ("tandem has no F.xyz") instead of breaking the whole file.
 *
 * Calling convention (mirrors the fixture format):
 * - fn:     resolve `path` on the API (`F.relu` -> api.F.relu), call `fn(...args, kwargs?)`.
 * - method: `self[method](...args, kwargs?)`.
 * - module: `m = new ctor(...args, kwargs?)`, `m.load_state_dict(sd)`, `m.eval()`, `m(...inputs, forward_kwargs?)`.
 * The kwargs object is appended only when it is non-empty.
 */
import { readFileSync, readdirSync } from "node:fs";

const FIXTURES = new URL("./fixtures/golden/", import.meta.url);

/** Every fixture file's group: the original four and one per op family (tools/golden/families/). */
export const GROUPS: readonly string[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();
export type Group = string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type DTypeName = "float32" | "int32" | "bool";

export interface TensorData {
  shape: number[];
  dtype: DTypeName;
  data: (number | boolean)[];
}

export interface Tol {
  rtol: number;
  atol: number;
  why?: string;
}

interface CaseBase {
  name: string;
  expected: Json;
  tol?: Tol;
}

export interface FnCase extends CaseBase {
  kind: "fn";
  path: string;
  args: Json[];
  kwargs: JsonObject;
}

export interface MethodCase extends CaseBase {
  kind: "method";
  method: string;
  self: JsonObject;
  args: Json[];
  kwargs: JsonObject;
}

export interface ModuleCase extends CaseBase {
  kind: "module";
  ctor: string;
  args: Json[];
  kwargs: JsonObject;
  state_dict: { [key: string]: JsonObject };
  inputs: Json[];
  forward_kwargs: JsonObject;
}

export type GoldenCase = FnCase | MethodCase | ModuleCase;

export interface FixtureFile {
  generator: string;
  torch_version: string;
  cases: GoldenCase[];
}

/** The result of one case: the API's output converted to the fixture's OUT form, and the expected OUT. */
export interface CaseResult {
  actual: Json;
  expected: Json;
}

// ---------------------------------------------------------------------------- loading

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field(obj: JsonObject, key: string, where: string): Json {
  const v = obj[key];
  if (v === undefined) throw new Error(`${where}: missing "${key}"`);
  return v;
}

function str(obj: JsonObject, key: string, where: string): string {
  const v = field(obj, key, where);
  if (typeof v !== "string") throw new Error(`${where}: "${key}" must be a string`);
  return v;
}

function arr(obj: JsonObject, key: string, where: string): Json[] {
  const v = field(obj, key, where);
  if (!Array.isArray(v)) throw new Error(`${where}: "${key}" must be an array`);
  return v;
}

function objOr(obj: JsonObject, key: string, where: string): JsonObject {
  const v = obj[key];
  if (v === undefined) return {};
  if (!isObject(v)) throw new Error(`${where}: "${key}" must be an object`);
  return v;
}

function parseTol(v: Json | undefined, where: string): Tol | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v) || typeof v.rtol !== "number" || typeof v.atol !== "number") {
    throw new Error(`${where}: "tol" must be {rtol, atol, why}`);
  }
  return typeof v.why === "string" ? { rtol: v.rtol, atol: v.atol, why: v.why } : { rtol: v.rtol, atol: v.atol };
}

function parseCase(raw: Json, index: number, group: string): GoldenCase {
  const at = `${group}.json case #${index}`;
  if (!isObject(raw)) throw new Error(`${at}: not an object`);
  const name = str(raw, "name", at);
  const where = `${group}.json case "${name}"`;
  const expected = field(raw, "expected", where);
  const tol = parseTol(raw.tol, where);
  const base: CaseBase = tol === undefined ? { name, expected } : { name, expected, tol };
  const kind = str(raw, "kind", where);
  switch (kind) {
    case "fn":
      return { ...base, kind, path: str(raw, "path", where), args: arr(raw, "args", where), kwargs: objOr(raw, "kwargs", where) };
    case "method": {
      const self = field(raw, "self", where);
      if (!isObject(self)) throw new Error(`${where}: "self" must be a TENSOR`);
      return {
        ...base,
        kind,
        method: str(raw, "method", where),
        self,
        args: arr(raw, "args", where),
        kwargs: objOr(raw, "kwargs", where),
      };
    }
    case "module": {
      const sdRaw = objOr(raw, "state_dict", where);
      const stateDict: { [key: string]: JsonObject } = {};
      for (const [k, v] of Object.entries(sdRaw)) {
        if (!isObject(v)) throw new Error(`${where}: state_dict["${k}"] must be a TENSOR`);
        stateDict[k] = v;
      }
      return {
        ...base,
        kind,
        ctor: str(raw, "ctor", where),
        args: arr(raw, "args", where),
        kwargs: objOr(raw, "kwargs", where),
        state_dict: stateDict,
        inputs: arr(raw, "inputs", where),
        forward_kwargs: objOr(raw, "forward_kwargs", where),
      };
    }
    default:
      throw new Error(`${where}: unknown kind "${kind}"`);
  }
}

const cache = new Map<string, FixtureFile>();

/** Reads and validates engine/test/fixtures/golden/<group>.json. */
export function loadFixtures(group: Group): FixtureFile {
  const hit = cache.get(group);
  if (hit) return hit;
  const url = new URL(`${group}.json`, FIXTURES);
  const doc = JSON.parse(readFileSync(url, "utf8")) as Json;
  if (!isObject(doc)) throw new Error(`${group}.json: not an object`);
  const cases = arr(doc, "cases", `${group}.json`).map((c, i) => parseCase(c, i, group));
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`${group}.json: duplicate case name "${c.name}"`);
    names.add(c.name);
  }
  const file: FixtureFile = {
    generator: str(doc, "generator", `${group}.json`),
    torch_version: str(doc, "torch_version", `${group}.json`),
    cases,
  };
  cache.set(group, file);
  return file;
}

// ---------------------------------------------------------------------------- tensors

/** Narrows a fixture `{ "tensor": {...} }` value; null when `v` is not one. */
export function asTensorSpec(v: Json | undefined): TensorData | null {
  if (!isObject(v) || !isObject(v.tensor)) return null;
  const t = v.tensor;
  const { shape, dtype, data } = t;
  if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === "number")) return null;
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") return null;
  if (!Array.isArray(data)) return null;
  const values: (number | boolean)[] = [];
  for (const d of data) {
    if (typeof d === "number" || typeof d === "boolean") values.push(d);
    else if (typeof d === "string" && d in NON_FINITE) values.push(NON_FINITE[d] as number);
    else return null;
  }
  return { shape, dtype, data: values };
}

/** JSON has no NaN or Infinity: the generator writes them as these strings. */
const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

type Nested = number | boolean | Nested[];

function nest(shape: readonly number[], data: readonly (number | boolean)[], offset = 0): Nested {
  if (shape.length === 0) {
    const v = data[offset];
    if (v === undefined) throw new Error("tensor data shorter than its shape");
    return v;
  }
  const [n = 0, ...rest] = shape;
  const stride = numel(rest);
  const out: Nested[] = [];
  for (let i = 0; i < n; i++) out.push(nest(rest, data, offset + i * stride));
  return out;
}

function flattenNested(v: unknown, out: (number | boolean)[]): void {
  if (Array.isArray(v)) {
    for (const x of v) flattenNested(x, out);
  } else if (typeof v === "number" || typeof v === "boolean") {
    out.push(v);
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    for (const x of Array.from(v as unknown as ArrayLike<number>)) out.push(Number(x));
  } else {
    throw new Error(`toArray() produced a ${describeValue(v)} where a number was expected`);
  }
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === "object") return `object {${Object.keys(v).slice(0, 6).join(", ")}}`;
  return typeof v;
}

// ---------------------------------------------------------------------------- API resolution

function get(obj: unknown, key: string): unknown {
  if ((typeof obj === "object" && obj !== null) || typeof obj === "function") return Reflect.get(obj, key);
  return undefined;
}

/** Resolves "F.conv2d" / "nn.Linear" / "cat" on the API; returns the owner for `this`. */
function resolvePath(api: unknown, path: string): { owner: unknown; value: unknown } {
  let owner: unknown = undefined;
  let value: unknown = api;
  for (const part of path.split(".")) {
    owner = value;
    value = get(value, part);
    if (value === undefined) break;
  }
  return { owner, value };
}

function resolveFunction(api: unknown, path: string): { owner: unknown; fn: (...a: unknown[]) => unknown } {
  const { owner, value } = resolvePath(api, path);
  if (typeof value !== "function") {
    throw new Error(value === undefined ? `tandem has no ${path}` : `tandem.${path} is not a function (${typeof value})`);
  }
  return { owner, fn: value as (...a: unknown[]) => unknown };
}

function callMethod(target: unknown, name: string, args: unknown[], what: string): unknown {
  const m = get(target, name);
  if (typeof m !== "function") {
    throw new Error(m === undefined ? `tandem ${what} has no method ${name}()` : `tandem ${what}.${name} is not a function`);
  }
  return Reflect.apply(m, target, args);
}

// ---------------------------------------------------------------------------- building arguments

class Builder {
  constructor(private readonly api: unknown) {}

  tensor(spec: TensorData): unknown {
    if (spec.data.length !== numel(spec.shape)) {
      throw new Error(`fixture tensor has ${spec.data.length} values for shape [${spec.shape.join(", ")}]`);
    }
    const { owner, fn } = resolveFunction(this.api, "tensor");
    const t = Reflect.apply(fn, owner, [nest(spec.shape, spec.data), { dtype: spec.dtype }]);
    const shape = get(t, "shape");
    if (!Array.isArray(shape) || shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
      throw new Error(
        `tandem.tensor(data, {dtype: "${spec.dtype}"}) built shape ${JSON.stringify(shape)} for fixture shape [${spec.shape.join(", ")}]`,
      );
    }
    const dtype = get(t, "dtype");
    if (dtype !== spec.dtype) {
      throw new Error(`tandem.tensor(data, {dtype: "${spec.dtype}"}) built dtype ${String(dtype)}`);
    }
    return t;
  }

  arg(v: Json): unknown {
    if (Array.isArray(v)) return v.map((x) => this.arg(x));
    if (!isObject(v)) return v;
    const spec = asTensorSpec(v);
    if (spec) return this.tensor(spec);
    const mod = v.module;
    if (isObject(mod)) {
      const where = "module ARG";
      return this.module(str(mod, "ctor", where), arr(mod, "args", where), objOr(mod, "kwargs", where));
    }
    if (v.module_ref !== undefined) throw new Error(`the harness does not support {"module_ref"} arguments`);
    throw new Error(`unrecognised fixture argument object with keys {${Object.keys(v).join(", ")}}`);
  }

  kwargs(kw: JsonObject): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = {};
    for (const [k, v] of Object.entries(kw)) out[k] = this.arg(v);
    return out;
  }

  /** Positional args, plus the kwargs object when it is non-empty. */
  call(args: Json[], kw: JsonObject): unknown[] {
    const list = args.map((a) => this.arg(a));
    if (Object.keys(kw).length > 0) list.push(this.kwargs(kw));
    return list;
  }

  module(ctorPath: string, args: Json[], kw: JsonObject): unknown {
    const { value } = resolvePath(this.api, ctorPath);
    if (typeof value !== "function") {
      throw new Error(value === undefined ? `tandem has no ${ctorPath}` : `tandem.${ctorPath} is not a class`);
    }
    return Reflect.construct(value, this.call(args, kw));
  }
}

// ---------------------------------------------------------------------------- outputs

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof get(v, "then") === "function";
}

function isTensorLike(v: unknown): boolean {
  return (
    typeof v === "object" && v !== null && Array.isArray(get(v, "shape")) && typeof get(v, "toArray") === "function"
  );
}

/** Converts an API result into the fixture's OUT form (tensors read back through toArray()). */
async function materialize(v: unknown): Promise<Json> {
  if (isThenable(v)) return materialize(await v);
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (v === undefined) return { unrecognized: "undefined" };
  if (isTensorLike(v)) {
    const shape = (get(v, "shape") as unknown[]).map(Number);
    const dtype = String(get(v, "dtype"));
    let nested = callMethod(v, "toArray", [], "Tensor");
    if (isThenable(nested)) nested = await nested;
    const data: (number | boolean)[] = [];
    flattenNested(nested, data);
    return { tensor: { shape, dtype, data } };
  }
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const x of v) out.push(await materialize(x));
    return out;
  }
  if (typeof v === "object" && get(v, "values") !== undefined && get(v, "indices") !== undefined) {
    return { values: await materialize(get(v, "values")), indices: await materialize(get(v, "indices")) };
  }
  return { unrecognized: describeValue(v) };
}

// ---------------------------------------------------------------------------- running

/** Builds the call described by `c` against `api`, runs it, and returns actual + expected. Throws on API errors. */
export async function runCase(api: unknown, c: GoldenCase): Promise<CaseResult> {
  return { actual: await materialize(invokeCase(api, c)), expected: c.expected };
}

/** Makes the case's call against the API and returns what it returned (tensors, arrays, objects). */
export function invokeCase(api: unknown, c: GoldenCase): unknown {
  const b = new Builder(api);
  let out: unknown;
  switch (c.kind) {
    case "fn": {
      const { owner, fn } = resolveFunction(api, c.path);
      out = Reflect.apply(fn, owner, b.call(c.args, c.kwargs));
      break;
    }
    case "method": {
      const spec = asTensorSpec(c.self);
      if (!spec) throw new Error(`case "${c.name}": "self" is not a TENSOR`);
      const self = b.tensor(spec);
      out = callMethod(self, c.method, b.call(c.args, c.kwargs), "Tensor");
      break;
    }
    case "module": {
      const m = b.module(c.ctor, c.args, c.kwargs);
      const sd: { [key: string]: unknown } = {};
      for (const [k, v] of Object.entries(c.state_dict)) {
        const spec = asTensorSpec(v);
        if (!spec) throw new Error(`case "${c.name}": state_dict["${k}"] is not a TENSOR`);
        sd[k] = b.tensor(spec);
      }
      callMethod(m, "load_state_dict", [sd], c.ctor);
      callMethod(m, "eval", [], c.ctor);
      if (typeof m !== "function") throw new Error(`tandem ${c.ctor} instance is not callable (m(...inputs))`);
      out = Reflect.apply(m, undefined, b.call(c.inputs, c.forward_kwargs));
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------- comparing

const DEFAULT_RTOL = 1e-5;
const DEFAULT_ATOL_SCALE = 1e-6;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(3) : String(Number(x.toPrecision(6)));
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1;
    idx.unshift(rest % n);
    rest = Math.floor(rest / n);
  }
  return `[${idx.join(", ")}]`;
}

function preview(data: readonly (number | boolean)[]): string {
  const head = data.slice(0, 6).map((v) => (typeof v === "number" ? fmt(v) : String(v)));
  return `[${head.join(", ")}${data.length > 6 ? `, ... (${data.length})` : ""}]`;
}

function compareTensor(a: TensorData | null, aRaw: Json, e: TensorData, tol: Tol | undefined, where: string): string[] {
  if (!a) return [`${where}: expected a ${e.dtype} tensor of shape [${e.shape.join(", ")}], got ${summarize(aRaw)}`];
  const errs: string[] = [];
  const shapeOk = a.shape.length === e.shape.length && a.shape.every((d, i) => d === e.shape[i]);
  if (!shapeOk) {
    return [`${where}: shape [${a.shape.join(", ")}] (${a.dtype}), expected [${e.shape.join(", ")}] (${e.dtype})`];
  }
  if (a.data.length !== e.data.length) {
    return [`${where}: ${a.data.length} values for shape [${a.shape.join(", ")}], expected ${e.data.length}`];
  }
  if (a.dtype !== e.dtype) errs.push(`${where}: dtype ${a.dtype}, expected ${e.dtype}`);

  const av = a.data.map(Number);
  const ev = e.data.map(Number);
  if (e.dtype !== "float32") {
    let bad = 0;
    let first = -1;
    for (let i = 0; i < ev.length; i++) {
      if (av[i] !== ev[i]) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad > 0) {
      errs.push(
        `${where}: ${bad} of ${ev.length} ${e.dtype} elements differ (exact match required); first at index ${first} ` +
          `${multiIndex(first, e.shape)}: actual ${String(a.data[first])}, expected ${String(e.data[first])}; ` +
          `actual ${preview(a.data)}, expected ${preview(e.data)}`,
      );
    }
    return errs;
  }

  const maxAbsE = ev.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
  const rtol = tol?.rtol ?? DEFAULT_RTOL;
  const atol = tol?.atol ?? DEFAULT_ATOL_SCALE * Math.max(1, maxAbsE);
  let bad = 0;
  let maxAbs = 0;
  let maxAbsAt = -1;
  let maxRel = 0;
  let maxRelAt = -1;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < ev.length; i++) {
    const x = av[i] ?? Number.NaN;
    const y = ev[i] ?? Number.NaN;
    // NaN where PyTorch has NaN, and the same infinity, match exactly.
    if ((Number.isNaN(x) && Number.isNaN(y)) || (!Number.isFinite(y) && x === y)) continue;
    const diff = Number.isNaN(x) || !Number.isFinite(y) ? Number.POSITIVE_INFINITY : Math.abs(x - y);
    const rel = diff === 0 ? 0 : y === 0 ? Number.POSITIVE_INFINITY : diff / Math.abs(y);
    const allowed = atol + rtol * Math.abs(y);
    const ratio = diff / allowed;
    if (diff > allowed || !Number.isFinite(x)) bad++;
    if (diff > maxAbs || maxAbsAt < 0) [maxAbs, maxAbsAt] = [diff, i];
    if (rel > maxRel || maxRelAt < 0) [maxRel, maxRelAt] = [rel, i];
    if (ratio > worst || worstAt < 0) [worst, worstAt] = [ratio, i];
  }
  if (bad > 0) {
    const w = worstAt;
    errs.push(
      `${where}: ${bad} of ${ev.length} elements outside tolerance (rtol ${fmt(rtol)}, atol ${fmt(atol)}` +
        `${tol?.why ? `: ${tol.why}` : ""}); ` +
        `max abs diff ${fmt(maxAbs)} at index ${maxAbsAt} ${multiIndex(maxAbsAt, e.shape)}; ` +
        `max rel diff ${fmt(maxRel)} at index ${maxRelAt} ${multiIndex(maxRelAt, e.shape)}; ` +
        `worst element index ${w} ${multiIndex(w, e.shape)}: actual ${fmt(av[w] ?? Number.NaN)}, ` +
        `expected ${fmt(ev[w] ?? Number.NaN)} (${fmt(worst)}x the allowed error); ` +
        `actual ${preview(a.data)}, expected ${preview(e.data)}`,
    );
  }
  return errs;
}

function summarize(v: Json): string {
  const t = asTensorSpec(v);
  if (t) return `a ${t.dtype} tensor of shape [${t.shape.join(", ")}]`;
  if (isObject(v) && typeof v.unrecognized === "string") return `an unrecognised value (${v.unrecognized})`;
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function compareAt(actual: Json, expected: Json, tol: Tol | undefined, where: string): string[] {
  const eT = asTensorSpec(expected);
  if (eT) return compareTensor(asTensorSpec(actual), actual, eT, tol, where);
  if (expected === null || typeof expected === "boolean" || typeof expected === "string") {
    return actual === expected ? [] : [`${where}: expected ${JSON.stringify(expected)}, got ${summarize(actual)}`];
  }
  if (typeof expected === "number") {
    if (typeof actual !== "number") return [`${where}: expected the number ${expected}, got ${summarize(actual)}`];
    const allowed = (tol?.atol ?? DEFAULT_ATOL_SCALE * Math.max(1, Math.abs(expected))) + (tol?.rtol ?? DEFAULT_RTOL) * Math.abs(expected);
    return Math.abs(actual - expected) <= allowed ? [] : [`${where}: ${actual}, expected ${expected} (abs diff ${fmt(Math.abs(actual - expected))})`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${where}: expected a list of ${expected.length}, got ${summarize(actual)}`];
    if (actual.length !== expected.length) {
      return [`${where}: list of ${actual.length} (${actual.map(summarize).join("; ")}), expected ${expected.length} (${expected.map(summarize).join("; ")})`];
    }
    return expected.flatMap((e, i) => compareAt(actual[i] ?? null, e, tol, `${where}[${i}]`));
  }
  if (expected.values !== undefined && expected.indices !== undefined) {
    if (!isObject(actual) || actual.values === undefined || actual.indices === undefined) {
      return [`${where}: expected {values, indices}, got ${summarize(actual)}`];
    }
    return [
      ...compareAt(actual.values, expected.values, tol, `${where}.values`),
      ...compareAt(actual.indices, expected.indices, tol, `${where}.indices`),
    ];
  }
  return [`${where}: unsupported expected value ${summarize(expected)}`];
}

/**
 * Compares an actual output with the expected one. Returns null when they match, otherwise a
 * readable message (shape/dtype mismatches; for floats the number of bad elements, max abs diff,
 * max rel diff and the worst element's index). Float elements pass when
 * |a - e| <= atol + rtol * |e|, by default rtol = 1e-5 and atol = 1e-6 * max(1, max|e|) per tensor;
 * int32 and bool compare exactly.
 */
export function compare(actual: Json, expected: Json, tol?: Tol): string | null {
  const errs = compareAt(actual, expected, tol, "output");
  return errs.length === 0 ? null : errs.join("\n");
}
