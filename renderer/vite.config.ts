import path from "node:path";
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";
import { tandemApiTypes } from "./api-types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

/**
 * The window (Vue 3, Pinia, Monaco, ECharts) as static files that `tandem serve` and the desktop app
 * load: relative URLs (`base: "./"`), no inline scripts or styles, Monaco's workers as files of
 * their own (the Content-Security-Policy allows `worker-src 'self'`), nothing fetched from a CDN.
 * renderer/build.mjs runs it; the output folder is its to choose (it builds beside and renames).
 */
export default defineConfig({
  root: here,
  base: "./",
  plugins: [vue(), tandemApiTypes(root)],
  resolve: {
    alias: [
      // Monaco's package exports map every path to a .js file, which hides its CSS; the window picks
      // the editor's parts one by one (src/monaco-features.ts), so it reaches into esm/ directly.
      { find: /^monaco-editor\/esm\//, replacement: `${path.join(root, "node_modules/monaco-editor/esm")}/` },
    ],
  },
  server: { fs: { allow: [root] } },
  worker: { format: "es" },
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 12_000,
    // Vite's modulepreload polyfill is an inline-free module, but keep the HTML free of it anyway.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
