import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { Diagnostic } from "../../shared/diagnostics";

/** Where per-user caches live: TANDEM_CACHE, else XDG_CACHE_HOME/tandem, else ~/.cache/tandem. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.TANDEM_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "tandem");
  return path.join(base, ...parts);
}

/** The text of a user file: `source` for the entry when given (an editor buffer), else what is on disk. */
export function readUserFile(file: string, entry: string, source?: string): string {
  return source !== undefined && file === path.resolve(entry) ? source : readFileSync(file, "utf8");
}

/** The model file and the relative files it imports, found without building a program. */
export function userSources(entry: string, source?: string): string[] {
  const seen = new Set<string>();
  const root = path.resolve(entry);
  const visit = (file: string) => {
    const inMemory = source !== undefined && file === root;
    if (seen.has(file) || (!inMemory && !existsSync(file))) return;
    seen.add(file);
    for (const ref of ts.preProcessFile(readUserFile(file, entry, source), true, true).importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), ref.fileName);
      const candidates = [base, `${base}.ts`, `${base}.tsx`, base.replace(/\.js$/, ".ts"), path.join(base, "index.ts")];
      const found = candidates.find((c) => existsSync(c) && c.endsWith(".ts"));
      if (found) visit(found);
    }
  };
  visit(root);
  return [...seen].sort();
}

/**
 * Diagnostics depend only on the user's sources and on the API they are checked against, so a file
 * checked once is not checked again until it (or Tandem) changes: re-running a model stays fast.
 */
export function cachedCheck(entry: string, apiVersion: string, check: () => Diagnostic[], source?: string): Diagnostic[] {
  const hash = createHash("sha256").update(apiVersion);
  for (const file of userSources(entry, source)) hash.update(file).update(readUserFile(file, entry, source));
  const file = cacheDir("typecheck", `${hash.digest("hex")}.json`);
  try {
    return Diagnostic.array().parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    // missing or unreadable: check and store below
  }
  const diagnostics = check();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(diagnostics));
    renameSync(temp, file);
  } catch {
    // a read-only cache only costs speed
  }
  return diagnostics;
}
