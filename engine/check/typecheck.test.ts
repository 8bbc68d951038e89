import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../paths";
import { typecheckModel } from "./typecheck";

const example = readFileSync(path.join(ROOT, "assets/examples/mlp.ts"), "utf8");

describe("typecheckModel, one check after another in a process", () => {
  it("reports each buffer's own errors although library files are reused between checks", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-tc-"));
    const file = path.join(dir, "model.ts");
    const salt = `\n// ${Date.now()}\n`; // the results are cached by content
    expect(typecheckModel(file, example + salt)).toEqual([]);
    const broken = example.replace(/^(\s*)return /m, "$1const oops: string = 1;\n$1return ");
    const errors = typecheckModel(file, broken + salt);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "TS2322", location: { file } });
    expect(typecheckModel(file, example + salt + " ")).toEqual([]);
  });

  it("reads the user's imported files afresh each time", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-tc-"));
    const file = path.join(dir, "model.ts");
    const helper = path.join(dir, "helper.ts");
    const model = `import { width } from "./helper";\nexport const n: number = width;\n`;
    writeFileSync(helper, "export const width = 4;\n");
    expect(typecheckModel(file, model)).toEqual([]);
    writeFileSync(helper, 'export const width = "four";\n');
    expect(typecheckModel(file, model).map((d) => d.code)).toEqual(["TS2322"]);
  });
});
