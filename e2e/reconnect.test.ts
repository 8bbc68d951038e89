import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Serving, startServe } from "./serve";
import { SHOTS, type OpenWorkbench, chromiumOrWarn, openWorkbench, waitForEngine } from "./workbench-page";

/**
 * The engine stops while the window is open: a banner says so and what to do, the editor stays
 * editable, and once `tandem serve` runs again on the same port with the same token the window
 * reconnects by itself (no reload) and can run models again.
 */

const chromium = chromiumOrWarn();

describe.skipIf(!chromium)("the window when the engine stops and starts again (tandem serve)", () => {
  let open: OpenWorkbench;
  let again: Serving | undefined;

  beforeAll(async () => {
    open = await openWorkbench(chromium);
  }, 240_000);

  afterAll(async () => {
    await open?.browser.close();
    await again?.stop();
  });

  const text = async () => (await open.page.locator(".monaco-editor .view-lines").innerText()).replaceAll("\u00a0", " ");

  it("shows a banner, keeps the editor editable, and reconnects to the restarted engine", async () => {
    const { page, serving } = open;
    const url = new URL(serving.url);
    const token = url.searchParams.get("token") ?? "";
    expect(token).not.toBe("");
    await serving.stop();

    const banner = page.getByTestId("engine-banner");
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).toContain("The engine stopped. Reconnecting…");
    expect(await banner.innerText()).toContain("npx tandem serve");
    expect(await page.getByTestId("run-both").isDisabled()).toBe(true);
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.insertText("// typed while the engine was away\n");
    await expect.poll(text).toContain("// typed while the engine was away");
    await page.screenshot({ path: path.join(SHOTS, "engine-stopped-banner.png") });

    again = await startServe(90_000, { port: Number(url.port), token });
    await waitForEngine(page);
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId("run-both").isDisabled()).toBe(false);
    await expect.poll(text).toContain("// typed while the engine was away");
    // The socket closing is logged by the browser as an error; nothing else may be.
    expect(open.problems.filter((p) => !p.includes("WebSocket"))).toEqual([]);
  });
});
