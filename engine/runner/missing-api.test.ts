/**
 * A name Tandem lacks, in nn, F, nn.init, the top level or Tensor's methods, fails at the line that
 * reads it with a message naming it, eager and while tracing, with the type check's own report beside.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelError, RunOutcome } from "../../shared/run";
import { runModel } from "../service/run-model";

const file = path.resolve(import.meta.dirname, "../test/fixtures/models/missing_api_inline.ts");

function failed(outcome: RunOutcome): ModelError {
  if (outcome.ok) throw new Error("expected the run to fail");
  return outcome.error;
}

/** A model whose forward returns `expression` (of `h`, the output of a Linear), as editor text. */
const model = (expression: string) => `import * as T from "tandem";
import { nn, F, Tensor } from "tandem";

export default class Net extends nn.Module {
  fc = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    const h = this.fc(x);
    return ${expression};
  }
}

export const inputs = { x: [1, 4] };
`;

describe("an API Tandem lacks", () => {
  it.each([
    ["F.foo(h)", "F.foo", 14],
    ["h.foo()", "Tensor.foo", 14],
    ["T.foo(h)", "foo", 14],
    ["nn.init.foo_(h)", "nn.init.foo_", 20],
  ])("%s fails at its line naming %s", async (expression, name, column) => {
    const e = failed(await runModel({ file, source: model(expression), typecheck: false, repeat: 0 }));
    expect(e.kind).toBe("unsupported");
    expect(e.message).toBe(`\`${name}\` is not in Tandem; \`tandem ops\` lists what is`);
    expect(e.location).toMatchObject({ file, line: 8, column });
  });

  it("fails the same way while tracing in graph mode", async () => {
    const e = failed(await runModel({ file, source: model("F.foo(h)"), mode: "graph:tfjs", typecheck: false, repeat: 0 }));
    expect(e.message).toBe("`F.foo` is not in Tandem; `tandem ops` lists what is");
    expect(e.location).toMatchObject({ line: 8, column: 14 });
  });

  it("comes with the type check's diagnostic for the same line", async () => {
    const outcome = await runModel({ file, source: model("h.foo()"), repeat: 0 });
    expect(failed(outcome).message).toContain("`Tensor.foo`");
    const diagnostics = outcome.ok ? [] : (outcome.diagnostics ?? []);
    expect(diagnostics.some((d) => d.location?.line === 8 && d.code === "TS2339")).toBe(true);
  });

  it("leaves names Tandem has, and JavaScript's own probes, alone", async () => {
    const outcome = await runModel({ file, source: model("(h as unknown as { then?: unknown }).then === undefined ? F.relu(h) : h"), typecheck: false, repeat: 0 });
    expect(outcome.ok).toBe(true);
  });
});
