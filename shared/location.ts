import { z } from "zod";

/** A place in the user's source: 1-based line and column, as editors show them. */
export const SourceLocation = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;
