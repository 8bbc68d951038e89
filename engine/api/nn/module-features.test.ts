/**
 * Module.apply (which callable modules would otherwise take from Function.prototype), fields named
 * like Function's own properties, and non-persistent buffers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { nn } = T;

class Block extends nn.Module {
  fc = new nn.Linear(3, 3);
  act = new nn.ReLU();
  override forward(x: T.Tensor): T.Tensor {
    return this.act(this.fc(x));
  }
}

class Net extends nn.Module {
  first = new Block();
  head = new nn.Linear(3, 2);
  override forward(x: T.Tensor): T.Tensor {
    return this.head(this.first(x));
  }
}

describe("Module.apply", () => {
  it("visits children before their parent, depth first, and returns the module", () => {
    const net = new Net();
    const order: string[] = [];
    const result = net.apply((m) => order.push(m.constructor.name));
    expect(result).toBe(net);
    expect(order).toEqual(["Linear", "ReLU", "Block", "Linear", "Net"]);
  });

  it("initialises weights as PyTorch's idiom does", () => {
    const net = new Net();
    net.apply((m) => {
      if (m instanceof nn.Linear) nn.init.zeros_(m.bias); // PyTorch's idiom, as written there
    });
    for (const [name, p] of net.named_parameters()) {
      if (name.endsWith("bias")) expect(p.toArray()).toEqual(Array(p.numel()).fill(0));
    }
    expect(net(T.ones(1, 3)).shape).toEqual([1, 2]);
  });
});

describe("fields named like Function's own properties", () => {
  class Named extends nn.Module {
    override name = "encoder";
    override length = 7;
    override forward(x: T.Tensor): T.Tensor {
      return x;
    }
  }

  it("keeps user fields called name and length", () => {
    const m = new Named();
    expect(m.name).toBe("encoder");
    expect(m.length).toBe(7);
  });
});

describe("register_buffer", () => {
  class WithBuffers extends nn.Module {
    constructor() {
      super();
      this.register_buffer("kept", T.ones(2));
      this.register_buffer("scratch", T.zeros(3), { persistent: false });
    }
    override forward(x: T.Tensor): T.Tensor {
      return x;
    }
  }

  it("keeps non-persistent buffers out of state_dict but in buffers()", () => {
    const m = new WithBuffers();
    expect(Object.keys(m.state_dict())).toEqual(["kept"]);
    expect(m.named_buffers().map(([n]) => n)).toEqual(["kept", "scratch"]);
  });

  it("loads a state_dict without the non-persistent buffer, strictly", () => {
    const m = new WithBuffers();
    const result = m.load_state_dict({ kept: T.full([2], 5) });
    expect(result.missing_keys).toEqual([]);
    expect(() => m.load_state_dict({ kept: T.ones(2), scratch: T.ones(3) })).toThrow(/Unexpected key\(s\) in state_dict: "scratch"/);
  });

  it("names nested non-persistent buffers by path", () => {
    class Outer extends nn.Module {
      inner = new WithBuffers();
      override forward(x: T.Tensor): T.Tensor {
        return x;
      }
    }
    expect(Object.keys(new Outer().state_dict())).toEqual(["inner.kept"]);
  });
});
