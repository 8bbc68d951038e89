import type { Transport } from "../shared/transport";
import { CHANNEL } from "./channel";

/** What the preload uses of Electron's ipcRenderer; the real one satisfies it, as does a test's fake. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The contract over Electron IPC, window side: a Transport on the one channel. */
export function ipcRendererTransport(ipcRenderer: IpcRendererLike): Transport {
  return {
    send: (message) => ipcRenderer.send(CHANNEL, message),
    onMessage: (listener) => {
      const handler = (_event: unknown, message: unknown) => listener(message);
      ipcRenderer.on(CHANNEL, handler);
      return () => void ipcRenderer.removeListener(CHANNEL, handler);
    },
  };
}
