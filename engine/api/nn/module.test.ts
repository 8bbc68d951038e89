/**
 * nn.Module machinery: callability, registration order, state_dict round trips and errors,
 * train/eval, printing. Numerics are the goldens' job; these check the bookkeeping around them.
 */
import * as tf from "@tensorflow/tfjs-core";
import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";
import { errorOf } from "../../test/error-of";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;

class Net extends nn.Module {
  conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(4);
  layers = new nn.ModuleList([new nn.Linear(4, 5), new nn.Linear(5, 2)]);
  scale: T.Parameter;

  constructor() {
    super();
    this.scale = new T.Parameter(T.ones(2));
  }

  override forward(x: T.Tensor): T.Tensor {
    let h = this.bn(this.conv(x)).relu().mean([2, 3]);
    for (const layer of this.layers) h = layer(h);
    return h.mul(this.scale);
  }
}

class Mlp extends nn.Module {
  fc1 = new nn.Linear(6, 8);
  act = new nn.ReLU();
  fc2 = new nn.Linear(8, 3);
  override forward(x: T.Tensor): T.Tensor {
    return this.fc2(this.act(this.fc1(x)));
  }
}

/** A language-model-style head tied to the embedding, as GPT-2 does. */
class TiedLm extends nn.Module {
  emb = new nn.Embedding(10, 4);
  head = new nn.Linear(4, 10, { bias: false });
  constructor() {
    super();
    this.head.weight = this.emb.weight;
  }
  override forward(ids: T.Tensor): T.Tensor {
    return this.head(this.emb(ids));
  }
}

const values = (t: T.Tensor): number[] => Array.from(t.raw.dataSync(), Number);

function expectSameTensor(a: T.Tensor, b: T.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  expect(values(a)).toEqual(values(b));
}


describe("calling a module", () => {
  it("instances are functions and m(x) equals m.forward(x)", () => {
    T.manual_seed(1);
    const m = new Mlp();
    const x = T.randn(5, 6);
    expect(typeof m).toBe("function");
    expect(m).toBeInstanceOf(nn.Module);
    expect(m).toBeInstanceOf(Mlp);
    const called = m(x);
    expect(called).toBeInstanceOf(T.Tensor);
    expect(called.shape).toEqual([5, 3]);
    expectSameTensor(called, m.forward(x));
  });

  it("passes every argument through to forward", () => {
    class Add3 extends nn.Module {
      override forward(a: T.Tensor, b: T.Tensor, c: number): T.Tensor {
        return a.add(b).mul(c);
      }
    }
    const out = new Add3()(T.tensor([1, 2]), T.tensor([3, 4]), 10);
    expect(out.toArray()).toEqual([40, 60]);
  });

  it("a subclass without forward throws a clear error naming the class", () => {
    class NoForward extends nn.Module {
      fc = new nn.Linear(2, 2);
    }
    const m = new NoForward() as unknown as (x: T.Tensor) => unknown;
    expect(() => m(T.zeros(1, 2))).toThrow(T.TandemError);
    expect(() => m(T.zeros(1, 2))).toThrow(/NoForward is missing the required forward\(\) method/);
  });

  it("fields named `name` and `length` work on a subclass", () => {
    class Named extends nn.Module {
      // `override`: TypeScript sees Function's name/length on Module through its call signature.
      override name = "encoder";
      override length = 7;
      override forward(x: T.Tensor): T.Tensor {
        return x;
      }
    }
    const m = new Named();
    expect(m.name).toBe("encoder");
    expect(m.length).toBe(7);
    m.name = "decoder";
    m.length = 9;
    expect(m.name).toBe("decoder");
    expect(m.length).toBe(9);
  });

  it("`name` and `length` can be assigned in the constructor body", () => {
    class Assigned extends nn.Module {
      declare name: string;
      declare length: number;
      constructor() {
        super();
        this.name = "block";
        this.length = 3;
      }
      override forward(x: T.Tensor): T.Tensor {
        return x;
      }
    }
    const m = new Assigned();
    expect(m.name).toBe("block");
    expect(m.length).toBe(3);
  });

  it("a plain module has no function `name`/`length` leaking through", () => {
    const m = new Mlp();
    expect(Object.prototype.hasOwnProperty.call(m, "name")).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(m, "length")).toBe(false);
    expect(Object.keys(m)).not.toContain("name");
  });
});

describe("registration", () => {
  it("named_parameters: own parameters first, then children depth first, with PyTorch names", () => {
    const m = new Net();
    expect(m.named_parameters().map(([n]) => n)).toEqual([
      "scale",
      "conv.weight",
      "conv.bias",
      "bn.weight",
      "bn.bias",
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
    ]);
    expect(m.named_parameters().every(([, p]) => p instanceof T.Parameter)).toBe(true);
    expect(m.named_parameters()[1]?.[1]).toBe(m.conv.weight);
  });

  it("named_parameters accepts a prefix", () => {
    const m = new Mlp();
    expect(m.named_parameters("model").map(([n]) => n)).toEqual([
      "model.fc1.weight",
      "model.fc1.bias",
      "model.fc2.weight",
      "model.fc2.bias",
    ]);
  });

  it("parameters() is named_parameters() without names, the same objects", () => {
    const m = new Net();
    const params = m.parameters();
    expect(params).toHaveLength(9);
    params.forEach((p, i) => expect(p).toBe(m.named_parameters()[i]?.[1]));
  });

  it("named_buffers lists BatchNorm2d's running stats and num_batches_tracked", () => {
    const m = new Net();
    const buffers = m.named_buffers();
    expect(buffers.map(([n]) => n)).toEqual(["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]);
    expect(buffers.map(([, b]) => b.dtype)).toEqual(["float32", "float32", "int32"]);
    expect(buffers.some(([, b]) => b instanceof T.Parameter)).toBe(false);
    expect(m.buffers()[0]).toBe(m.bn.running_mean);
  });

  it("named_modules is pre-order with dotted paths and '' for the root", () => {
    const m = new Net();
    const named = m.named_modules();
    expect(named.map(([n]) => n)).toEqual(["", "conv", "bn", "layers", "layers.0", "layers.1"]);
    expect(named[0]?.[1]).toBe(m);
    expect(named[4]?.[1]).toBe(m.layers[0]);
    expect(m.modules()).toHaveLength(6);
  });

  it("children / named_children are the direct submodules only", () => {
    const m = new Net();
    expect(m.named_children().map(([n]) => n)).toEqual(["conv", "bn", "layers"]);
    expect(m.children()).toEqual([m.conv, m.bn, m.layers]);
    expect(new nn.ReLU().children()).toEqual([]);
  });

  it("plain arrays, numbers and null fields are not registered", () => {
    class Odd extends nn.Module {
      hidden = [new nn.Linear(2, 2)];
      size = 3;
      bias: T.Parameter | null = null;
      fc = new nn.Linear(2, 1);
      override forward(x: T.Tensor): T.Tensor {
        return this.fc(x);
      }
    }
    const m = new Odd();
    expect(m.named_parameters().map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    expect(Object.keys(m.state_dict())).toEqual(["fc.weight", "fc.bias"]);
  });

  it("register_parameter / register_buffer / add_module register under the given names", () => {
    const m = new nn.Module();
    m.register_parameter("w", new T.Parameter(T.ones(2, 2)));
    m.register_buffer("steps", T.zeros(1));
    m.add_module("inner", new nn.Linear(2, 2, { bias: false }));
    expect(m.named_parameters().map(([n]) => n)).toEqual(["w", "inner.weight"]);
    expect(m.named_buffers().map(([n]) => n)).toEqual(["steps"]);
    expect(Object.keys(m.state_dict())).toEqual(["w", "steps", "inner.weight"]);
  });

  it("num_parameters counts elements", () => {
    const m = new Mlp();
    expect(m.num_parameters()).toBe(6 * 8 + 8 + 8 * 3 + 3);
    // conv 4*3*3*3+4, bn 4+4, linears 4*5+5 and 5*2+2, scale 2
    expect(new Net().num_parameters()).toBe(112 + 8 + 25 + 12 + 2);
  });
});

describe("tied parameters", () => {
  it("are listed once by named_parameters and counted once", () => {
    const m = new TiedLm();
    expect(m.head.weight).toBe(m.emb.weight);
    expect(m.named_parameters().map(([n]) => n)).toEqual(["emb.weight"]);
    expect(m.num_parameters()).toBe(40);
  });

  it("are present under both keys in state_dict", () => {
    const m = new TiedLm();
    const sd = m.state_dict();
    expect(Object.keys(sd)).toEqual(["emb.weight", "head.weight"]);
    expect(sd["emb.weight"]).toBe(sd["head.weight"]);
  });

  it("a tied weight serves both layouts (gather and matmul) and round-trips through load_state_dict", () => {
    T.manual_seed(3);
    const a = new TiedLm();
    T.manual_seed(4);
    const b = new TiedLm();
    const ids = T.tensor([[1, 2, 3]], { dtype: "int64" });
    const first = a(ids);
    expectSameTensor(a(ids), first);
    b.load_state_dict(a.state_dict());
    expectSameTensor(b(ids), first);
    expect(b.head.weight).toBe(b.emb.weight);
  });

  it("a shared submodule is listed once by named_modules, as in PyTorch", () => {
    class Shared extends nn.Module {
      a = new nn.Linear(2, 2);
      b = this.a;
      override forward(x: T.Tensor): T.Tensor {
        return this.b(this.a(x));
      }
    }
    const m = new Shared();
    // PyTorch: named_modules() removes duplicates -> ["", "a"]; state_dict keeps both paths.
    expect(m.named_parameters().map(([n]) => n)).toEqual(["a.weight", "a.bias"]);
    expect(Object.keys(m.state_dict())).toEqual(["a.weight", "a.bias", "b.weight", "b.bias"]);
    expect(m.named_modules().map(([n]) => n)).toEqual(["", "a"]);
  });
});

describe("state_dict / load_state_dict", () => {
  it("keys follow PyTorch, parameters then buffers per module", () => {
    expect(Object.keys(new Net().state_dict())).toEqual([
      "scale",
      "conv.weight",
      "conv.bias",
      "bn.weight",
      "bn.bias",
      "bn.running_mean",
      "bn.running_var",
      "bn.num_batches_tracked",
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
    ]);
  });

  it("entries are the module's own tensors in PyTorch layout", () => {
    const m = new Net();
    const sd = m.state_dict();
    expect(sd["conv.weight"]).toBe(m.conv.weight);
    expect(sd["conv.weight"]?.shape).toEqual([4, 3, 3, 3]);
    expect(sd["layers.1.weight"]?.shape).toEqual([2, 5]);
  });

  it("round trip into a differently seeded model gives identical outputs", () => {
    T.manual_seed(10);
    const a = new Net();
    T.manual_seed(11);
    const b = new Net();
    const x = T.randn(2, 3, 5, 5);
    const ya = a(x);
    const before = b(x);
    expect(values(before)).not.toEqual(values(ya));
    const result = b.load_state_dict(a.state_dict());
    expect(result).toEqual({ missing_keys: [], unexpected_keys: [] });
    expectSameTensor(b(x), ya);
    for (const [key, t] of Object.entries(a.state_dict())) expectSameTensor(b.state_dict()[key] as T.Tensor, t);
  });

  it("loaded values are copies: changing the source afterwards does not affect the target", () => {
    T.manual_seed(5);
    const a = new Mlp();
    const b = new Mlp();
    b.load_state_dict(a.state_dict());
    const snapshot = values(b.fc1.weight);
    T.nn.init.zeros_(a.fc1.weight);
    expect(values(a.fc1.weight).every((v) => v === 0)).toBe(true);
    expect(values(b.fc1.weight)).toEqual(snapshot);
  });

  it("Parameters keep their identity across a load (optimisers and ties hold them)", () => {
    const a = new Mlp();
    const b = new Mlp();
    const w = b.fc1.weight;
    b.load_state_dict(a.state_dict());
    expect(b.fc1.weight).toBe(w);
    expectSameTensor(w, a.fc1.weight);
  });

  it("state_dict entries taken before a load still read (the new values) afterwards", () => {
    // PyTorch copies into the existing tensors, so a state_dict taken earlier aliases the new values.
    const a = new nn.BatchNorm2d(3);
    const b = new nn.BatchNorm2d(3);
    b.load_state_dict({
      weight: T.full([3], 2),
      bias: T.full([3], 3),
      running_mean: T.full([3], 4),
      running_var: T.full([3], 5),
      num_batches_tracked: T.tensor(7, { dtype: "int64" }),
    });
    const held = a.state_dict();
    const heldMean = a.running_mean as T.Tensor;
    a.load_state_dict(b.state_dict());
    expect(held["weight"]?.toArray()).toEqual([2, 2, 2]);
    expect(held["running_mean"]?.toArray()).toEqual([4, 4, 4]);
    expect(heldMean.toArray()).toEqual([4, 4, 4]);
  });

  it("loads BatchNorm buffers, casting to the buffer's dtype", () => {
    const bn = new nn.BatchNorm2d(2);
    bn.load_state_dict({
      weight: T.tensor([1, 1]),
      bias: T.tensor([0, 0]),
      running_mean: T.tensor([0.5, -0.5]),
      running_var: T.tensor([4, 9]),
      num_batches_tracked: T.tensor(12),
    });
    expect(bn.running_mean?.toArray()).toEqual([0.5, -0.5]);
    expect(bn.running_var?.toArray()).toEqual([4, 9]);
    expect(bn.num_batches_tracked?.dtype).toBe("int32");
    expect(bn.num_batches_tracked?.item()).toBe(12);
    const y = bn(T.ones(1, 2, 1, 1));
    // eval mode: (1 - mean) / sqrt(var + eps)
    const [a, b] = values(y);
    expect(a).toBeCloseTo(0.5 / 2, 4);
    expect(b).toBeCloseTo(1.5 / 3, 4);
  });

  it("a model can load its own state_dict", () => {
    T.manual_seed(8);
    const m = new Net();
    const x = T.randn(1, 3, 4, 4);
    const y = m(x);
    m.load_state_dict(m.state_dict());
    expectSameTensor(m(x), y);
    expect(m.bn.running_var?.toArray()).toEqual([1, 1, 1, 1]);
  });

  it("strict load names every missing key", () => {
    const sd = { ...new Mlp().state_dict() };
    delete sd["fc2.bias"];
    delete sd["fc1.weight"];
    const error = errorOf(() => new Mlp().load_state_dict(sd));
    expect(error).toBeInstanceOf(T.TandemError);
    expect(error.message).toContain("Error(s) in loading state_dict for Mlp");
    expect(error.message).toMatch(/Missing key\(s\) in state_dict: "fc1.weight", "fc2.bias"/);
    expect(error.message).not.toMatch(/Unexpected/);
  });

  it("strict load names every unexpected key", () => {
    const sd = { ...new Mlp().state_dict(), "fc3.weight": T.zeros(1), extra: T.zeros(2) };
    const error = errorOf(() => new Mlp().load_state_dict(sd));
    expect(error.message).toMatch(/Unexpected key\(s\) in state_dict: "fc3.weight", "extra"/);
    expect(error.message).not.toMatch(/Missing/);
  });

  it("a size mismatch names the key and both shapes", () => {
    const sd = { ...new Mlp().state_dict(), "fc2.weight": T.zeros(3, 9) };
    const error = errorOf(() => new Mlp().load_state_dict(sd));
    expect(error.message).toContain("size mismatch for fc2.weight");
    expect(error.message).toContain("[3,9]");
    expect(error.message).toContain("[3,8]");
  });

  it("a size mismatch is reported even with strict: false", () => {
    const error = errorOf(() => new Mlp().load_state_dict({ "fc1.bias": T.zeros(2) }, { strict: false }));
    expect(error.message).toContain("size mismatch for fc1.bias");
  });

  it("a failed load changes nothing", () => {
    T.manual_seed(2);
    const m = new Mlp();
    const before = values(m.fc1.weight);
    const sd = { ...new Mlp().state_dict(), "fc2.bias": T.zeros(4) };
    expect(() => m.load_state_dict(sd)).toThrow(/size mismatch for fc2.bias/);
    expect(values(m.fc1.weight)).toEqual(before);
  });

  it("strict: false loads what matches and returns the missing and unexpected keys", () => {
    T.manual_seed(6);
    const src = new Mlp();
    const dst = new Mlp();
    const sd: Record<string, T.Tensor> = { "fc1.weight": src.fc1.weight, "fc1.bias": src.fc1.bias as T.Tensor, "head.weight": T.zeros(1) };
    const result = dst.load_state_dict(sd, { strict: false });
    expect(result.missing_keys).toEqual(["fc2.weight", "fc2.bias"]);
    expect(result.unexpected_keys).toEqual(["head.weight"]);
    expectSameTensor(dst.fc1.weight, src.fc1.weight);
    expect(values(dst.fc2.weight)).not.toEqual(values(src.fc2.weight));
  });
});

describe("train / eval", () => {
  it("new modules start in eval mode with training === false (Tandem runs inference)", () => {
    // Module's `training = false` field initialiser must survive the constructor returning a callable.
    expect(new Net().training).toBe(false);
    expect(new nn.Linear(2, 2).training).toBe(false);
    expect(new nn.Sequential(new nn.ReLU()).training).toBe(false);
  });

  it("train() sets training recursively and returns the module", () => {
    const m = new Net();
    expect(m.train()).toBe(m);
    expect(m.modules().every((s) => s.training)).toBe(true);
    expect(m.layers[1]?.training).toBe(true);
  });

  it("eval() and train(false) clear it recursively and return the module", () => {
    const m = new Net().train();
    expect(m.eval()).toBe(m);
    expect(m.modules().map((s) => s.training)).toEqual([false, false, false, false, false, false]);
    m.train();
    expect(m.train(false)).toBe(m);
    expect(m.modules().some((s) => s.training)).toBe(false);
  });

  it("train() on a child only affects that subtree", () => {
    const m = new Net().eval();
    m.layers.train();
    expect(m.training).toBe(false);
    expect(m.conv.training).toBe(false);
    expect(m.layers.training).toBe(true);
    expect(m.layers[0]?.training).toBe(true);
  });

  it("the mode changes behaviour: Dropout is identity in eval, masks in train", () => {
    T.manual_seed(0);
    const drop = new nn.Dropout(0.5);
    const x = T.ones(1000);
    expect(values(drop(x)).every((v) => v === 1)).toBe(true);
    const y = values(drop.train()(x));
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
  });
});

describe("printing", () => {
  it("String(m) shows the tree with child names, like PyTorch's repr", () => {
    const text = String(new Mlp());
    expect(text).toBe(
      [
        "Mlp(",
        "  (fc1): Linear(in_features=6, out_features=8, bias=True)",
        "  (act): ReLU()",
        "  (fc2): Linear(in_features=8, out_features=3, bias=True)",
        ")",
      ].join("\n"),
    );
  });

  it("nested containers indent their children and name them by index", () => {
    class Outer extends nn.Module {
      body = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU());
      override forward(x: T.Tensor): T.Tensor {
        return this.body(x);
      }
    }
    const lines = String(new Outer()).split("\n");
    expect(lines[0]).toBe("Outer(");
    expect(lines[1]).toBe("  (body): Sequential(");
    expect(lines[2]).toMatch(/^ {4}\(0\): Conv2d\(1, 2, kernel_size=\(3, 3\), stride=\(1, 1\)\)$/);
    expect(lines[3]).toBe("    (1): ReLU()");
    expect(lines[4]).toBe("  )");
    expect(lines[5]).toBe(")");
  });

  it("a module with both extra_repr and children puts each on its own line, indented two spaces", () => {
    class Block extends nn.Module {
      fc = new nn.Identity();
      override forward(x: T.Tensor): T.Tensor {
        return this.fc(x);
      }
      override extra_repr(): string {
        return "dim=4";
      }
    }
    // PyTorch: "Block(\n  dim=4\n  (fc): Identity()\n)"
    expect(String(new Block())).toBe("Block(\n  dim=4\n  (fc): Identity()\n)");
  });

  it("util.inspect uses the same text (console.log(model))", () => {
    const m = new Mlp();
    expect(inspect(m)).toBe(m.toString());
    expect(inspect(m)).toContain("(fc1): Linear(");
  });

  it("leaf modules show their extra_repr", () => {
    expect(String(new nn.ReLU())).toBe("ReLU()");
    expect(String(new nn.Softmax(1))).toBe("Softmax(dim=1)");
    expect(String(new nn.Dropout(0.1))).toBe("Dropout(p=0.1, inplace=False)");
  });
});

describe("memory", () => {
  it("a forward pass inside a scope leaves numTensors unchanged", () => {
    T.manual_seed(0);
    const m = new Net();
    const x = T.randn(2, 3, 6, 6);
    for (let pass = 0; pass < 3; pass++) {
      const before = tf.memory().numTensors;
      tf.engine().startScope();
      const y = m(x);
      expect(y.shape).toEqual([2, 2]);
      tf.engine().endScope();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it("a model built inside a scope keeps its weights after the scope ends", () => {
    T.manual_seed(12);
    const x = T.randn(1, 3, 4, 4);
    tf.engine().startScope();
    const m = new Net();
    const tied = new TiedLm();
    const y = values(m(x));
    tf.engine().endScope();
    expect(values(m(x))).toEqual(y);
    expect(m.bn.running_var?.toArray()).toEqual([1, 1, 1, 1]);
    expect(tied(T.tensor([1], { dtype: "int64" })).shape).toEqual([1, 10]);
  });

  it("creating a state_dict and loading it does not add tensors", () => {
    const a = new Net();
    const b = new Net();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const sd = a.state_dict();
    b.load_state_dict(sd);
    b.load_state_dict(b.state_dict());
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
  });

  it("constructing a model allocates only its own parameters and buffers", () => {
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const m = new Net();
    const entries = Object.values(m.state_dict());
    const ownBytes = entries.reduce((n, t) => n + t.numel() * 4, 0);
    // Plus the T.ones(2) that Net's constructor hands to Parameter: Parameter copies it, because it
    // may later re-layout its own storage for a kernel.
    expect(tf.memory().numTensors - before).toBe(entries.length + 1);
    expect(tf.memory().numBytes - bytes).toBe(ownBytes + 2 * 4);
  });
});
