import { z } from "zod";
import { SourceLocation } from "./location";

/** A compiler finding in the user's code (a type error), reported beside a run rather than stopping it. */
export const Diagnostic = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  location: SourceLocation.nullable(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;
