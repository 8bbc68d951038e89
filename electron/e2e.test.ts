/**
 * The desktop app for real, driven by Playwright's Electron support: the window opens, talks to
 * the engine through the preload's client, lists backends and runs a model in a utility-process
 * worker. Needs Electron's binary (ELECTRON_PATH, or the electron package's) and a display; where
 * there is none (CI here: the binary cannot be downloaded), it is skipped and says why.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureBuilt } from "../bin/build.mjs";
import { ensureBuiltApp } from "../bin/build-app.mjs";
import { findElectron } from "../bin/electron-path.mjs";

const root = path.resolve(import.meta.dirname, "..");
const electron = findElectron();
const usable = electron.path !== undefined && !electron.headless;
if (!usable) process.stdout.write(`electron/e2e.test.ts: skipped: ${electron.reason ?? "no Electron"}\n`);

describe.skipIf(!usable)("the desktop app (Electron)", () => {
  it("opens the window, lists backends and runs the example model", { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const { page: smallPage } = await ensureBuiltApp();
    const { _electron } = await import("playwright-core");
    // The small page (dist/page), whether or not renderer/dist has been built: this test knows its ids.
    const env = { ...process.env, TANDEM_STATIC_DIR: smallPage } as Record<string, string>;
    const app = await _electron.launch({ executablePath: electron.path as string, args: [root], cwd: root, env });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe("tandem://app/index.html");
      await page.locator("#status.ok").waitFor({ timeout: 30_000 });
      // The page sees the contract's client and nothing of Node or Electron.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe("undefined");
      expect(await page.evaluate(() => typeof (globalThis as { tandem?: { run?: unknown } }).tandem?.run)).toBe("function");
      await page.locator("#backends td", { hasText: "cpu" }).first().waitFor();
      await page.click("#run");
      await page.locator("#result", { hasText: "MLP" }).waitFor({ timeout: 60_000 });
      expect(await page.locator("#logs").innerText()).toContain("hidden mean");
    } finally {
      await app.close();
    }
  });
});
