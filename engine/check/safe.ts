import type { Diagnostic } from "../../shared/diagnostics";

/**
 * Type-checks a model for a run, never failing the run: a checker failure becomes a warning. The
 * TypeScript compiler is loaded on first use, since many processes never check anything.
 */
export async function typecheckForRun(file: string, source?: string): Promise<Diagnostic[]> {
  try {
    const { typecheckModel } = await import("./typecheck");
    return typecheckModel(file, source);
  } catch (error) {
    const message = `type check could not run: ${error instanceof Error ? error.message : String(error)}`;
    return [{ severity: "warning", code: "tandem", message, location: null }];
  }
}

/** Loads the checker and parses what every check reads (lib, @types/node, the tandem API); best effort. */
export async function warmTypechecker(): Promise<void> {
  try {
    const { warmTypecheck } = await import("./typecheck");
    warmTypecheck();
  } catch {
    // the first real check will say what is wrong
  }
}
