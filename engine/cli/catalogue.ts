/**
 * What the model API offers, read from the API itself and the op registry, never written by
 * hand: `tandem ops` prints it and the README's API table is generated from it, so neither can
 * drift from the code.
 */
import * as api from "../api";
import { allOps } from "../ops/record";

export interface OpEntry {
  name: string;
  summary: string;
  /** The ONNX op types it becomes, or null when it cannot be exported (`unsupported` says why). */
  onnx: readonly string[] | null;
  unsupported: string | null;
  effect: "pure" | "random";
}

export interface Catalogue {
  /** User-facing names by namespace: Tensor methods and properties, top-level functions, F, nn, nn.init. */
  api: { tensor: string[]; topLevel: string[]; F: string[]; nn: string[]; init: string[] };
  ops: OpEntry[];
}

/** Tensor members that exist for the engine (kernels, state_dict loading), not for model code. */
const INTERNAL_TENSOR_MEMBERS = new Set(["constructor", "raw", "rawShape", "inLayout", "assign"]);
/** Top-level exports that are namespaces or classes listed elsewhere. */
const NOT_FUNCTIONS = new Set(["nn", "F", "Tensor", "Parameter", "Generator", "ShapeError", "TandemError"]);

const sorted = (names: Iterable<string>) => [...names].sort((a, b) => a.localeCompare(b));

function tensorMembers(): string[] {
  const names = new Set<string>();
  for (let proto: object | null = api.Tensor.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) if (!name.startsWith("_") && !INTERNAL_TENSOR_MEMBERS.has(name)) names.add(name);
  }
  return sorted(names);
}

const exportedNames = (ns: object, keep: (name: string, value: unknown) => boolean) =>
  sorted(Object.entries(ns).flatMap(([name, value]) => (keep(name, value) ? [name] : [])));

export function catalogue(): Catalogue {
  const isFunction = (_: string, v: unknown) => typeof v === "function";
  return {
    api: {
      tensor: tensorMembers(),
      topLevel: exportedNames(api, (name, v) => typeof v === "function" && !NOT_FUNCTIONS.has(name)),
      F: exportedNames(api.F, isFunction),
      nn: exportedNames(api.nn, (name, v) => typeof v === "function" && name !== "init"),
      init: exportedNames(api.nn.init, isFunction),
    },
    ops: allOps().map((def) => ({
      name: def.name,
      summary: def.summary,
      onnx: "ops" in def.onnx ? def.onnx.ops : null,
      unsupported: "unsupported" in def.onnx ? def.onnx.unsupported : null,
      effect: def.effect,
    })),
  };
}

const codes = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(" ");

/** The README's API table: every user-facing name, by namespace. */
export function apiTableMarkdown(c: Catalogue): string {
  const rows = [
    ["`Tensor`", codes(c.api.tensor)],
    ["top level", codes(c.api.topLevel)],
    ["`F`", codes(c.api.F)],
    ["`nn`", codes(c.api.nn)],
    ["`nn.init`", codes(c.api.init)],
  ];
  return ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

/** One row per registered op: what it computes, its ONNX form, whether it is random. */
export function opsTableMarkdown(c: Catalogue): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const rows = c.ops.map((o) => `| \`${o.name}\` | ${cell(o.summary)} | ${o.onnx ? o.onnx.join(", ") : `not exportable: ${cell(o.unsupported ?? "")}`} | ${o.effect} |`);
  return ["| op | computes | ONNX | effect |", "|---|---|---|---|", ...rows].join("\n");
}

export function catalogueText(c: Catalogue): string {
  const width = Math.max(...c.ops.map((o) => o.name.length));
  const lines = [
    `API (${c.api.tensor.length} Tensor members, ${c.api.topLevel.length} functions, ${c.api.F.length} in F, ${c.api.nn.length} in nn, ${c.api.init.length} in nn.init):`,
    `  Tensor:    ${c.api.tensor.join(" ")}`,
    `  top level: ${c.api.topLevel.join(" ")}`,
    `  F:         ${c.api.F.join(" ")}`,
    `  nn:        ${c.api.nn.join(" ")}`,
    `  nn.init:   ${c.api.init.join(" ")}`,
    "",
    `Ops (${c.ops.length} registered; each traces, has a FLOPs rule and a golden case against PyTorch):`,
    ...c.ops.map((o) => `  ${o.name.padEnd(width)}  ${o.summary}${o.effect === "random" ? " [random]" : ""}\n  ${" ".repeat(width)}  ONNX: ${o.onnx ? o.onnx.join(", ") : `not exportable: ${o.unsupported ?? ""}`}`),
  ];
  return lines.join("\n");
}
