/**
 * Hands out value and node names no one has used yet: `base`, then `base_1`, `base_2`... ONNX
 * graphs are in SSA form, so a name reused for a second value is an invalid model, and names the
 * caller chose ("logits") must never be taken by a generated one.
 */
export class UniqueNames {
  readonly #used = new Set<string>();
  // Where each base's search resumes, so naming n values after one base stays O(n).
  readonly #next = new Map<string, number>();

  /** Marks a name the caller chose as used, so `fresh` skips it. */
  reserve(name: string): void {
    this.#used.add(name);
  }

  has(name: string): boolean {
    return this.#used.has(name);
  }

  /** The name `fresh(base)` would return, without taking it (for messages about a refused node). */
  peek(base: string): string {
    return this.#find(base).name;
  }

  fresh(base: string): string {
    const { name, n } = this.#find(base);
    this.#next.set(base, n + 1);
    this.#used.add(name);
    return name;
  }

  #find(base: string): { name: string; n: number } {
    let n = this.#next.get(base) ?? 0;
    let name = n === 0 ? base : `${base}_${n}`;
    while (this.#used.has(name)) name = `${base}_${++n}`;
    return { name, n };
  }
}
