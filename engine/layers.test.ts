/**
 * The engine's layers only point down (docs/ARCHITECTURE.md): a file may import from its own layer
 * and the layers below it. This test reads every engine source file's imports, static and dynamic,
 * and fails on an upward one that is not listed below with its reason.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const ENGINE = path.resolve(import.meta.dirname);

/** Lowest first. Files directly in engine/ (paths.ts, bundles.ts) sit with measure at the bottom. */
const ORDER = ["(root)", "measure", "onnx", "ops", "eager", "api", "graph", "check", "model", "bench", "store", "worker", "runner", "service", "serve", "cli"];

/**
 * Upward imports that exist today, each with why and what removes it. Remove an entry when its
 * import goes; the test fails on entries that no longer match anything, so the list stays true.
 */
const KNOWN_UPWARD: readonly { from: string; to: string; why: string }[] = [
  { from: "eager/dispatch.ts", to: "api/tensor.ts", why: "dispatch wraps kernel results in api's Tensor; breaking api <-> eager moves Tensor's core below dispatch" },
  { from: "eager/dispatch.ts", to: "api/errors.ts", why: "kernel errors become api's OpError; moves with Tensor" },
  { from: "eager/outputs.ts", to: "api/tensor.ts", why: "flattens a forward's Tensor outputs; moves with Tensor" },
  { from: "ops/record.ts", to: "api/dtype.ts", why: "DType is a type-only import; it belongs in ops or shared" },
  { from: "ops/emit-context.ts", to: "api/dtype.ts", why: "DType is a type-only import; it belongs in ops or shared" },
];

function layerOf(file: string): string {
  const rel = path.relative(ENGINE, file);
  return rel.includes(path.sep) ? (rel.split(path.sep)[0] as string) : "(root)";
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === "generated" || name === "test" || name === "node_modules" ? [] : sources(p);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return base;
}

it("engine layers import only downward, apart from the known exceptions", () => {
  const upward: string[] = [];
  const used = new Set<string>();
  for (const file of sources(ENGINE)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(file, (m[1] ?? m[2]) as string);
      if (!target.startsWith(ENGINE + path.sep)) continue;
      const [a, b] = [layerOf(file), layerOf(target)];
      if (a === b || ORDER.indexOf(b) <= ORDER.indexOf(a)) continue;
      const edge = { from: path.relative(ENGINE, file), to: path.relative(ENGINE, target) };
      const known = KNOWN_UPWARD.find((k) => k.from === edge.from && k.to === edge.to);
      if (known) used.add(`${known.from} -> ${known.to}`);
      else upward.push(`${edge.from} (${a}) imports ${edge.to} (${b})`);
    }
  }
  expect(upward, "upward imports: move the code down, or the import up").toEqual([]);
  const stale = KNOWN_UPWARD.map((k) => `${k.from} -> ${k.to}`).filter((k) => !used.has(k));
  expect(stale, "known exceptions that no longer exist: remove them from KNOWN_UPWARD").toEqual([]);
});

it("knows every engine folder's layer", () => {
  const folders = readdirSync(ENGINE).filter((n) => statSync(path.join(ENGINE, n)).isDirectory() && n !== "test");
  expect(folders.filter((f) => !ORDER.includes(f))).toEqual([]);
});
