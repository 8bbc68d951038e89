/** FLOP counts of tiny models whose counts can be worked out by hand, from the traced IR. */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "../api";
import { setBackend } from "../eager/backend";
import { trace } from "../graph/tracer";
import { countFlops } from "./flops";

const { nn, F } = T;

beforeAll(async () => {
  await setBackend("cpu");
});

class Tiny extends nn.Module {
  fc = new nn.Linear(4, 3);
  conv = new nn.Conv2d(1, 2, 3, { padding: 1, bias: false });
  w = new nn.Parameter(T.ones([3, 5]));
  override forward(x: T.Tensor, img: T.Tensor): T.Tensor[] {
    const h = F.relu(this.fc(x)); // [2, 3]
    const m = h.matmul(this.w); // [2, 5]
    const c = this.conv(img).flatten(1); // [1, 32]
    return [m, c];
  }
}

describe("countFlops", () => {
  it("counts linear, relu, matmul and conv2d by the documented rules", () => {
    T.manual_seed(0);
    const model = new Tiny().eval();
    const t = trace(model, [T.randn([2, 4]), T.randn([1, 1, 4, 4])], ["x", "img"]);
    try {
      const f = countFlops(t.graph);
      expect(f.byOp.linear).toBe(2 * 2 * 3 * 4 + 2 * 3); // 2·M·N·K + bias
      expect(f.byOp.relu).toBe(2 * 3); // one per element
      expect(f.byOp.matmul).toBe(2 * (2 * 5) * 3); // 2·(output numel)·K
      expect(f.byOp.conv2d).toBe(2 * (1 * 2 * 4 * 4) * (1 * 3 * 3)); // 2·(output numel)·C_in·kH·kW
      expect(f.total).toBe(54 + 6 + 60 + 576);
      expect(f.uncounted).toEqual(["flatten"]);
    } finally {
      t.graph.dispose();
    }
  });

  it("counts the MLP example: three linears with biases and two ReLUs", async () => {
    const mod = (await import("../../assets/examples/mlp")) as { default: new () => T.nn.Module };
    T.manual_seed(0);
    const model = new mod.default().eval();
    const t = trace(model, [T.randn([8, 784])], ["x"]);
    try {
      const f = countFlops(t.graph);
      const macs = 784 * 256 + 256 * 128 + 128 * 10;
      expect(f.total).toBe(2 * 8 * macs + 8 * (256 + 128 + 10) + 8 * (256 + 128));
      expect(f.uncounted).toEqual(["flatten"]); // dropout in eval is the identity: no op at all
    } finally {
      t.graph.dispose();
    }
  });
});
