import { TraceMap } from "@jridgewell/trace-mapping";
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SourceLocation } from "../../shared/run";
import type { BundleMap } from "./stack";

export interface CompiledModel extends BundleMap {
  code: string;
  /** sha256 over every user source in the bundle, in a stable order. */
  sourceHash: string;
}

/** A model file that does not compile: its messages and where they point. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation | null,
    readonly details: string[],
  ) {
    super(message);
    this.name = "SyntaxError";
  }
}

const BUNDLE_NAME = "__tandem_model_bundle__.js";

/** Marks esbuild's own resolution of an import the policy below asked for, so the policy does not see it twice. */
const RESOLVING = Symbol("tandem-imports: resolving");

/** Whether `file` lies in `folder` or below it. */
function inside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative === "" || (relative.split(path.sep)[0] !== ".." && !path.isAbsolute(relative));
}

/** The folder with its links resolved, as esbuild resolves the files it bundles; as given when it is not there. */
function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

/**
 * Model files may import "tandem" (provided by the worker) and files in the entry file's folder tree
 * (bundled); nothing else, so that a model runs the same on every machine and cannot read the rest of
 * the file system into its bundle (../../.ssh/id_rsa.ts and the like). Checked on the file esbuild
 * resolves, links followed, so a link inside the folder that points out of it is refused as well.
 */
function importPolicy(folder: string): esbuild.Plugin {
  const root = realFolder(folder);
  return {
    name: "tandem-imports",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || args.kind === "entry-point") return undefined;
        if (args.path === "tandem") return { path: "tandem", external: true };
        if (!args.path.startsWith(".") && !path.isAbsolute(args.path)) {
          return { errors: [{ text: `model files may import only "tandem" and relative files, not "${args.path}"` }] };
        }
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (!resolved.external && !inside(root, resolved.path)) {
          const importer = path.isAbsolute(args.importer) ? path.relative(root, realFolder(args.importer)) || path.basename(args.importer) : args.importer;
          const text = `${importer} imports ${args.path}, which is outside the model's folder (${root}): a model may import only "tandem" and files in its own folder`;
          return { errors: [{ text }] };
        }
        return resolved;
      });
    },
  };
}

function toLocation(loc: esbuild.Location | null, cwd: string): SourceLocation | null {
  if (!loc) return null;
  return { file: path.resolve(cwd, loc.file), line: loc.line, column: loc.column + 1 };
}

/**
 * Bundles the model file and what it imports to CommonJS, with a source map back to the .ts lines.
 * With `source`, that text stands for the file (an editor's unsaved buffer; the file need not exist).
 */
export async function compileModel(file: string, source?: string): Promise<CompiledModel> {
  const absolute = path.resolve(file);
  // Said plainly: esbuild's "Could not resolve" reads like a broken import inside the model.
  if (source === undefined && !existsSync(absolute)) throw new CompileError(`model file ${absolute} does not exist`, null, []);
  const dir = path.dirname(absolute);
  const cwd = process.cwd();
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      ...(source === undefined ? { entryPoints: [absolute] } : { stdin: { contents: source, sourcefile: absolute, resolveDir: dir, loader: "ts" } }),
      bundle: true,
      write: false,
      metafile: true,
      format: "cjs",
      platform: "neutral",
      target: "node20",
      sourcemap: "external",
      sourcesContent: false,
      outfile: path.join(dir, BUNDLE_NAME),
      absWorkingDir: cwd,
      logLevel: "silent",
      keepNames: true,
      plugins: [importPolicy(dir)],
      // Same class-field semantics as the engine, so fields named like Function's own props work.
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: false } },
    });
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    const errors = failure.errors ?? [];
    const first = errors[0];
    const details = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    throw new CompileError(first?.text ?? String(error), toLocation(first?.location ?? null, cwd), details);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
  if (!js || !map) throw new Error("esbuild produced no bundle");
  const inputs = Object.keys(result.metafile.inputs).sort();
  const hash = createHash("sha256");
  for (const input of inputs) {
    const inputPath = path.resolve(cwd, input);
    hash.update(path.relative(dir, inputPath)); // relative to the model, so the hash does not depend on the cwd
    hash.update(source !== undefined && inputPath === absolute ? source : await readFile(inputPath));
  }
  return {
    code: js.text,
    bundleFile: js.path,
    map: new TraceMap(map.text),
    sourceRoot: dir,
    sourceHash: hash.digest("hex"),
  };
}
