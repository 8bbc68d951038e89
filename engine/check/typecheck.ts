import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import type { Diagnostic } from "../../shared/diagnostics";
import { API_ENTRY } from "../paths";
import { cachedCheck, userSources } from "./cache";

/** The compiler settings model files are checked with: strict, and "tandem" resolved to the engine's API. */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts"],
  types: ["node"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  useDefineForClassFields: true,
  esModuleInterop: true,
  allowImportingTsExtensions: true,
  paths: { tandem: [API_ENTRY] },
};

/**
 * `if (x.sum() > 0)` runs in eager mode (one-element tensors convert to numbers) but TypeScript has
 * no operator overloading and rejects it; say how to write it rather than report a bare TS2365.
 */
function tensorComparison(d: ts.Diagnostic, message: string): string | null {
  if (d.code !== 2365 || !/'Tensor'/.test(message)) return null;
  return `${message} It runs in eager mode, but TypeScript cannot type it: write \`x.item() > 0\` or \`Number(x) > 0\`.`;
}

function toDiagnostic(d: ts.Diagnostic): Diagnostic {
  const raw = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const hinted = tensorComparison(d, raw);
  const message = hinted ?? raw;
  if (!d.file || d.start === undefined) return { severity: "error", code: `TS${d.code}`, message, location: null };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return {
    severity: hinted || d.category === ts.DiagnosticCategory.Warning ? "warning" : "error",
    code: `TS${d.code}`,
    message,
    location: { file: path.resolve(d.file.fileName), line: line + 1, column: character + 1 },
  };
}

/** A fingerprint of the API the model is checked against: its sources' newest modification. */
function apiVersion(): string {
  const dir = path.dirname(API_ENTRY);
  const newest = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce((m, e) => {
      const full = path.join(d, e.name);
      return Math.max(m, e.isDirectory() ? newest(full) : e.name.endsWith(".ts") ? statSync(full).mtimeMs : 0);
    }, 0);
  return `${API_ENTRY}@${newest(dir)}`;
}

/**
 * Type-checks a model file (and the relative files it imports) against the `tandem` API, the way
 * an editor would. Only the user's own files are reported; the engine's are trusted. Results are
 * cached by the sources' content.
 */
export function typecheckModel(file: string, source?: string): Diagnostic[] {
  return cachedCheck(file, apiVersion(), () => check(file, source), source);
}

/** A compiler host that reads `source` for the entry file instead of the disk (an editor buffer). */
function hostWith(entry: string, source: string): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  const isEntry = (name: string) => path.resolve(name) === entry;
  host.fileExists = (name) => isEntry(name) || fileExists.call(host, name);
  host.readFile = (name) => (isEntry(name) ? source : readFile.call(host, name));
  host.getSourceFile = (name, languageVersion, ...rest) =>
    isEntry(name) ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile.call(host, name, languageVersion, ...rest);
  return host;
}

function check(file: string, source?: string): Diagnostic[] {
  const entry = path.resolve(file);
  const host = source === undefined ? undefined : hostWith(entry, source);
  const program = ts.createProgram({ rootNames: [entry], options: OPTIONS, ...(host ? { host } : {}) });
  const own = new Set(userSources(entry, source));
  const userFiles = program.getSourceFiles().filter((sf) => own.has(path.resolve(sf.fileName)));
  return userFiles.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]).map(toDiagnostic);
}
