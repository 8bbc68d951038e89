import path from "node:path";
import ts from "typescript";
import type { Plugin } from "vite";

/**
 * The `tandem` API's type declarations for the editor, made at build time from engine/api with the
 * TypeScript compiler (declarations only, @internal stripped) and offered to the window as the
 * virtual module `virtual:tandem-api-types`: `{ files: { "api/index.d.ts": "...", ... } }`, paths
 * relative to the engine folder. The window registers them under file:///node_modules/tandem/, so
 * `import { nn, F, Tensor } from "tandem"` gets completion, hover docs and type errors in Monaco.
 *
 * The few declarations that reach outside the API (tfjs tensors in internal kernel types, Node's
 * `inspect.custom`) are satisfied by small ambient stubs (SHIMS): models cannot reach them anyway.
 */

const ID = "virtual:tandem-api-types";
const RESOLVED = `\0${ID}`;

export const SHIMS = `declare module "@tensorflow/tfjs-core" {
  /** A tfjs tensor inside the engine; models never see one. */
  export class Tensor { private readonly __tfjs: never; }
}
declare module "node:util" {
  export const inspect: { readonly custom: unique symbol };
}
`;

export function emitApiDeclarations(root: string): Record<string, string> {
  const engine = path.join(root, "engine");
  const entry = path.join(engine, "api/index.ts");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    stripInternal: true,
    noEmit: false,
    useDefineForClassFields: true,
    esModuleInterop: true,
    outDir: "/virtual-out",
    rootDir: engine,
  };
  const files: Record<string, string> = {};
  const program = ts.createProgram([entry], options);
  const result = program.emit(undefined, (fileName, text) => {
    const relative = path.posix.relative("/virtual-out", fileName.replaceAll("\\", "/"));
    if (relative.endsWith(".d.ts") && !relative.startsWith("..")) files[relative] = text;
  });
  if (result.emitSkipped || !files["api/index.d.ts"]) throw new Error("could not emit the tandem API's declarations");
  return files;
}

export function tandemApiTypes(root: string): Plugin {
  let cached: Record<string, string> | null = null;
  return {
    name: "tandem-api-types",
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null;
      cached ??= emitApiDeclarations(root);
      return `export const files = ${JSON.stringify(cached)};\nexport const shims = ${JSON.stringify(SHIMS)};\n`;
    },
  };
}
