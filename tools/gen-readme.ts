/**
 * Regenerates the README's API table from the code (engine/cli/catalogue.ts), between the
 * api-table markers. `npm run gen:readme` writes it; engine/cli/readme.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { apiTableMarkdown, catalogue } from "../engine/cli/catalogue";

export const README = new URL("../README.md", import.meta.url);
const BEGIN = "<!-- api-table:begin -->";
const END = "<!-- api-table:end -->";

/** The README with its API table replaced by the generated one. */
export function withGeneratedTable(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  const c = catalogue();
  const ops = `${c.ops.length} registered ops (each traced, exported to ONNX or refused with the reason, counted in FLOPs, and checked against PyTorch).`;
  return `${readme.slice(0, begin + BEGIN.length)}\n${apiTableMarkdown(c)}\n\n${ops}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const before = readFileSync(README, "utf8");
  const after = withGeneratedTable(before);
  writeFileSync(README, after);
  process.stdout.write(after === before ? "README.md: API table already up to date\n" : "README.md: API table regenerated\n");
}
