import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "./browser";
import { ROOT, type Serving } from "./serve";
import { SHOTS, chromiumOrWarn, openWorkbench, waitForRuns as columnsDone } from "./workbench-page";

/**
 * The window end to end, as a person uses it: `tandem serve`, the printed URL in headless Chromium,
 * the CNN example run eagerly and as a graph, the graph view, an ONNX export, a syntax error.
 * Screenshots go to e2e/screenshots/ (not committed): look at them after a change to the window.
 */

const chromium = chromiumOrWarn();
const CNN = "assets/examples/resnet_cnn.ts";

describe.skipIf(!chromium)("the workbench in a browser (tandem serve)", () => {
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  const outDir = mkdtempSync(path.join(os.tmpdir(), "tandem-e2e-out-"));

  beforeAll(async () => {
    ({ serving, browser, page, problems } = await openWorkbench(chromium));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serving?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  // Monaco draws spaces as no-break spaces.
  const text = async () => (await page.locator(".monaco-editor .view-lines").innerText()).replaceAll("\u00a0", " ");
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const columnStatus = (id: string) => page.getByTestId(`column-${id}`).getAttribute("data-status");
  const waitForRuns = () => columnsDone(page);

  it("takes the token out of the address bar and loads the editor with the tandem types", async () => {
    expect(page.url()).not.toContain("token=");
    await page.locator(".monaco-editor .view-line").first().waitFor();
    await page.getByTestId("examples").selectOption("resnet_cnn");
    await expect.poll(text).toContain("A small ResNet");
    expect(await page.locator(".topbar .filename").innerText()).toContain("resnet_cnn.ts");
    // Lines are laid out one under another (the policy blocks Monaco's style attributes; the window applies them).
    const tops = await page.locator(".monaco-editor .view-line").evaluateAll((lines) => lines.slice(0, 3).map((l) => l.getBoundingClientRect().top));
    expect(new Set(tops).size).toBe(tops.length);
    await shot("1-loaded");
  });

  it("runs the CNN eagerly and as a graph, with results and a chart in both columns", async () => {
    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await columnStatus("eager")).toBe("done");
    expect(await columnStatus("graph")).toBe("done");
    for (const id of ["eager", "graph"]) {
      const column = page.getByTestId(`column-${id}`);
      await expect.poll(() => column.getByTestId("outputs").locator("tbody tr").count()).toBeGreaterThan(0);
      expect(await column.getByTestId("outputs").innerText()).toContain("[4, 10]");
      expect(await column.getByTestId("latency").innerText()).toMatch(/\d/);
      // ECharts drew something: a canvas with a size and non-blank pixels.
      const drawn = await column.getByTestId("chart").locator("canvas").first().evaluate((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext("2d");
        if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        return painted;
      });
      expect(drawn).toBeGreaterThan(100);
    }
    expect(await page.getByTestId("column-graph").getByTestId("parity").innerText()).toMatch(/Δ|exact/);
    await shot("2-run-both");

    const download = page.waitForEvent("download");
    await page.getByTestId("column-eager").getByRole("button", { name: "PNG" }).click();
    const file = await (await download).path();
    expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("shows the graph before and after the passes, and a click on an op goes to its line", async () => {
    await page.getByTestId("tab-graph").click();
    const nodes = page.getByTestId("graph-view").locator("g.node");
    await expect.poll(() => nodes.count(), { timeout: 90_000 }).toBeGreaterThan(5);
    expect(await page.getByTestId("graph-view").locator("g.node.fused").count()).toBeGreaterThan(0);
    await shot("3-graph-optimized");
    await page.locator('g.node[data-node="conv2d"]').click();
    await expect.poll(() => page.locator(".monaco-editor .active-line-number").first().innerText()).toBe("84");
    await page.getByRole("tab", { name: "Traced" }).click();
    expect(await page.getByTestId("graph-view").locator("g.node.removed, g.node.fused").count()).toBeGreaterThan(0);
    await shot("4-graph-traced");
    await page.getByRole("tab", { name: "Run" }).click();
  });

  it("exports ONNX that onnxruntime loads", async () => {
    const target = path.join(outDir, "resnet_cnn.onnx");
    await page.getByTestId("open-export").click();
    await page.getByTestId("export-to-path").check();
    await page.getByTestId("export-path").fill(target);
    await page.getByTestId("export-run").click();
    await page.getByTestId("export-result").waitFor({ timeout: 120_000 });
    expect(await page.getByTestId("export-written").innerText()).toBe(target);
    expect(await page.getByTestId("export-ort").innerText()).toContain("loaded and ran");
    await shot("5-export");

    const bytes = readFileSync(target);
    expect(statSync(target).size).toBeGreaterThan(1000);
    expect(bytes[0]).toBe(0x08); // field 1 (ir_version), varint: how every ModelProto starts
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(target);
    expect(session.inputNames).toEqual(["x"]);
    const input = new ort.Tensor("float32", new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]);
    const out = await session.run({ x: input });
    expect(Object.values(out)[0]?.dims).toEqual([2, 10]);
    await page.keyboard.press("Escape");
  });

  it("exports a quantized model as a browser download that onnxruntime loads", async () => {
    await page.getByTestId("open-export").click();
    await page.getByTestId("export-to-download").check();
    await page.getByTestId("export-quantize").check();
    const download = page.waitForEvent("download", { timeout: 120_000 });
    await page.getByTestId("export-run").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.onnx$/);
    await page.getByTestId("export-quantized").waitFor();
    // The CNN's convolutions stay float: its one Linear is the matmul that gets int8 weights.
    expect(await page.getByTestId("export-quantized").innerText()).toMatch(/^1 matmul on int8 weights/);
    expect(await page.getByTestId("export-verdict").innerText()).toBe("within");
    expect(await page.getByTestId("export-downloaded").innerText()).toBe(file.suggestedFilename());
    await shot("5b-export-quantized");

    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(readFileSync(await file.path() as string));
    const out = await session.run({ x: new ort.Tensor("float32", new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]) });
    expect(Object.values(out)[0]?.dims).toEqual([2, 10]);
    await page.keyboard.press("Escape");
  });

  it("completes the tandem API in the editor (its declarations are loaded)", async () => {
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText("\nF.adaptive");
    await page.keyboard.press("Control+Space");
    const suggestions = page.locator(".monaco-editor .suggest-widget");
    await expect.poll(() => suggestions.innerText().catch(() => ""), { timeout: 60_000 }).toContain("adaptive_avg_pool2d");
    await shot("6-completion");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+z");
    await expect.poll(text).not.toContain("F.adaptive");
  });

  it("puts a syntax error's marker at its line", async () => {
    const source = readFileSync(path.join(ROOT, CNN), "utf8");
    const line = source.endsWith("\n") ? source.split("\n").length : source.split("\n").length + 1;
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+End");
    if (!source.endsWith("\n")) await page.keyboard.press("Enter");
    await page.keyboard.insertText("const broken = (;");
    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await columnStatus("eager")).toBe("failed");
    expect(await page.getByTestId("column-eager").getByTestId("run-error").innerText()).toMatch(/syntax/i);
    await expect.poll(() => page.getByTestId("editor").getAttribute("data-markers")).toContain(`${line}:`);
    expect(await page.getByTestId("problems").innerText()).toContain(`resnet_cnn.ts:${line}:`);
    await shot("7-syntax-error");
  });

  it("shows graph breaks at their lines, in the system's dark theme", async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(background).not.toBe(light);
    await expect.poll(() => page.locator(".monaco-editor").first().getAttribute("class")).toContain("vs-dark");

    page.once("dialog", (dialog) => void dialog.accept()); // discard the edited CNN
    await page.getByTestId("examples").selectOption("branching");
    await page.getByTestId("run-both").click();
    await waitForRuns();
    expect(await columnStatus("graph")).toBe("done");
    expect(await page.getByTestId("problems").innerText()).toContain("graph break");
    await expect.poll(() => page.getByTestId("editor").getAttribute("data-markers")).toContain("warning");
    await shot("8-dark-breaks");
    await page.getByTestId("tab-graph").click();
    await expect.poll(() => page.getByTestId("graph-view").locator("g.node").count(), { timeout: 90_000 }).toBeGreaterThan(3);
    expect(await page.getByTestId("graph-view").locator("g.node.broken").count()).toBeGreaterThan(0);
    await shot("9-dark-graph");
    await page.getByRole("tab", { name: "Run" }).click();
  });

  it("shows a long run's progress and cancels it", async () => {
    await page.getByRole("button", { name: "New", exact: true }).click();
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+a");
    await page.keyboard.insertText(
      'import { nn, type Tensor } from "tandem";\nexport default class Spin extends nn.Module {\n  forward(x: Tensor): Tensor {\n    for (;;) x = x.add(1);\n  }\n}\nexport const inputs = { x: [2, 2] };\n',
    );
    await page.getByTestId("run-both").click();
    const eager = page.getByTestId("column-eager");
    await expect.poll(() => eager.getAttribute("data-status")).toBe("running");
    await expect.poll(() => eager.getByRole("status").innerText(), { timeout: 30_000 }).toMatch(/running|queued|compiling|constructing|starting/);
    await shot("10-running");
    for (const id of ["eager", "graph"]) await page.getByTestId(`column-${id}`).getByTestId("cancel").click();
    await expect.poll(() => columnStatus("eager"), { timeout: 30_000 }).toBe("cancelled");
    await expect.poll(() => columnStatus("graph"), { timeout: 30_000 }).toBe("cancelled");
    expect(problems).toEqual([]);
  });

  it("shows NaN and infinities in both columns, and NaN where eager has NaN as agreement", async () => {
    await page.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Control+a");
    await page.keyboard.insertText(readFileSync(path.join(ROOT, "engine/test/fixtures/models/non_finite.ts"), "utf8"));
    await page.getByTestId("run-both").click();
    await waitForRuns();
    for (const id of ["eager", "graph"]) {
      expect(await columnStatus(id)).toBe("done");
      const outputs = await page.getByTestId(`column-${id}`).getByTestId("outputs").innerText();
      expect(outputs).toMatch(/output\.log[\s\S]*NaN[\s\S]*NaN!/);
      expect(outputs).toMatch(/output\.inf[\s\S]*-inf[\s\S]*inf!/);
    }
    expect(await page.getByTestId("column-graph").getByTestId("parity").innerText()).toBe("bit-exact");
    await shot("11-non-finite");
    expect(problems).toEqual([]);
  });
});
