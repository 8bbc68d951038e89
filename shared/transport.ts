/**
 * What carries contract messages between a client and the engine: two verbs, as in VS Code's IPC
 * (`send` + `onMessage`). Electron IPC, a WebSocket and an in-memory pair (tests) all fit it.
 * Messages are plain JSON values; a transport that needs bytes or text serialises them itself.
 */
export interface Transport {
  send(message: unknown): void;
  /** Returns a function that removes the listener. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the other end is gone; transports that cannot tell leave it out. */
  onClose?(listener: () => void): () => void;
}

/** What the client needs of a WebSocket: a browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "open" | "close", listener: () => void): void;
  removeEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: "open" | "close", listener: () => void): void;
}

const CONNECTING = 0;
const OPEN = 1;

/** A Transport over a WebSocket (JSON text frames); sends wait until the socket is open. */
export function websocketTransport(socket: WebSocketLike): Transport {
  const backlog: string[] = [];
  socket.addEventListener("open", () => {
    for (const data of backlog.splice(0)) socket.send(data);
  });
  return {
    send(message) {
      const data = JSON.stringify(message);
      if (socket.readyState === CONNECTING) backlog.push(data);
      else if (socket.readyState === OPEN) socket.send(data);
      // closing or closed: the client fails its pending calls when it hears the close
    },
    onMessage(listener) {
      const handler = (event: { data: unknown }) => {
        const data = event.data;
        if (typeof data !== "string") return listener(data); // a binary frame: the client rejects it
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          parsed = data; // not JSON: handed on as text, which the client reports as invalid
        }
        listener(parsed);
      };
      socket.addEventListener("message", handler);
      return () => socket.removeEventListener("message", handler);
    },
    onClose(listener) {
      const handler = () => listener();
      socket.addEventListener("close", handler);
      return () => socket.removeEventListener("close", handler);
    },
  };
}

/**
 * Two Transports joined back to back in one process (tests, an engine embedded in its host):
 * messages arrive on the next tick, copied as JSON, as they would after crossing a process.
 */
export function transportPair(): [Transport, Transport, () => void] {
  type End = { listeners: Set<(m: unknown) => void>; closers: Set<() => void> };
  const ends: [End, End] = [
    { listeners: new Set(), closers: new Set() },
    { listeners: new Set(), closers: new Set() },
  ];
  let closed = false;
  const make = (self: End, other: End): Transport => ({
    send(message) {
      if (closed) return;
      const copy: unknown = JSON.parse(JSON.stringify(message) ?? "null");
      setTimeout(() => other.listeners.forEach((l) => l(copy)), 0);
    },
    onMessage(listener) {
      self.listeners.add(listener);
      return () => void self.listeners.delete(listener);
    },
    onClose(listener) {
      self.closers.add(listener);
      return () => void self.closers.delete(listener);
    },
  });
  const close = () => {
    if (closed) return;
    closed = true;
    for (const end of ends) end.closers.forEach((l) => l());
  };
  return [make(ends[0], ends[1]), make(ends[1], ends[0]), close];
}
