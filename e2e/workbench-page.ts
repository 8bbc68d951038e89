import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { buildRenderer } from "../renderer/build.mjs";
import { type Browser, chromiumPath, launch } from "./browser";
import { ROOT, type Serving, startServe } from "./serve";

/** Where the e2e tests leave their screenshots (not committed): look at them after a change. */
export const SHOTS = path.join(ROOT, "e2e/screenshots");

/** Debian's Chromium, or "" (the suites are then skipped, with the reason printed once). */
export function chromiumOrWarn(): string {
  const chromium = chromiumPath() ?? "";
  if (!chromium) console.warn("e2e: skipped: no Chromium (apt-get install chromium, or set TANDEM_CHROMIUM)");
  return chromium;
}

export interface OpenWorkbench {
  serving: Serving;
  browser: Browser;
  page: Page;
  /** Errors the page threw or logged: a suite ends by expecting none. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * The window as a user opens it: built if stale, `tandem serve` started with a fresh TANDEM_HOME,
 * its printed URL loaded in headless Chromium, and the engine connected.
 */
export async function openWorkbench(chromium: string): Promise<OpenWorkbench> {
  mkdirSync(SHOTS, { recursive: true });
  await buildRenderer({ ifStale: true, quiet: true });
  const serving = await startServe();
  const browser = await launch(chromium);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // Monaco's HTML carries style attributes, which the policy blocks (the window re-applies them).
    if (message.type() === "error" && !message.text().includes("inline style")) problems.push(`console: ${message.text()}`);
  });
  await page.goto(serving.url);
  await waitForEngine(page);
  return {
    serving,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await serving.stop();
    },
  };
}

/** The status chip says the engine is there (after a load or a reload). */
export const waitForEngine = (page: Page) => page.getByTestId("connection").filter({ hasText: "worker" }).waitFor({ timeout: 30_000 });

/** Resolves once both run columns have finished their runs (done, failed or cancelled). */
export async function waitForRuns(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      ["eager", "graph"].every((id) => {
        const status = document.querySelector(`[data-testid="column-${id}"]`)?.getAttribute("data-status");
        return status !== "running" && status !== "idle";
      }),
    null,
    { timeout: 150_000 },
  );
}
