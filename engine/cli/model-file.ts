import type { Command } from "commander";
import { statSync } from "node:fs";
import path from "node:path";

/** A model file named on the command line that is not there: the user's mistake, exit 1. */
export class ModelFileError extends Error {
  constructor(readonly file: string, problem: string) {
    const absolute = path.resolve(file);
    super(`model file ${file}${absolute === file ? "" : ` (${absolute})`} ${problem}`);
    this.name = "ModelFileError";
  }
}

/** Why `file` cannot be a model file, or null when it is one. */
export function modelFileProblem(file: string): string | null {
  try {
    return statSync(file).isFile() ? null : "is not a file";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(error as Error).message}`;
  }
}

/**
 * Before any command whose first argument is a `model` (run, graph, export, check, typecheck,
 * bench), checks that the file is there: otherwise each would say something else (a resolve error
 * from the bundler, or, for typecheck, "no type errors" in a file that does not exist).
 */
export function checkModelFileFirst(program: Command): void {
  program.hook("preAction", (_program, command) => {
    if (command.registeredArguments[0]?.name() !== "model") return;
    const file = command.args[0];
    if (file === undefined) return; // optional (bench --peak): the command says what it needs
    const problem = modelFileProblem(file);
    if (problem) throw new ModelFileError(file, problem);
  });
}
