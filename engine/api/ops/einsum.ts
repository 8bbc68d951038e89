import { arange } from "../creation";
import { ApiError, OpError } from "../errors";
import type { Tensor } from "../tensor";
import { mul } from "./elementwise";
import { index_select } from "./gather-scatter";
import { matmul } from "./linalg";
import { sum } from "./reduce";
import { expand, permute, reshape } from "./shape";

/**
 * torch.einsum, reduced to ops Tandem already has, so it traces, exports and counts FLOPs as them:
 * each operand loses its repeated labels (a diagonal, by index_select) and the labels no one else
 * needs (sum); operands are then contracted left to right, each pair as one batched matmul (or a
 * broadcast mul when nothing is summed); a final permute puts the labels in the output's order.
 */

/** A tensor whose dims are named by einsum labels. */
interface Labelled {
  t: Tensor;
  labels: string[];
}

interface Equation {
  inputs: string[][];
  output: string[];
}

const ELLIPSIS = "...";
const isLetter = (c: string) => /^[a-zA-Z]$/.test(c);

/** The labels of one term; an ellipsis stands for the operand's unnamed dims, aligned from the right. */
function parseTerm(term: string, rank: number | null, ellipsisRank: number, where: string): string[] {
  const parts = term.split(ELLIPSIS);
  if (parts.length > 2) throw new ApiError(`einsum(): more than one ellipsis in ${where} "${term}"`);
  for (const c of parts.join("")) if (!isLetter(c)) throw new ApiError(`einsum(): invalid subscript '${c}' in ${where}: subscripts must be letters [a-zA-Z]`);
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (rank !== null && rank !== named) {
      throw new ApiError(`einsum(): the number of subscripts in the equation (${named}) does not match the number of dimensions (${rank}) for ${where} and no ellipsis was given`);
    }
    return [...term];
  }
  const covered = rank === null ? ellipsisRank : rank - named;
  if (covered < 0) throw new ApiError(`einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${rank}) for ${where}`);
  const dots = Array.from({ length: covered }, (_, i) => `${ELLIPSIS}${ellipsisRank - covered + i}`);
  return [...(parts[0] as string), ...dots, ...(parts[1] as string)];
}

function parseEquation(equation: string, operands: readonly Tensor[]): Equation {
  const eq = equation.replace(/\s+/g, "");
  const [lhs = "", rhs, extra] = eq.split("->");
  if (extra !== undefined) throw new ApiError(`einsum(): more than one '->' in "${equation}"`);
  const terms = lhs.split(",");
  if (terms.length !== operands.length) {
    throw new ApiError(`einsum(): ${terms.length} operand subscript(s) in "${equation}" but ${operands.length} operand(s) given`);
  }
  const ellipsisRank = Math.max(0, ...terms.map((term, i) => (term.includes(ELLIPSIS) ? (operands[i] as Tensor).dim() - term.replace(ELLIPSIS, "").length : 0)));
  const inputs = terms.map((term, i) => parseTerm(term, (operands[i] as Tensor).dim(), ellipsisRank, `operand ${i}`));
  let output: string[];
  if (rhs === undefined) {
    // Implicit form: the broadcast dims, then the letters used once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const l of inputs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    const dots = Array.from({ length: ellipsisRank }, (_, i) => `${ELLIPSIS}${i}`).filter((l) => counts.has(l));
    const once = [...counts].filter(([l, n]) => n === 1 && !l.startsWith(ELLIPSIS)).map(([l]) => l).sort();
    output = [...dots, ...once];
  } else {
    output = parseTerm(rhs, null, ellipsisRank, "the output");
    const seen = new Set<string>();
    for (const l of output) {
      if (seen.has(l)) throw new ApiError(`einsum(): output subscript ${l} appears more than once in the output`);
      if (!inputs.some((labels) => labels.includes(l))) throw new ApiError(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
      seen.add(l);
    }
  }
  return { inputs, output };
}

/** Each label's size across operands; a size-1 dim broadcasts, as in torch.einsum. */
function labelSizes(operands: readonly Labelled[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { t, labels } of operands) {
    labels.forEach((l, d) => {
      const n = t.shape[d] as number;
      const known = sizes.get(l);
      if (known !== undefined && known !== n && known !== 1 && n !== 1) {
        throw new OpError("einsum", operands.map((o) => o.t.shape), `operands do not broadcast: subscript ${l.startsWith(ELLIPSIS) ? "..." : l} has size ${known} for one operand and ${n} for another`);
      }
      if (known === undefined || known === 1) sizes.set(l, n);
    });
  }
  return sizes;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((n, i) => n === b[i]);
const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Permutes `x` so its labels read `order`, skipping the op when they already do. */
function arrange(x: Labelled, order: readonly string[]): Tensor {
  const perm = order.map((l) => x.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? x.t : permute(x.t, perm);
}

function reshaped(t: Tensor, shape: readonly number[]): Tensor {
  return same(t.shape, shape) ? t : reshape(t, shape);
}

/** The diagonal over a repeated label: its two dims become one, read by index_select at k * (n + 1). */
function takeDiagonals(x: Labelled): Labelled {
  let cur = x;
  for (;;) {
    const dup = cur.labels.findIndex((l, i) => cur.labels.indexOf(l) !== i);
    if (dup < 0) return cur;
    const label = cur.labels[dup] as string;
    const first = cur.labels.indexOf(label);
    const rest = cur.labels.filter((_, i) => i !== first && i !== dup);
    const n = cur.t.shape[first] as number;
    if (cur.t.shape[dup] !== n) {
      throw new OpError("einsum", [x.t.shape], `subscript ${label} is repeated for an operand but the sizes don't match, ${n} != ${cur.t.shape[dup]}`);
    }
    const keep = cur.labels.flatMap((_, i) => (i === first || i === dup ? [] : [i]));
    const perm = [...keep, first, dup];
    const moved = perm.every((p, i) => p === i) ? cur.t : permute(cur.t, perm);
    const lead = moved.shape.slice(0, -2);
    const flat = reshaped(moved, [...lead, n * n]);
    const diag = index_select(flat, lead.length, arange(0, n * n, n + 1));
    cur = { t: diag, labels: [...rest, label] };
  }
}

/** Sums away the labels of `x` that neither the output nor another operand needs. */
function sumUnneeded(x: Labelled, needed: ReadonlySet<string>): Labelled {
  const dims = x.labels.flatMap((l, d) => (needed.has(l) ? [] : [d]));
  if (dims.length === 0) return x;
  return { t: sum(x.t, dims), labels: x.labels.filter((l) => needed.has(l)) };
}

/** Size-1 dims of a label another operand has larger: expanded so matmul's reshapes see equal sizes. */
function broadcastTo(x: Labelled, sizes: ReadonlyMap<string, number>): Labelled {
  const target = x.labels.map((l) => sizes.get(l) as number);
  return same(x.t.shape, target) ? x : { t: expand(x.t, target), labels: x.labels };
}

/** One pairwise contraction: a batched matmul over the shared labels that are summed, or a mul when none are. */
function contract(a: Labelled, b: Labelled, needed: ReadonlySet<string>, sizes: ReadonlyMap<string, number>): Labelled {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: readonly string[]) => ls.map((l) => sizes.get(l) as number);
  const labels = [...batch, ...left, ...right];
  if (summed.length === 0) {
    // Nothing to add up: a broadcast product (outer products, elementwise products).
    const ta = arrange(a, [...batch, ...left]);
    const tb = arrange(b, [...batch, ...right]);
    const wideA = reshaped(ta, [...ta.shape, ...right.map(() => 1)]);
    // Leading size-1 dims are implicit in broadcasting: B needs them only after batch dims.
    const wideB = batch.length === 0 ? tb : reshaped(tb, [...tb.shape.slice(0, batch.length), ...left.map(() => 1), ...tb.shape.slice(batch.length)]);
    return { t: mul(wideA, wideB), labels };
  }
  // matmul broadcasts over any number of leading dims, so batch dims stay as they are.
  const [ln, kn, rn] = [left, summed, right].map((ls) => product(size(ls))) as [number, number, number];
  const lead = size(batch);
  const ta = reshaped(arrange(broadcastTo(a, sizes), [...batch, ...left, ...summed]), [...lead, ln, kn]);
  const tb = reshaped(arrange(broadcastTo(b, sizes), [...batch, ...summed, ...right]), [...lead, kn, rn]);
  return { t: reshaped(matmul(ta, tb), size(labels)), labels };
}

/**
 * torch.einsum(equation, *operands): explicit ("ij,jk->ik") and implicit ("ij,jk") forms,
 * ellipses ("...ij,...jk->...ik"), diagonals ("ii->i"), traces and sums ("ii", "ij->"),
 * transposes, batched and outer products. Operands may also be passed as one array.
 */
export function einsum(equation: string, ...args: Tensor[] | [readonly Tensor[]]): Tensor {
  const operands = (Array.isArray(args[0]) ? args[0] : args) as readonly Tensor[];
  if (operands.length === 0) throw new ApiError("einsum(): must provide at least one operand");
  const { inputs, output } = parseEquation(equation, operands);
  let pending: Labelled[] = operands.map((t, i) => takeDiagonals({ t, labels: inputs[i] as string[] }));
  const sizes = labelSizes(pending);
  const neededAfter = (from: number) => new Set([...output, ...pending.slice(from).flatMap((x) => x.labels)]);

  pending = pending.map((x, i) => sumUnneeded(x, new Set([...output, ...pending.filter((_, k) => k !== i).flatMap((y) => y.labels)])));
  let acc = pending[0] as Labelled;
  for (let i = 1; i < pending.length; i++) acc = contract(acc, pending[i] as Labelled, neededAfter(i + 1), sizes);
  acc = sumUnneeded(acc, new Set(output));
  const t = arrange(acc, output);
  // Labels that were size 1 everywhere but broadcast in the output (rare): expand to the output's sizes.
  const outShape = output.map((l) => sizes.get(l) as number);
  return same(t.shape, outShape) ? t : expand(t, outShape);
}
