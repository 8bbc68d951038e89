/**
 * The contract over Electron IPC, through a fake ipcMain / ipcRenderer pair that behaves like
 * Electron's (structured clone between the ends, a sender and a sender frame on each message):
 * the client the preload exposes, the main process's checks, and a real run on a worker.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "../shared/client";
import { CONTRACT_VERSION } from "../shared/contract";
import { EngineService } from "../engine/service/service";
import { APP_ORIGIN, CHANNEL } from "./channel";
import { ModelFiles } from "./files";
import { type FrameLike, type IpcMainEventLike, createIpcHost } from "./ipc";
import { ipcRendererTransport } from "./ipc-renderer";
import { restoreWindowState } from "./window-state";

const examples = path.resolve(import.meta.dirname, "../assets/examples");

/** One window: its web contents (main side) and its ipcRenderer (page side), joined through ipcMain. */
function fakeWindow(ipcMain: EventEmitter, id: number, url = `${APP_ORIGIN}/index.html`) {
  const toPage = new EventEmitter();
  const mainFrame: FrameLike = { url, processId: 1, routingId: id };
  let destroyed = false;
  const contents = {
    id,
    mainFrame,
    send: (channel: string, message: unknown) => setTimeout(() => toPage.emit(channel, { sender: null }, structuredClone(message)), 0),
    isDestroyed: () => destroyed,
    once: (event: "destroyed", listener: () => void) => toPage.once(`contents:${event}`, listener),
  };
  /** Sends as a frame of this window: its main frame unless told otherwise. */
  const fromFrame = (frame: FrameLike | null) => ({
    send: (channel: string, message: unknown) => {
      const event: IpcMainEventLike = { sender: contents, senderFrame: frame };
      setTimeout(() => ipcMain.emit(channel, event, structuredClone(message)), 0);
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => toPage.on(channel, listener),
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => toPage.removeListener(channel, listener),
  });
  const destroy = () => {
    destroyed = true;
    toPage.emit("contents:destroyed");
  };
  return { contents, ipcRenderer: fromFrame(mainFrame), fromFrame, destroy };
}

const service = new EngineService({ host: "electron", files: true, size: 1, maxOldSpaceMb: 512 });
afterAll(() => service.close());

describe("the contract over Electron IPC", () => {
  it("round-trips calls and events between the preload's client and the main process, and runs a model", async () => {
    const ipcMain = new EventEmitter();
    const logged: string[] = [];
    const host = createIpcHost(ipcMain, service.handlers(), { isAppUrl: (u) => u.startsWith(`${APP_ORIGIN}/`), log: (l) => logged.push(l) });
    const win = fakeWindow(ipcMain, 1);
    host.attach(win.contents);
    const tandem = createClient(ipcRendererTransport(win.ipcRenderer));

    expect(await tandem.hello()).toMatchObject({ contract: CONTRACT_VERSION, host: "electron", files: true });
    const logs: string[] = [];
    tandem.on("log", (entry) => logs.push(entry.text));
    const outcome = await tandem.run({ model: { file: path.join(examples, "branching.ts") }, repeat: 0, typecheck: false, backend: "cpu" });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.result.model.className).toBe("BranchingNet");
    expect(logs.some((l) => l.startsWith("BranchingNet: gate"))).toBe(true);

    // Menu commands reach the window as shell events.
    const shell = new Promise((resolve) => tandem.on("shell", resolve));
    host.connection(win.contents)?.emit("shell", { command: "exportOnnx", path: "/tmp/m.onnx" });
    expect(await shell).toEqual({ command: "exportOnnx", path: "/tmp/m.onnx" });
    expect(logged).toEqual([]);
    host.close();
  });

  it("drops messages from frames that are not the window's own page, and from unknown windows", async () => {
    const ipcMain = new EventEmitter();
    const logged: string[] = [];
    const host = createIpcHost(ipcMain, service.handlers(), { isAppUrl: (u) => u.startsWith(`${APP_ORIGIN}/`), log: (l) => logged.push(l) });
    const win = fakeWindow(ipcMain, 2);
    host.attach(win.contents);
    const answered: unknown[] = [];
    win.ipcRenderer.on(CHANNEL, (_e, m) => answered.push(m));
    const hello = { v: CONTRACT_VERSION, type: "request", id: "h", method: "hello", params: {} };

    win.fromFrame({ url: `${APP_ORIGIN}/index.html`, processId: 1, routingId: 99 }).send(CHANNEL, hello); // a subframe
    win.fromFrame({ url: "https://evil.example/", processId: 1, routingId: 2 }).send(CHANNEL, hello); // navigated away
    win.fromFrame(null).send(CHANNEL, hello);
    fakeWindow(ipcMain, 3).ipcRenderer.send(CHANNEL, hello); // a window the host never attached
    await new Promise((r) => setTimeout(r, 30));
    expect(answered).toEqual([]);
    expect(logged).toHaveLength(4);

    // Malformed messages from the real page get typed errors; the window goes on.
    win.ipcRenderer.send(CHANNEL, { v: CONTRACT_VERSION, type: "request", id: "m", method: "run", params: { model: 7 } });
    win.ipcRenderer.send(CHANNEL, { v: CONTRACT_VERSION, type: "request", id: "b", method: "run", params: { model: { source: "x".repeat(2_100_000), filename: "m.ts" } } });
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toMatchObject([
      { id: "m", ok: false, error: { code: "invalid" } },
      { id: "b", ok: false, error: { code: "too-large" } },
    ]);

    // A destroyed window's calls are cancelled and its connection forgotten.
    win.destroy();
    expect(host.connection(win.contents)).toBeUndefined();
    host.close();
  });
});

describe("desktop files and window state", () => {
  it("opens and saves only files the user chose, and remembers them as recent", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-files-"));
    const chosen = path.join(dir, "net.ts");
    writeFileSync(chosen, "// net\n");
    let stored: string[] = [];
    const picks: (string | null)[] = [chosen, path.join(dir, "copy.ts"), null];
    const files = new ModelFiles({ open: async () => picks.shift() ?? null, save: async () => picks.shift() ?? null }, { load: () => [], save: (p) => (stored = p) });
    const { openFile, saveFile } = files.handlers();
    const ctx = { id: "x", signal: new AbortController().signal, log: () => {}, progress: () => {}, benchProgress: () => {} };

    expect(await openFile({}, ctx)).toEqual({ path: chosen, text: "// net\n" });
    expect(await saveFile({ path: chosen, text: "// edited\n" }, ctx)).toEqual({ path: chosen });
    expect(readFileSync(chosen, "utf8")).toBe("// edited\n");
    // Save As, and a path the page made up: both go through the dialog.
    expect(await saveFile({ path: null, text: "// copy\n" }, ctx)).toEqual({ path: path.join(dir, "copy.ts") });
    expect(await saveFile({ path: "/etc/passwd", text: "x" }, ctx)).toEqual({ cancelled: true });
    await expect(openFile({ path: "/etc/passwd" }, ctx)).rejects.toThrow(/not chosen/);
    expect(await openFile({ path: chosen }, ctx)).toMatchObject({ path: chosen }); // a recent file
    expect(stored).toEqual([chosen, path.join(dir, "copy.ts")]);
  });

  it("restores the window where it was, unless that is off every display", () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(restoreWindowState(JSON.stringify({ x: 100, y: 50, width: 1000, height: 700, maximized: true }), screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(restoreWindowState(JSON.stringify({ x: 5000, y: 50, width: 1000, height: 700 }), screen)).toEqual({ width: 1000, height: 700, maximized: false });
    expect(restoreWindowState("{broken", screen)).toMatchObject({ width: 1280, height: 820 });
  });
});
