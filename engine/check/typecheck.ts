import { readdirSync, statSync } from "node:fs";
import os from "node:os";
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

/**
 * Parsed files that are not the user's (TypeScript's lib, @types/node, the tandem API), kept across
 * checks by name and modification time: parsing them is most of a check's cost, and they do not
 * change while the user edits their model.
 */
const parsed = new Map<string, { mtimeMs: number; languageVersion: ts.ScriptTarget; file: ts.SourceFile }>();
let previous: ts.Program | undefined;

function mtime(name: string): number | null {
  try {
    return statSync(name).mtimeMs;
  } catch {
    return null;
  }
}

/** A compiler host that reuses parsed library files, and reads `source` for the entry file instead of the disk (an editor buffer). */
function host(entry: string, own: ReadonlySet<string>, source: string | undefined): ts.CompilerHost {
  const base = ts.createCompilerHost(OPTIONS);
  const isEntry = (name: string) => source !== undefined && path.resolve(name) === entry;
  return {
    ...base,
    fileExists: (name) => isEntry(name) || base.fileExists(name),
    readFile: (name) => (isEntry(name) ? source : base.readFile(name)),
    getSourceFile: (name, options, onError) => {
      const languageVersion = typeof options === "object" ? options.languageVersion : options;
      if (isEntry(name)) return ts.createSourceFile(name, source ?? "", options, true);
      if (own.has(path.resolve(name))) return base.getSourceFile(name, options, onError);
      const stamp = mtime(name);
      const hit = parsed.get(name);
      if (hit && stamp !== null && hit.mtimeMs === stamp && hit.languageVersion === languageVersion) return hit.file;
      const file = base.getSourceFile(name, options, onError);
      if (file && stamp !== null) parsed.set(name, { mtimeMs: stamp, languageVersion, file });
      return file;
    },
  };
}

function check(file: string, source?: string): Diagnostic[] {
  const entry = path.resolve(file);
  const own = new Set(userSources(entry, source));
  // oldProgram lets TypeScript reuse module resolution and the unchanged files' structure.
  const program = ts.createProgram({ rootNames: [entry], options: OPTIONS, host: host(entry, own, source), ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const userFiles = program.getSourceFiles().filter((sf) => own.has(path.resolve(sf.fileName)));
  return userFiles.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]).map(toDiagnostic);
}

/** A model that uses the API the way models do, checked (uncached) only to fill the parse cache. */
const WARM_SOURCE = `import { nn, F, type Tensor } from "tandem";
export default class Warm extends nn.Module {
  fc = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor { return F.relu(this.fc(x)); }
}
export const inputs = { x: [1, 4] };
`;

/** Parses the library files and the API once, so that the next check reuses them (see `parsed`). */
export function warmTypecheck(): void {
  check(path.join(os.tmpdir(), "tandem-warm-model.ts"), WARM_SOURCE);
}
