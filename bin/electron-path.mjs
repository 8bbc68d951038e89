// Where Electron's binary is, without triggering its download: the `electron` package (v45) fetches
// the binary on first require() when it is missing, which fails offline. ELECTRON_PATH wins.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** { path } of a runnable Electron binary, or { reason } why there is none. */
export function findElectron() {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { reason: `ELECTRON_PATH=${fromEnv} does not exist` };
  const pkg = path.join(ROOT, "node_modules/electron");
  if (!existsSync(pkg)) return { reason: "the electron package is not installed (npm ci)" };
  const pathFile = path.join(pkg, "path.txt");
  if (!existsSync(pathFile)) return { reason: "Electron's binary was never downloaded (npx install-electron, or set ELECTRON_PATH)" };
  const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, "dist"), readFileSync(pathFile, "utf8").trim());
  if (!existsSync(binary)) return { reason: `Electron's binary is missing at ${binary}` };
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: binary, headless: true, reason: "no display (DISPLAY/WAYLAND_DISPLAY unset)" };
  return { path: binary };
}
