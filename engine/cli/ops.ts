import type { Command } from "commander";

/** `tandem ops`: the API and the registered ops, generated from the code (engine/cli/catalogue.ts). */
export function registerOpsCommand(program: Command): void {
  program
    .command("ops")
    .description("list the model API (Tensor, top level, F, nn) and every registered op with its ONNX form")
    .option("--json", "print JSON")
    .option("--md", "print Markdown tables")
    .action(async (opts: { json?: boolean; md?: boolean }) => {
      // Loads tfjs through the API, which the other commands leave to the worker.
      const { apiTableMarkdown, catalogue, catalogueText, opsTableMarkdown } = await import("./catalogue");
      const c = catalogue();
      if (opts.json) process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
      else if (opts.md) process.stdout.write(`## API\n\n${apiTableMarkdown(c)}\n\n## Ops\n\n${opsTableMarkdown(c)}\n`);
      else process.stdout.write(`${catalogueText(c)}\n`);
    });
}
