import type { Transport } from "../shared/transport";
import { type Connection, serveConnection } from "../engine/service/connection";
import type { Handlers } from "../engine/service/service";
import { CHANNEL } from "./channel";

/**
 * The contract over Electron IPC, main-process side: one Connection per window, fed by one
 * ipcMain listener that drops messages from any frame but the window's own top frame on the app's
 * origin. The Electron objects are described by the little that is used of them, so that a test
 * can drive this with a fake ipcMain / ipcRenderer pair; Electron's real ones satisfy these types.
 */

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: "destroyed", listener: () => void): unknown;
}

export interface IpcMainEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): unknown;
}

export interface IpcHostOptions {
  /** Whether a frame URL is the app's own page (its origin, e.g. tandem://app/). */
  isAppUrl: (url: string) => boolean;
  log?: (line: string) => void;
  maxMessageChars?: number;
}

export interface IpcHost {
  /** Serves the contract to a window's contents until they are destroyed. */
  attach(contents: WebContentsLike): Connection;
  connection(contents: WebContentsLike): Connection | undefined;
  close(): void;
}

const sameFrame = (a: FrameLike, b: FrameLike) => a.processId === b.processId && a.routingId === b.routingId;

export function createIpcHost(ipcMain: IpcMainLike, handlers: Handlers, options: IpcHostOptions): IpcHost {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const windows = new Map<number, { deliver: (message: unknown) => void; connection: Connection }>();

  const listener = (event: IpcMainEventLike, message: unknown) => {
    const window = windows.get(event.sender.id);
    const frame = event.senderFrame;
    if (!window) return log(`ipc: dropped a message from web contents ${event.sender.id}, which is not a Tandem window`);
    if (!frame || !sameFrame(frame, event.sender.mainFrame) || !options.isAppUrl(frame.url)) {
      return log(`ipc: dropped a message from a frame that is not the window's own page (${frame?.url ?? "no frame"})`);
    }
    window.deliver(message);
  };
  ipcMain.on(CHANNEL, listener);

  return {
    attach(contents) {
      const existing = windows.get(contents.id);
      if (existing) return existing.connection;
      const messageListeners = new Set<(message: unknown) => void>();
      const closeListeners = new Set<() => void>();
      const transport: Transport = {
        send: (message) => {
          if (!contents.isDestroyed()) contents.send(CHANNEL, message);
        },
        onMessage: (l) => {
          messageListeners.add(l);
          return () => void messageListeners.delete(l);
        },
        onClose: (l) => {
          closeListeners.add(l);
          return () => void closeListeners.delete(l);
        },
      };
      const connection = serveConnection(transport, handlers, { log, name: `window ${contents.id}`, ...(options.maxMessageChars ? { maxMessageChars: options.maxMessageChars } : {}) });
      windows.set(contents.id, { deliver: (message) => messageListeners.forEach((l) => l(message)), connection });
      contents.once("destroyed", () => {
        windows.delete(contents.id);
        closeListeners.forEach((l) => l());
      });
      return connection;
    },
    connection: (contents) => windows.get(contents.id)?.connection,
    close() {
      ipcMain.removeListener(CHANNEL, listener);
      for (const { connection } of windows.values()) connection.close();
      windows.clear();
    },
  };
}
