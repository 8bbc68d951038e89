import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Dialog, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "./browser";
import { ROOT, type Serving } from "./serve";
import { SHOTS, chromiumOrWarn, openWorkbench, waitForEngine, waitForRuns as columnsDone } from "./workbench-page";

/**
 * Sessions in the window, as a person uses them: every run saved to today's session, the session
 * renamed and annotated (kept across a reload), two runs compared (the latency ratio, the changed
 * line in the source diff), the session exported as a bundle, reopened after a reload (the editor
 * gets its source back), and a bundle from another machine imported, whose code asks before it runs.
 * Screenshots go to e2e/screenshots/sessions-*.png (not committed).
 */

const chromium = chromiumOrWarn();
const run = promisify(execFile);

describe.skipIf(!chromium)("sessions in the window (tandem serve)", () => {
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), "tandem-e2e-sessions-"));
  /** A bundle made on "another machine": its own TANDEM_HOME, by the CLI. */
  const bundle = path.join(work, "shared-mlp.tandem");

  beforeAll(async () => {
    const elsewhere = { ...process.env, TANDEM_HOME: path.join(work, "elsewhere") };
    await run(process.execPath, ["bin/tandem.mjs", "run", "assets/examples/mlp.ts", "--session", "Shared MLP", "--repeat", "5"], { cwd: ROOT, env: elsewhere });
    await run(process.execPath, ["bin/tandem.mjs", "sessions", "export", "Shared MLP", "-o", bundle], { cwd: ROOT, env: elsewhere });
    ({ serving, browser, page, problems } = await openWorkbench(chromium));
  }, 300_000);

  // A failed step leaves a picture of the window behind.
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") await shot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await serving?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const connected = () => waitForEngine(page);
  const text = async () => (await page.locator('[data-testid="editor"] .view-lines').innerText()).replaceAll("\u00a0", " ");
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `sessions-${name}.png`) });
  const sidebar = () => page.getByTestId("sessions");
  const session = (name: string) => sidebar().locator(`[data-testid="session-item"][data-name="${name}"]`);
  const runs = () => page.getByTestId("session-runs").getByTestId("session-run");
  const waitForRuns = () => columnsDone(page);
  /** Replaces text in the editor as a person would: find it (Ctrl+F selects the match), type over it. */
  async function replaceInEditor(from: string, to: string): Promise<void> {
    await page.locator('[data-testid="editor"] .view-lines').click();
    await page.keyboard.press("Control+f");
    await page.keyboard.type(from);
    await page.keyboard.press("Escape");
    await page.keyboard.type(to);
    await expect.poll(text).toContain(to);
  }
  async function reload(): Promise<void> {
    // Unsaved edits make the page ask before it unloads (they are kept as a draft): leave.
    const leave = (dialog: Dialog) => void (dialog.type() === "beforeunload" && dialog.accept());
    page.on("dialog", leave);
    await page.reload();
    page.off("dialog", leave);
    await connected();
    await page.locator('[data-testid="editor"] .view-line').first().waitFor();
  }

  it("saves every run to today's session and lists them", async () => {
    await page.getByTestId("examples").selectOption("mlp");
    await expect.poll(text).toContain("multi-layer perceptron");
    const today = (await page.getByTestId("saving-to").innerText()).replace(/^New runs save to\s*/, "").trim();
    expect(today).toMatch(/^Session \d{4}-\d{2}-\d{2}$/);

    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await page.getByTestId("column-eager").getAttribute("data-status")).toBe("done");
    await expect.poll(() => session(today).count()).toBe(1);

    // A layer narrower, run again: the session holds both runs of each column.
    await replaceInEditor("hidden2 = 128", "hidden2 = 64");
    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await page.getByTestId("column-graph").getAttribute("data-status")).toBe("done");
    await expect.poll(() => session(today).locator(".count").innerText()).toBe("4");
    await expect.poll(() => runs().count()).toBe(4);
    expect(await page.getByTestId("session-detail").locator(".mode.eager").count()).toBe(2);
    expect(await session(today).locator(".meta").innerText()).toMatch(/4 runs · last (just now|\d+ min ago)/);
    await shot("1-saved");
  });

  it("keeps a column's chart with its saved run: listed under the run in the sidebar, and downloadable", async () => {
    const eager = page.getByTestId("column-eager");
    await eager.getByTestId("chart-save-to-session").click();
    const toast = () => page.locator(".toast").innerText().catch(() => "");
    await expect.poll(toast, { timeout: 10_000 }).toMatch(/^Saved eager-time-per-phase\.png to run #\d+$/);
    const runId = /#(\d+)$/.exec(await toast())?.[1] ?? "";
    const row = runs().and(page.locator(`[data-run="${runId}"]`));
    await expect.poll(() => row.getByTestId("run-files-toggle").innerText().catch(() => "")).toMatch(/1 file$/);
    await row.getByTestId("run-files-toggle").click();
    const file = row.getByTestId("run-file");
    await expect.poll(() => file.innerText().catch(() => "")).toMatch(/^eager-time-per-phase\.png\s+\d+(\.\d+)? KB$/);
    await shot("1b-chart-saved");

    const download = page.waitForEvent("download");
    await file.getByRole("button").click();
    const got = await download;
    expect(got.suggestedFilename()).toBe("eager-time-per-phase.png");
    const bytes = readFileSync(await got.path());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Only runs that keep files show the toggle.
    expect(await page.getByTestId("session-runs").getByTestId("run-files").count()).toBe(1);
  });

  it("renames the session and keeps its notes across a reload", async () => {
    await page.getByTestId("session-rename").click();
    await page.getByTestId("session-rename-input").fill("MLP widths");
    await page.getByTestId("session-rename-input").press("Enter");
    await expect.poll(() => session("MLP widths").count()).toBe(1);
    await expect.poll(() => page.getByTestId("saving-to").innerText()).toContain("MLP widths");

    await page.getByTestId("session-notes").fill("hidden2 128 vs 64: the narrower layer is not slower on 8 rows");
    await expect.poll(() => session("MLP widths").locator(".notes").innerText().catch(() => ""), { timeout: 10_000 }).toContain("the narrower layer");
    await expect.poll(() => page.getByTestId("notes-state").innerText()).toBe("");

    await reload();
    await expect.poll(() => session("MLP widths").count()).toBe(1);
    expect(await page.getByTestId("saving-to").innerText()).toContain("MLP widths");
    await session("MLP widths").click();
    await expect.poll(() => page.getByTestId("session-notes").inputValue()).toContain("the narrower layer");
    // Search finds it by its notes and by its model file, and not by anything else.
    await page.getByTestId("session-search").fill("narrower");
    await expect.poll(() => sidebar().getByTestId("session-item").count()).toBe(1);
    await page.getByTestId("session-search").fill("mlp.ts");
    await expect.poll(() => sidebar().getByTestId("session-item").count()).toBe(1);
    await page.getByTestId("session-search").fill("resnet");
    await expect.poll(() => sidebar().getByTestId("session-item").count()).toBe(0);
    await page.getByTestId("session-search").fill("");
  });

  it("compares the two eager runs: latency ratio, settings, and the changed line in the source diff", async () => {
    await expect.poll(() => runs().count()).toBe(4);
    const eager = runs().filter({ has: page.locator(".mode.eager") });
    // Newest first: tick the older run first, so that it is the baseline.
    await eager.nth(1).getByTestId("run-check").check();
    await eager.nth(0).getByTestId("run-check").check();
    await page.getByTestId("compare").click();
    const view = page.getByTestId("compare-view");
    await view.getByTestId("compare-latency").waitFor({ timeout: 30_000 });
    const ratios = await view.getByTestId("compare-ratio").allInnerTexts();
    expect(ratios[0]).toContain("baseline");
    expect(ratios[1]).toMatch(/^\d+\.\d{3}×$/);
    expect(await view.getByTestId("compare-parity").innerText()).toMatch(/logits|output/i);

    const diff = view.getByTestId("diff-editor");
    await expect.poll(() => diff.getAttribute("data-changes"), { timeout: 30_000 }).toMatch(/^[1-9]/);
    await expect.poll(() => diff.locator(".editor.modified .view-lines").innerText().then((t) => t.replaceAll("\u00a0", " "))).toContain("hidden2 = 64");
    expect(await diff.locator(".editor.original .view-lines").innerText().then((t) => t.replaceAll("\u00a0", " "))).toContain("hidden2 = 128");
    expect(await diff.locator(".line-insert, .char-insert").count()).toBeGreaterThan(0);

    const settings = view.getByTestId("compare-settings").locator("tbody tr");
    const all = await settings.count();
    await view.getByTestId("only-diff").check();
    await expect.poll(() => settings.count()).toBeLessThan(all);
    await view.getByTestId("only-diff").uncheck();
    await shot("2-compare");
    await view.locator("canvas").first().scrollIntoViewIfNeeded();

    const csv = page.waitForEvent("download");
    await view.getByRole("button", { name: "CSV" }).first().click();
    expect(readFileSync(await (await csv).path(), "utf8")).toMatch(/^run,sample,ms\r\n/);
    await view.getByTestId("compare-close").click();
  });

  it("exports the session as a bundle (a browser download)", async () => {
    const download = page.waitForEvent("download");
    await page.getByTestId("session-export").click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("MLP_widths.tandem");
    const bytes = readFileSync(await file.path());
    expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK"); // a zip
  });

  it("opens the session again after a reload: the editor gets the latest run's source, the columns its results", async () => {
    await reload();
    // The edited MLP came back as a draft: switching to another example asks first ("discard").
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("examples").selectOption("resnet_cnn");
    await expect.poll(text).toContain("A small ResNet");
    await session("MLP widths").dblclick();
    await expect.poll(text, { timeout: 30_000 }).toContain("hidden2 = 64");
    for (const id of ["eager", "graph"]) {
      await expect.poll(() => page.getByTestId(`column-${id}`).getByTestId("restored").innerText()).toMatch(/Restored from MLP widths, (just now|\d+ min ago)/);
      expect(await page.getByTestId(`column-${id}`).getByTestId("outputs").innerText()).toContain("[8, 10]");
    }
    await shot("3-restored");
  });

  it("imports a bundle from elsewhere, and asks before running its code", async () => {
    await page.getByTestId("session-import-file").setInputFiles(bundle);
    await expect.poll(() => page.locator(".toast").innerText().catch(() => ""), { timeout: 30_000 }).toMatch(/Imported 1 run into “Shared MLP”/);
    await expect.poll(() => session("Shared MLP").count()).toBe(1);
    await expect.poll(() => runs().count()).toBe(1);
    expect(await runs().first().getByTestId("run-imported").innerText()).toBe("imported");

    await runs().first().locator("button.open").click();
    await expect.poll(() => page.getByTestId("imported-code").innerText()).toContain("shared-mlp.tandem");
    expect(await page.getByTestId("column-eager").getByTestId("restored").innerText()).toContain("Shared MLP");

    // Imported runs went to their own session; new runs still go to the current one.
    expect(await page.getByTestId("saving-to").innerText()).toContain("MLP widths");
    await page.getByTestId("run-both").click();
    const dialog = page.getByTestId("trust-dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toMatch(/This model came from shared-mlp\.tandem — it is code from elsewhere; running it runs that code on this machine\. Run it\?/);
    await shot("4-imported-warning");
    await page.getByTestId("trust-cancel").click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId("column-eager").getAttribute("data-status")).toBe("done");
    expect(await page.getByTestId("column-eager").getByTestId("restored").count()).toBe(1);

    await page.keyboard.press("Control+Enter");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.getByTestId("trust-run").click();
    await waitForRuns();
    expect(await page.getByTestId("column-eager").getByTestId("restored").count()).toBe(0);
    expect(await page.getByTestId("column-eager").getAttribute("data-status")).toBe("done");

    // Accepted once for this source: the next run does not ask.
    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await dialog.isVisible()).toBe(false);
  });

  it("looks right in the dark theme too", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await session("MLP widths").click();
    await expect.poll(() => runs().count()).toBeGreaterThanOrEqual(4);
    await shot("5-dark-sidebar");
    const eager = runs().filter({ has: page.locator(".mode.eager") });
    // Three eager runs, oldest first (the baseline): both widths made here, then the imported model run here.
    for (const i of [3, 2, 0]) await eager.nth(i).getByTestId("run-check").check();
    await page.getByTestId("compare").click();
    await page.getByTestId("compare-view").getByTestId("compare-latency").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("compare-view").getByTestId("diff-editor").getAttribute("data-changes"), { timeout: 30_000 }).not.toBe("");
    await shot("6-dark-compare");
    await page.getByTestId("compare-view").locator(".sources").scrollIntoViewIfNeeded();
    await shot("7-dark-compare-diff");
    await page.getByTestId("compare-close").click();
    expect(problems).toEqual([]);
  });

  it("makes, deletes and folds away sessions", async () => {
    await page.getByTestId("session-new").click();
    await page.getByTestId("session-rename-input").fill("Scratch");
    await page.getByTestId("session-rename-input").press("Enter");
    await expect.poll(() => session("Scratch").count()).toBe(1);
    expect(await page.getByTestId("saving-to").innerText()).toContain("Scratch");
    expect(await page.getByTestId("session-detail").innerText()).toContain("No runs in this session yet.");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("session-delete").click();
    await expect.poll(() => session("Scratch").count()).toBe(0);
    expect(await page.getByTestId("saving-to").innerText()).toMatch(/Session \d{4}-\d{2}-\d{2}/);

    await sidebar().getByRole("button", { name: "Hide the sessions" }).click();
    await page.getByTestId("sessions-expand").waitFor();
    const editorLeft = await page.getByTestId("editor").evaluate((e) => e.getBoundingClientRect().left);
    expect(editorLeft).toBeLessThan(60);
    await shot("8-dark-folded");
    await page.getByTestId("sessions-expand").click();
    await sidebar().waitFor();
    expect(problems).toEqual([]);
  });
});
