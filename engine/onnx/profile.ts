import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One event of onnxruntime's profile (Chrome trace format): a session phase ("model_run",
 * "session_initialization") or one node's kernel ("Conv_3_kernel_time", with its op and EP).
 */
export interface OrtProfileEvent {
  /** "Session" or "Node". */
  category: string;
  name: string;
  startUs: number;
  durationUs: number;
  opType: string | null;
  provider: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringOrNull(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Parses the profile JSON; entries that are not complete duration events are skipped. */
export function parseOrtProfile(text: string): OrtProfileEvent[] {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error("onnxruntime profile: expected a JSON array of events");
  const events: OrtProfileEvent[] = [];
  for (const e of raw) {
    if (!isRecord(e) || typeof e.name !== "string" || typeof e.cat !== "string") continue;
    if (typeof e.ts !== "number" || typeof e.dur !== "number") continue;
    const args = isRecord(e.args) ? e.args : {};
    events.push({
      category: e.cat,
      name: e.name,
      startUs: e.ts,
      durationUs: e.dur,
      opType: stringOrNull(args.op_name),
      provider: stringOrNull(args.provider),
    });
  }
  return events;
}

/**
 * onnxruntime names the file `<prefix>_<date>_<time>.json` and does not say which; the session
 * writes into a folder of its own, so the one JSON file there is it.
 */
export function readOrtProfile(dir: string): OrtProfileEvent[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  if (files.length !== 1) throw new Error(`onnxruntime profile: expected one .json file in ${dir}, found ${files.length}`);
  return parseOrtProfile(readFileSync(join(dir, files[0] as string), "utf8"));
}
