/**
 * PyTorch idioms on modules type-check in a user's model as PyTorch users write them: Module.apply
 * with nn.init on a possibly-null bias, fields named like Function's own properties, ModuleDict access
 * by key, keyword options to nn.init, and inplace flags.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { typecheckModel } from "./typecheck";

const model = `import { nn, F, Tensor } from "tandem";

class Net extends nn.Module {
  name = 5;
  length = "long";
  heads = new nn.ModuleDict({ cls: new nn.Linear(4, 2) });
  act = new nn.ReLU({ inplace: true });
  drop = new nn.Dropout(0.1, true);
  forward(x: Tensor): Tensor {
    const logits: Tensor = this.heads.get("cls")(F.relu(x, { inplace: true }));
    return this.drop(this.act(logits)).mul(this.name);
  }
}

const net = new Net().apply((m) => {
  if (m instanceof nn.Linear) {
    nn.init.zeros_(m.bias);
    nn.init.normal_(m.weight, { mean: 0, std: 0.02 });
    nn.init.kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
  }
});
export default net;
export const inputs = { x: [2, 4] };
`;

describe("module idioms in a user's model", () => {
  it("type-check without errors", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-idioms-")), "model.ts");
    expect(typecheckModel(file, `${model}// ${Date.now()}\n`)).toEqual([]);
  });

  it("still flag a ModuleDict key that is not there", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tandem-idioms-")), "model.ts");
    const wrong = model.replace('this.heads.get("cls")', 'this.heads.get("box")');
    expect(typecheckModel(file, `${wrong}// ${Date.now()}\n`).map((d) => d.code)).toEqual(["TS2345"]);
  });
});
