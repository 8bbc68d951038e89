/**
 * The window's only door to the app: the contract's client, exposed as `window.tandem`. Nothing
 * else of Electron or Node reaches the page (contextIsolation, sandbox). The client checks every
 * reply and event it receives against the contract here; the main process checks every request.
 * Bundled to one CommonJS file (bin/build-app.mjs): a sandboxed preload can require only "electron".
 */
import { contextBridge, ipcRenderer } from "electron";
import { createClient } from "../shared/client";
import { ipcRendererTransport } from "./ipc-renderer";

const tandem = createClient(ipcRendererTransport(ipcRenderer), {
  onInvalid: (problem) => console.warn(`tandem: ${problem}`),
});

contextBridge.exposeInMainWorld("tandem", tandem);
