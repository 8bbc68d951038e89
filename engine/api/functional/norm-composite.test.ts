/**
 * What the goldens cannot show for the normalizations: PyTorch's error messages, p=inf (JSON
 * fixtures cannot hold an infinite argument), printed forms and state_dict keys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as T from "..";
import { setBackend } from "../../eager/backend";

beforeAll(async () => {
  await setBackend("wasm");
});

const { F, nn } = T;

describe("normalization composites", () => {
  it("F.normalize with p = Infinity divides by the largest magnitude (values from torch 1.13)", () => {
    const x = T.tensor([[3, -4], [0, 0.5]]);
    expect(F.normalize(x, { p: Infinity, dim: 1 }).toArray()).toEqual([[0.75, -1], [0, 1]]);
    expect(() => F.normalize(x, { p: 0 })).toThrow(/p=0 is not supported/);
    expect(() => F.normalize(T.ones(3))).toThrow(/dimension out of range/);
  });

  it("raise PyTorch's messages for bad shapes", () => {
    expect(() => F.group_norm(T.randn(2, 6, 3), 4)).toThrow(
      "group_norm: [2,6,3]: Expected number of channels in input to be divisible by num_groups, but got input of shape [2,6,3] and num_groups=4",
    );
    expect(() => F.group_norm(T.randn(2, 6, 3), 3, { weight: T.ones(5) })).toThrow(
      /Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape \[5\]/,
    );
    expect(() => F.instance_norm(T.randn(2, 3))).toThrow(/Expected more than 1 spatial element when training, got input size \[2,3\]/);
    expect(() => F.rms_norm(T.randn(2, 3), [4])).toThrow(/normalized_shape \[4\] does not match/);
    expect(() => new nn.BatchNorm1d(3)(T.randn(2, 3, 4, 5))).toThrow(/expected 2D or 3D input \(got 4D input\)/);
    expect(() => new nn.InstanceNorm2d(3)(T.randn(2, 3))).toThrow(/expected 3D or 4D input \(got 2D input\)/);
  });

  it("RMSNorm's eps defaults to float32's machine epsilon and prints as PyTorch 2.4 does", () => {
    const m = new nn.RMSNorm(4);
    expect(String(m)).toBe("RMSNorm((4,), eps=None, elementwise_affine=True)");
    // A zero row: rsqrt(0 + eps) * 0 = 0, finite only because eps > 0.
    expect(m(T.zeros(1, 4)).toArray()).toEqual([[0, 0, 0, 0]]);
    expect(String(new nn.GroupNorm(2, 4))).toBe("GroupNorm(2, 4, eps=1e-05, affine=True)");
    expect(String(new nn.InstanceNorm2d(3))).toBe("InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  });

  it("state_dict keys match PyTorch's", () => {
    expect(Object.keys(new nn.InstanceNorm2d(3, { affine: true, track_running_stats: true }).state_dict())).toEqual([
      "weight", "bias", "running_mean", "running_var", "num_batches_tracked",
    ]);
    expect(Object.keys(new nn.InstanceNorm2d(3).state_dict())).toEqual([]);
    expect(Object.keys(new nn.RMSNorm([2, 3]).state_dict())).toEqual(["weight"]);
  });
});
