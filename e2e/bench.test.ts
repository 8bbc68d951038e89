import { readFileSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "./browser";
import type { Serving } from "./serve";
import { SHOTS, chromiumOrWarn, openWorkbench } from "./workbench-page";

/**
 * The Bench tab end to end: `tandem serve`, the CNN example benched (eager and graph:ort, batch
 * sizes 1 and 4, short times) through the window, its charts drawn and their data saved, the graph
 * view coloured by the profile, a bench cancelled half way. Screenshots (light and dark) go to
 * e2e/screenshots/bench-*.png: look at them after a change to the tab.
 */

const chromium = chromiumOrWarn();

describe.skipIf(!chromium)("the Bench tab in a browser (tandem serve)", () => {
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    ({ serving, browser, page, problems } = await openWorkbench(chromium));
    await page.locator(".monaco-editor .view-line").first().waitFor();
    await page.getByTestId("examples").selectOption("resnet_cnn");
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serving?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `bench-${name}.png`) });
  const view = () => page.getByTestId("bench-view");
  const status = () => page.getByTestId("bench-status").getAttribute("data-status");

  /** Pixels ECharts painted on a card's canvas (0 when it drew nothing). */
  const painted = (card: Locator) =>
    card.locator("canvas").first().evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext("2d");
      if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });

  /** The CSV a card's button saves. */
  async function csv(card: Locator): Promise<string[]> {
    const download = page.waitForEvent("download");
    await card.getByRole("button", { name: "CSV" }).first().click();
    return readFileSync(await (await download).path(), "utf8").trim().split(/\r\n/);
  }

  async function settings(values: { batches: string; min: string; max: string; warmup: string; modes: Record<string, boolean> }) {
    for (const [mode, on] of Object.entries(values.modes)) await page.getByTestId(`bench-mode-${mode}`).setChecked(on);
    await page.getByTestId("bench-batches").fill(values.batches);
    await page.getByTestId("bench-threads").fill("1");
    await page.getByTestId("bench-warmup").fill(values.warmup);
    await page.getByTestId("bench-min-time").fill(values.min);
    await page.getByTestId("bench-max-time").fill(values.max);
  }

  it("says what a bench does before the first one", async () => {
    await page.getByTestId("tab-bench").click();
    await view().getByTestId("bench-empty").waitFor();
    expect(await view().getByTestId("bench-empty").innerText()).toContain("Run bench");
    await shot("1-empty");
  });

  it("benches the CNN eagerly and with onnxruntime at batch 1 and 4, with progress, then charts it", async () => {
    await settings({ batches: "1, 4", min: "0.3", max: "2", warmup: "0.2", modes: { eager: true, "graph:tfjs": false, "graph:ort": true } });
    await page.getByTestId("bench-run").click();
    await expect.poll(status).toBe("running");
    await expect.poll(() => page.getByTestId("bench-status").innerText(), { timeout: 120_000 }).toMatch(/measure|warm-up|profile/);
    await shot("2-running");
    await expect.poll(status, { timeout: 240_000, interval: 500 }).not.toBe("running");
    expect(await status()).toBe("done");
    await view().getByTestId("bench-distribution").waitFor();
    await shot("3-results-light");

    // The distribution: every sample of both variants at both batch sizes, as drawn.
    const distribution = view().getByTestId("bench-distribution");
    expect(await painted(distribution)).toBeGreaterThan(1000);
    const samples = await csv(distribution);
    expect(samples[0]).toBe("batch,variant,mode,threads,sample,ms");
    const variants = new Set(samples.slice(1).map((l) => l.split(",").slice(0, 2).join(" ")));
    expect([...variants].sort()).toEqual(["1 eager", "1 graph:ort@1t", "4 eager", "4 graph:ort@1t"]);

    const scaling = view().getByTestId("bench-scaling");
    expect(await painted(scaling)).toBeGreaterThan(500);

    const stats = await view().getByTestId("bench-stats").innerText();
    expect(stats).toContain("graph:ort@1t");
    expect(stats).toMatch(/\d+(\.\d+)?–\d+(\.\d+)? (ms|µs)/); // the median's CI
    expect(await view().getByTestId("bench-ratios").innerText()).toMatch(/× (faster|slower)/);
    await view().getByTestId("bench-stats").screenshot({ path: path.join(SHOTS, "bench-4-stats.png") });
    await view().getByTestId("bench-ratios").screenshot({ path: path.join(SHOTS, "bench-4-ratios.png") });

    // Memory of the first batch size: the RSS timeline with its peak, and the per-variant table.
    const memory = view().getByTestId("bench-memory");
    await memory.scrollIntoViewIfNeeded();
    expect(await painted(memory)).toBeGreaterThan(500);
    const rss = await csv(memory);
    expect(rss[0]).toBe("t,bytes,variant");
    expect(rss.length).toBeGreaterThan(10);
    expect(rss.some((l) => l.endsWith(",eager"))).toBe(true);
    expect(await view().getByTestId("bench-memory-table").innerText()).toMatch(/eager[\s\S]*MB/);

    // Per-op profile bars, by op type and by module.
    const profile = view().getByTestId("bench-profile");
    expect(await painted(profile)).toBeGreaterThan(500);
    const ops = await csv(profile);
    expect(ops[0]).toBe("key,variant,ms,calls,pct,source");
    expect(ops.some((l) => l.startsWith("conv2d,eager,"))).toBe(true);
    expect(ops.some((l) => l.startsWith("conv2d,graph:ort@1t,") && l.endsWith(",Conv"))).toBe(true);
    await view().getByTestId("profile-by-module").click();
    await expect.poll(async () => (await csv(profile)).some((l) => l.startsWith("layer1"))).toBe(true);
    await view().getByTestId("bench-case-1").click();
    await page.waitForTimeout(500); // the charts animate to the other batch size
    await memory.screenshot({ path: path.join(SHOTS, "bench-5-memory.png") });
    await profile.screenshot({ path: path.join(SHOTS, "bench-6-profile.png") });

    const download = page.waitForEvent("download");
    await distribution.getByRole("button", { name: "PNG" }).click();
    expect(readFileSync(await (await download).path()).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    // Kept with the bench's saved run (its first record); a batch size's chart is named for it.
    await memory.getByTestId("chart-save-to-session").click();
    await expect.poll(() => page.locator(".toast").innerText().catch(() => ""), { timeout: 10_000 }).toMatch(/^Saved memory-timeline-batch-4\.png to run #\d+$/);
  });

  it("colours the graph's nodes by the bench profile", async () => {
    await page.getByTestId("tab-graph").click();
    const graph = page.getByTestId("graph-view");
    await expect.poll(() => graph.locator("g.node").count(), { timeout: 90_000 }).toBeGreaterThan(5);
    expect(await graph.locator("g.node.heat").count()).toBe(0);
    await page.getByTestId("heat-select").selectOption("graph:ort@1t");
    await expect.poll(() => graph.locator("g.node.heat").count()).toBeGreaterThan(5);
    const fills = await graph.locator("g.node.heat rect").evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill));
    expect(new Set(fills).size).toBeGreaterThan(2); // a scale, not one colour
    expect(await graph.locator('g.node.heat[data-node="conv2d"]').getAttribute("data-heat-ms")).toMatch(/^\d/);
    expect(await graph.getByTestId("heat-legend").textContent()).toContain("graph:ort@1t");
    await shot("7-graph-heat-light");
    await page.getByTestId("heat-select").selectOption("eager");
    await expect.poll(() => graph.getByTestId("heat-legend").innerText()).toContain("mean time of one call");
  });

  it("reads in the dark theme", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByTestId("heat-select").selectOption("graph:ort@1t");
    await page.waitForTimeout(400);
    await shot("8-graph-heat-dark");
    await page.getByTestId("tab-bench").click();
    await view().getByTestId("bench-distribution").waitFor();
    await page.waitForTimeout(600);
    await shot("9-results-dark");
    await view().getByTestId("bench-memory").scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot("10-memory-profile-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("cancels a bench half way and shows what it measured, marked interrupted", async () => {
    await settings({ batches: "1, 2, 4", min: "4", max: "8", warmup: "0.2", modes: { eager: true, "graph:tfjs": true, "graph:ort": true } });
    await page.getByTestId("bench-run").click();
    await expect.poll(() => page.getByTestId("bench-status").innerText(), { timeout: 120_000 }).toMatch(/batch 2 \(2 of 3\)/);
    await page.getByTestId("bench-cancel").click();
    await expect.poll(status, { timeout: 60_000 }).toBe("cancelled");
    await view().getByTestId("bench-interrupted").scrollIntoViewIfNeeded();
    const banner = await view().getByTestId("bench-interrupted").innerText();
    expect(banner).toContain("Interrupted");
    expect(await view().getByTestId("bench-stats").innerText()).toContain("graph:tfjs");
    await shot("11-interrupted");
    expect(problems).toEqual([]);
  });
});
