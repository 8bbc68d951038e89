/**
 * The desktop app's main process: one window, the contract over IPC, the engine's worker pool as
 * utility processes, the menu and native file dialogs. Thin on purpose: everything it offers the
 * window is a contract method served by engine/service (or electron/files.ts for files), and
 * everything the window could misuse is shut: sandboxed, isolated page; one channel checked per
 * frame; no navigation, no new windows, no permissions, a strict Content-Security-Policy.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, screen, session } from "electron";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ShellCommand } from "../shared/contract";
import { ROOT } from "../engine/paths";
import { contentSecurityPolicy } from "../engine/serve/security";
import { contentType, resolveStatic } from "../engine/serve/static";
import { EngineService } from "../engine/service/service";
import { APP_ORIGIN, APP_SCHEME } from "./channel";
import { ModelFiles, jsonRecentStore } from "./files";
import { createIpcHost } from "./ipc";
import { menuTemplate } from "./menu";
import { transferResponse } from "./transfers-scheme";
import { restoreWindowState } from "./window-state";
import { utilityLauncher } from "./worker-launcher";

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/electron
const WORKER = path.join(HERE, "..", "worker.mjs");
const PRELOAD = path.join(HERE, "preload.cjs");
/**
 * The built window (renderer/dist) once there is one; until then the small page of `tandem serve`.
 * TANDEM_STATIC_DIR picks another (the e2e test uses it to drive the small page).
 */
const STATIC_DIR = path.resolve(
  process.env.TANDEM_STATIC_DIR || (existsSync(path.join(ROOT, "renderer/dist/index.html")) ? path.join(ROOT, "renderer/dist") : path.join(HERE, "..", "page")),
);
const DEV = !app.isPackaged;
const log = (line: string) => process.stderr.write(`tandem: ${line}\n`);

app.setName("Tandem");
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.enableSandbox();
  void app.whenReady().then(start);
}

const isAppUrl = (url: string) => url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
let window: BrowserWindow | null = null;

function serveAppScheme(service: EngineService): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== "app") return new Response("not found", { status: 404 });
    // download/<id> and upload: the files the engine offers and takes, as `tandem serve` answers them.
    const transfer = await transferResponse(request, url, service.transfers);
    if (transfer) return transfer;
    const found = resolveStatic(STATIC_DIR, url.pathname);
    if ("status" in found) return new Response(found.text, { status: found.status });
    const response = await net.fetch(pathToFileURL(found.file).toString());
    return new Response(response.body, {
      status: response.status,
      headers: { "Content-Type": contentType(found.file), "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff" },
    });
  });
}

function lockDown(): void {
  // No camera, microphone, notifications, ...: the window needs none of them.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
    contents.on("will-navigate", (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on("will-redirect", (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
}

function userFile(name: string): string {
  const dir = app.getPath("userData");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

const readText = (file: string): string | null => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
};

function createWindow(): BrowserWindow {
  const stateFile = userFile("window-state.json");
  const state = restoreWindowState(readText(stateFile), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    title: "Tandem",
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once("ready-to-show", () => win.show());
  win.on("close", () => {
    const bounds = win.getNormalBounds();
    try {
      writeFileSync(stateFile, JSON.stringify({ ...bounds, maximized: win.isMaximized() }));
    } catch (error) {
      log(`could not remember the window's place: ${String(error)}`);
    }
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function start(): Promise<void> {
  lockDown();
  const service = new EngineService({ host: "electron", files: true, launcher: utilityLauncher(WORKER, log), baseDir: app.getPath("home"), log });
  serveAppScheme(service);
  const files = new ModelFiles(
    {
      open: async () => {
        const options = { properties: ["openFile" as const], filters: [{ name: "Tandem model", extensions: ["ts"] }] };
        const picked = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
        return picked.canceled ? null : (picked.filePaths[0] ?? null);
      },
      save: async (suggested) => {
        const options = { defaultPath: suggested ?? "model.ts", filters: [{ name: "Tandem model", extensions: ["ts"] }] };
        const picked = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return picked.canceled ? null : (picked.filePath ?? null);
      },
    },
    jsonRecentStore(userFile("recent-files.json"), (f) => readFileSync(f, "utf8"), (f, text) => writeFileSync(f, text)),
    (paths) => {
      if (paths[0]) app.addRecentDocument(paths[0]);
      buildMenu();
    },
  );
  const ipc = createIpcHost(ipcMain, { ...service.handlers(), ...files.handlers() }, { isAppUrl, log });

  const send = (command: ShellCommand) => {
    const contents = window?.webContents;
    if (contents) ipc.connection(contents)?.emit("shell", command);
  };
  const buildMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          send,
          open: async (file) => {
            try {
              const opened = await files.open(file);
              if (opened) send({ command: "open", ...opened });
            } catch (error) {
              dialog.showErrorBox("Could not open the file", error instanceof Error ? error.message : String(error));
            }
          },
          chooseOnnxPath: async () => {
            const options = { defaultPath: "model.onnx", filters: [{ name: "ONNX model", extensions: ["onnx"] }] };
            const picked = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
            return picked.canceled ? null : (picked.filePath ?? null);
          },
          recentFiles: () => files.recentFiles,
          isMac: process.platform === "darwin",
          dev: DEV,
        }),
      ),
    );
  buildMenu();

  const open = () => {
    window = createWindow();
    ipc.attach(window.webContents);
    window.on("closed", () => (window = null));
  };
  open();

  app.on("second-instance", () => {
    if (!window) return open();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on("activate", () => {
    if (!window) open();
  });
  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });
  let quitting = false;
  app.on("before-quit", (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault(); // stop the workers first, then quit
    ipc.close();
    void service.close().finally(() => app.quit());
  });
}
