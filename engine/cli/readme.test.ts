/** The README's API table is generated from the code; this fails when someone adds an API and forgets `npm run gen:readme`. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { README, withGeneratedTable } from "../../tools/gen-readme";

it("README's API table matches the API (run `npm run gen:readme`)", () => {
  const readme = readFileSync(README, "utf8");
  expect(readme).toBe(withGeneratedTable(readme));
});
