/** nn.Sequential and nn.ModuleList: registration, naming, indexing and iteration. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;
const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

describe("Sequential", () => {
  it("positional form registers children as 0, 1, ... and state_dict keys read 0.weight", () => {
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    expect(seq.named_children().map(([n]) => n)).toEqual(["0", "1", "2"]);
    expect(Object.keys(seq.state_dict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });

  it("the {name: module} form keeps the names: conv.weight", () => {
    const seq = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU(), pool: new nn.AdaptiveAvgPool2d(1) });
    expect(seq.named_children().map(([n]) => n)).toEqual(["conv", "act", "pool"]);
    expect(Object.keys(seq.state_dict())).toEqual(["conv.weight", "conv.bias"]);
    const y = seq(T.randn(1, 1, 5, 5));
    expect(y.shape).toEqual([1, 2, 1, 1]);
  });

  it("forward applies the children in order", () => {
    T.manual_seed(0);
    const a = new nn.Linear(4, 3);
    const b = new nn.Linear(3, 2);
    const seq = new nn.Sequential(a, new nn.ReLU(), b);
    const x = T.randn(5, 4);
    expect(values(seq(x))).toEqual(values(b(a(x).relu())));
  });

  it("an empty Sequential is the identity", () => {
    const x = T.tensor([1, 2, 3]);
    expect(new nn.Sequential()(x)).toBe(x);
  });

  it("indexes children with seq[i] and has length", () => {
    const a = new nn.Linear(2, 2);
    const r = new nn.ReLU();
    const seq = new nn.Sequential(a, r);
    expect(seq[0]).toBe(a);
    expect(seq[1]).toBe(r);
    expect(seq[2]).toBeUndefined();
    expect(seq.length).toBe(2);
    expect(new nn.Sequential().length).toBe(0);
  });

  it("iterates its children in order with for-of and spread", () => {
    const mods = [new nn.Linear(2, 2), new nn.ReLU(), new nn.Tanh()];
    const seq = new nn.Sequential(...mods);
    const seen: T.nn.Module[] = [];
    for (const m of seq) seen.push(m);
    expect(seen).toEqual(mods);
    expect([...seq]).toEqual(mods);
  });

  it("nested Sequentials produce nested dotted names", () => {
    const seq = new nn.Sequential(new nn.Sequential(new nn.Linear(2, 2)), new nn.Linear(2, 1));
    expect(seq.named_parameters().map(([n]) => n)).toEqual(["0.0.weight", "0.0.bias", "1.weight", "1.bias"]);
  });

  it("rejects items that are not modules", () => {
    const notModule = { forward: (x: T.Tensor) => x } as unknown as T.nn.Module;
    expect(() => new nn.Sequential(new nn.ReLU(), notModule)).toThrow(/Sequential: item 1 is not an nn.Module/);
  });
});

describe("ModuleList", () => {
  class Stack extends nn.Module {
    layers: T.nn.ModuleList<T.nn.Linear>;
    constructor(depth: number) {
      super();
      this.layers = new nn.ModuleList(Array.from({ length: depth }, () => new nn.Linear(3, 3)));
    }
    override forward(x: T.Tensor): T.Tensor {
      let h = x;
      for (const layer of this.layers) h = layer(h).relu();
      return h;
    }
  }

  it("built from Array.from, its layers' parameters are registered", () => {
    const m = new Stack(3);
    expect(m.named_parameters().map(([n]) => n)).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
      "layers.2.weight",
      "layers.2.bias",
    ]);
    expect(m.num_parameters()).toBe(3 * 12);
  });

  it("keeps numeric order past ten items", () => {
    const list = new nn.ModuleList(Array.from({ length: 12 }, () => new nn.Identity()));
    expect(list.named_children().map(([n]) => n)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
  });

  it("indexing and length", () => {
    const items = [new nn.Linear(1, 1), new nn.Linear(1, 2)];
    const list = new nn.ModuleList(items);
    expect(list[0]).toBe(items[0]);
    expect(list[1]).toBe(items[1]);
    expect(list.length).toBe(2);
    expect(new nn.ModuleList().length).toBe(0);
  });

  it("a for-of loop inside forward runs every layer in order", () => {
    T.manual_seed(1);
    const m = new Stack(2);
    const x = T.randn(4, 3);
    const first = m.layers[0] as T.nn.Linear;
    const second = m.layers[1] as T.nn.Linear;
    expect(values(m(x))).toEqual(values(second(first(x).relu()).relu()));
  });

  it("append registers the module under the next index and returns the list", () => {
    const list = new nn.ModuleList<T.nn.Linear>();
    const a = new nn.Linear(2, 2);
    const b = new nn.Linear(2, 2, { bias: false });
    expect(list.append(a)).toBe(list);
    list.append(b);
    expect(list.length).toBe(2);
    expect(list[1]).toBe(b);
    expect(list.named_parameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "1.weight"]);
    expect([...list]).toEqual([a, b]);
  });

  it("append rejects non-modules", () => {
    const list = new nn.ModuleList();
    expect(() => list.append({} as T.nn.Module)).toThrow(/not an nn.Module/);
  });

  it("forward throws: a ModuleList is not callable as a layer", () => {
    const list = new nn.ModuleList([new nn.ReLU()]);
    expect(() => list.forward()).toThrow(T.TandemError);
    expect(() => list.forward()).toThrow(/ModuleList has no forward\(\)/);
  });

  it("appended layers are found by state_dict and load_state_dict", () => {
    T.manual_seed(2);
    const src = new nn.ModuleList([new nn.Linear(2, 2)]).append(new nn.Linear(2, 1));
    T.manual_seed(3);
    const dst = new nn.ModuleList([new nn.Linear(2, 2)]).append(new nn.Linear(2, 1));
    dst.load_state_dict(src.state_dict());
    expect(values((dst[1] as T.nn.Linear).weight)).toEqual(values((src[1] as T.nn.Linear).weight));
  });
});
