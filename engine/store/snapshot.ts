import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** A model's sources, saved with a run so that it can be read, diffed and run again later. */
export interface Sources {
  /** The model file's name, relative to its own directory. */
  entry: string;
  /** Every file, the entry first, paths relative to the entry's directory ("/"-separated). */
  files: { path: string; text: string }[];
}

/**
 * sha256 over (path, text) of each file in path order: the scheme engine/model/compile.ts uses
 * for RunResult.sourceHash, so the snapshot of an unchanged model has the run's own source hash.
 */
export function hashSources(files: readonly { path: string; text: string }[]): string {
  const hash = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(f.path);
    hash.update(f.text);
  }
  return hash.digest("hex");
}

const posix = (p: string): string => p.split(path.sep).join("/");

/** Relative imports are followed; "tandem" and anything else are left out (the worker refuses them). */
const relativeOnly: esbuild.Plugin = {
  name: "relative-only",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.path.startsWith(".") || path.isAbsolute(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Reads the model file and the relative files it imports. When the file does not parse (the run
 * failed with a syntax error), only the entry is kept; when it cannot be read at all, null. With
 * `entryText` (an editor's unsaved buffer that ran as the file), that text stands for the file,
 * as the worker compiled it; the files it imports are read from disk.
 */
export async function snapshotSources(modelFile: string, entryText?: string): Promise<Sources | null> {
  const absolute = path.resolve(modelFile);
  const dir = path.dirname(absolute);
  const entry = path.basename(absolute);
  let text: string;
  try {
    text = entryText ?? readFileSync(absolute, "utf8");
  } catch {
    return null;
  }
  let others: string[] = [];
  try {
    const result = await esbuild.build({
      ...(entryText === undefined ? { entryPoints: [absolute] } : { stdin: { contents: entryText, sourcefile: absolute, resolveDir: dir, loader: "ts" as const } }),
      bundle: true,
      write: false,
      metafile: true,
      platform: "neutral",
      logLevel: "silent",
      absWorkingDir: dir,
      plugins: [relativeOnly],
    });
    // stdin shows up under its own name ("<stdin>"), not as a file to read.
    others = Object.keys(result.metafile.inputs).filter((p) => p !== "<stdin>").map((p) => path.resolve(dir, p)).filter((p) => p !== absolute);
  } catch {
    // Does not parse: the entry alone is still worth keeping (it shows the error).
  }
  const files = [{ path: entry, text }];
  for (const file of others.sort()) {
    try {
      files.push({ path: posix(path.relative(dir, file)), text: readFileSync(file, "utf8") });
    } catch {
      // Removed since esbuild read it: keep what we have.
    }
  }
  return { entry, files };
}
