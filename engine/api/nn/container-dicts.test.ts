/** nn.ModuleDict, nn.ParameterList and nn.ParameterDict: registration, PyTorch's state_dict keys, the dict and list API. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;

class Net extends nn.Module {
  d = new nn.ModuleDict({ enc: new nn.Linear(2, 2), dec: new nn.Linear(2, 1) });
  pl = new nn.ParameterList([new nn.Parameter(T.ones(2)), T.zeros(3)]);
  pd = new nn.ParameterDict({ scale: new nn.Parameter(T.ones(1)), shift: T.zeros(1) });
  override forward(x: T.Tensor): T.Tensor {
    const h = this.d.get("enc")(x).mul(this.pl[0] as T.Tensor);
    return this.d.get("dec")(h).mul(this.pd.get("scale")).add(this.pd.get("shift"));
  }
}

describe("nn.ModuleDict, nn.ParameterList, nn.ParameterDict", () => {
  it("name state_dict keys as PyTorch does (checked with torch 1.13)", () => {
    expect(Object.keys(new Net().state_dict())).toEqual([
      "d.enc.weight", "d.enc.bias", "d.dec.weight", "d.dec.bias", "pl.0", "pl.1", "pd.scale", "pd.shift",
    ]);
  });

  it("round-trip a state_dict and run", () => {
    const a = new Net();
    const b = new Net();
    b.load_state_dict(a.state_dict());
    const x = T.randn(3, 2);
    expect(b(x).toArray()).toEqual(a(x).toArray());
  });

  it("ModuleDict: typed get, set, has, pop, keys/values/items, iteration over keys, length", () => {
    const d = new nn.ModuleDict({ enc: new nn.Linear(2, 3), act: new nn.ReLU() });
    const enc: T.nn.Linear = d.get("enc");
    expect(enc.out_features).toBe(3);
    d.set("act", new nn.ReLU());
    expect(d.keys()).toEqual(["enc", "act"]);
    expect([...d]).toEqual(["enc", "act"]);
    expect(d.values().map((m) => m.constructor.name)).toEqual(["Linear", "ReLU"]);
    expect(d.items().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual(["enc:Linear", "act:ReLU"]);
    expect(d.length).toBe(2);
    expect(d.has("act")).toBe(true);
    expect(d.pop("act").constructor.name).toBe("ReLU");
    expect(d.has("act")).toBe(false);
    expect(() => d.get("act")).toThrow(/KeyError: 'act'/);
    expect(String(d)).toBe("ModuleDict(\n  (enc): Linear(in_features=2, out_features=3, bias=True)\n)");
  });

  it("rejects keys PyTorch rejects", () => {
    const d = new nn.ModuleDict<Record<string, T.nn.Module>>();
    expect(() => d.set("training", new nn.ReLU())).toThrow(/attribute 'training' already exists/);
    expect(() => d.set("keys", new nn.ReLU())).toThrow(/attribute 'keys' already exists/);
    expect(() => d.set("a.b", new nn.ReLU())).toThrow(/can't contain "\."/);
    expect(() => new nn.ParameterDict({ "": T.ones(1) })).toThrow(/empty string/);
  });

  it("ParameterList: indexing, append, iteration, length; tensors become parameters", () => {
    const pl = new nn.ParameterList([T.ones(2)]);
    pl.append(T.zeros(2, 3));
    expect(pl.length).toBe(2);
    expect(pl[1]).toBeInstanceOf(nn.Parameter);
    expect([...pl].map((p) => p.shape)).toEqual([[2], [2, 3]]);
    expect(pl.parameters().length).toBe(2);
    expect(String(pl)).toBe("ParameterList(\n    (0): Parameter containing: [torch.float32 of size 2]\n    (1): Parameter containing: [torch.float32 of size 2x3]\n)");
  });

  it("ParameterDict: get, set, keys, items, iteration", () => {
    const pd = new nn.ParameterDict<"a" | "b">({ a: T.ones(1) });
    pd.set("b", T.full([2], 3));
    expect(pd.keys()).toEqual(["a", "b"]);
    expect([...pd]).toEqual(["a", "b"]);
    expect(pd.get("b").toArray()).toEqual([3, 3]);
    expect(pd.items().map(([k, p]) => `${k}${p.shape.join()}`)).toEqual(["a1", "b2"]);
    expect(Object.keys(pd.state_dict())).toEqual(["a", "b"]);
  });
});
