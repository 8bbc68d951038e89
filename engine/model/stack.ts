import { type TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import path from "node:path";
import type { SourceLocation } from "../../shared/run";

/** One compiled model: the name its code runs under and the map back to the user's files. */
export interface BundleMap {
  bundleFile: string;
  map: TraceMap;
  /** Directory the map's relative source paths are relative to. */
  sourceRoot: string;
}

export interface UserFrame {
  location: SourceLocation;
  functionName: string | null;
}

const callSites = new WeakMap<object, NodeJS.CallSite[]>();
let bundle: BundleMap | null = null;

/** Maps one position in the bundle to the user's file, line and column (1-based). */
function mapPosition(line: number, column: number): SourceLocation | null {
  if (!bundle) return null;
  const pos = originalPositionFor(bundle.map, { line, column: column - 1 });
  if (pos.source === null || pos.line === null || pos.column === null) return null;
  return { file: path.resolve(bundle.sourceRoot, pos.source), line: pos.line, column: pos.column + 1 };
}

function userFrame(site: NodeJS.CallSite): UserFrame | null {
  if (!bundle || site.getFileName() !== bundle.bundleFile) return null;
  const location = mapPosition(site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0);
  if (!location) return null;
  const type = site.getTypeName();
  const fn = site.getFunctionName() ?? site.getMethodName();
  const functionName = fn ? (type && type !== "Object" && !fn.includes(".") ? `${type}.${fn}` : fn) : null;
  return { location, functionName };
}

export function formatLocation(loc: SourceLocation, cwd = process.cwd()): string {
  const rel = path.relative(cwd, loc.file);
  const shown = rel.startsWith("..") ? loc.file : rel;
  return `${shown}:${loc.line}:${loc.column}`;
}

/**
 * Installs a V8 stack formatter that rewrites frames of the model bundle to the user's .ts lines
 * and remembers each error's call sites, so errors can be located without parsing text.
 */
export function installStackMapper(): void {
  Error.stackTraceLimit = 100; // engine frames sit between the op that failed and the user's line
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    callSites.set(error, sites);
    const lines = sites.map((site) => {
      const frame = userFrame(site);
      if (!frame) return `    at ${String(site)}`;
      const where = formatLocation(frame.location);
      return frame.functionName ? `    at ${frame.functionName} (${where})` : `    at ${where}`;
    });
    return `${error.name}: ${error.message}\n${lines.join("\n")}`;
  };
}

export function setBundle(next: BundleMap | null): void {
  bundle = next;
}

/** The frames of `error` that are in the user's code, innermost first. */
export function userFrames(error: unknown): UserFrame[] {
  if (typeof error !== "object" || error === null) return [];
  void (error as { stack?: unknown }).stack; // stack is formatted lazily; reading it records the call sites
  const sites = callSites.get(error) ?? [];
  return sites.map(userFrame).filter((f): f is UserFrame => f !== null);
}

/** Where the user's code is right now: the innermost bundle frame of the caller's stack. */
export function currentUserFrame(): UserFrame | null {
  const probe = new Error();
  return userFrames(probe)[0] ?? null;
}
