/**
 * The window's only door to the app: the contract's client, exposed as `window.tandem`. Nothing
 * else of Electron or Node reaches the page (contextIsolation, sandbox); every message the client
 * sends or receives is validated against the contract here, before the main process sees it.
 * Bundled to one CommonJS file (bin/build-app.mjs): a sandboxed preload can require only "electron".
 */
import { contextBridge, ipcRenderer } from "electron";
import { createClient } from "../shared/client";
import { ipcRendererTransport } from "./ipc-renderer";

const tandem = createClient(ipcRendererTransport(ipcRenderer), {
  onInvalid: (problem) => console.warn(`tandem: ${problem}`),
});

contextBridge.exposeInMainWorld("tandem", tandem);
