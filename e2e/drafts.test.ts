import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type OpenWorkbench, chromiumOrWarn, openWorkbench, waitForEngine } from "./workbench-page";

/**
 * Work is never lost: text typed into the editor and not saved comes back after a reload (it is
 * kept as a draft in the browser's storage), in the same buffer, still marked unsaved.
 */

const chromium = chromiumOrWarn();

describe.skipIf(!chromium)("unsaved editor text in a browser (tandem serve)", () => {
  let open: OpenWorkbench;

  beforeAll(async () => {
    open = await openWorkbench(chromium);
  }, 240_000);

  afterAll(async () => {
    await open?.close();
  });

  // Monaco draws spaces as no-break spaces.
  const text = async () => (await open.page.locator(".monaco-editor .view-lines").innerText()).replaceAll("\u00a0", " ");

  it("comes back after the page is reloaded", async () => {
    const { page } = open;
    await page.getByTestId("examples").selectOption("mlp");
    await expect.poll(() => page.locator(".topbar .filename").innerText()).toContain("mlp");
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.insertText("// typed before the reload\n");
    await expect.poll(text).toContain("// typed before the reload");
    await expect.poll(() => page.locator(".topbar .filename .dirty").count()).toBe(1);

    // Leaving with unsaved edits asks first; the test answers "leave".
    page.once("dialog", (dialog) => void dialog.accept());
    await page.reload();
    await waitForEngine(page);
    await expect.poll(text).toContain("// typed before the reload");
    expect(await page.locator(".topbar .filename").innerText()).toContain("mlp");
    expect(await page.locator(".topbar .filename .dirty").count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "draft-restored.png") });
    expect(open.problems).toEqual([]);
  });
});
