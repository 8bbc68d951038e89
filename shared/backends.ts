import { z } from "zod";

export const BackendName = z.enum(["wasm", "cpu", "node", "node-gpu"]);
export type BackendName = z.infer<typeof BackendName>;

/** One eager backend as the engine found it on this machine. */
export const BackendInfo = z.object({
  name: BackendName,
  package: z.string(),
  version: z.string().nullable(),
  available: z.boolean(),
  /** Why the backend cannot run here; null when it can. */
  reason: z.string().nullable(),
  features: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])),
});
export type BackendInfo = z.infer<typeof BackendInfo>;
