import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** Serving the window's built files, for `tandem serve` (HTTP) and the desktop app (its own scheme). */

export const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

export const contentType = (file: string): string => CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";

/**
 * The file for a URL path under `root`, or why there is none. Paths that climb out of `root` are
 * refused; a path without an extension that names no file is a route of the window's own router,
 * and gets its index.html.
 */
export function resolveStatic(root: string, pathname: string): { file: string } | { status: 400 | 403 | 404; text: string } {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return { status: 400, text: "bad path" };
  }
  if (relative.includes("\0")) return { status: 400, text: "bad path" };
  let file = path.join(root, path.normalize(relative));
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 403, text: "outside the served folder" };
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (existsSync(file)) return { file };
  if (path.extname(relative)) return { status: 404, text: "not found" };
  const index = path.join(root, "index.html");
  return existsSync(index) ? { file: index } : { status: 404, text: "not found" };
}
