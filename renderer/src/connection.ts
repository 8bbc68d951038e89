import { type TandemClient, createClient } from "../../shared/client";
import { websocketTransport } from "../../shared/transport";
import { backoffMs } from "./lib/backoff";

declare global {
  interface Window {
    /** The desktop app's preload exposes the contract's client here (contextBridge). */
    tandem?: TandemClient;
  }
}

export interface Connection {
  client: TandemClient;
  /** "electron" when the preload's client is used, "serve" over the WebSocket. */
  via: "electron" | "serve";
  /** Called once when the engine goes away (the WebSocket closed). */
  onLost(listener: () => void): void;
}

/**
 * The engine, through the contract's one client: the desktop app's preload when there is one, else
 * the WebSocket of `tandem serve` (same origin, /ws). The server printed a URL with `?token=`; its
 * first answer set a same-site cookie with it, so the token is taken out of the address bar (and
 * the history) and passed once more on the socket's URL for browsers that keep cookies apart.
 */
export function connect(): Connection {
  if (window.tandem) return { client: window.tandem, via: "electron", onLost: () => undefined };
  const params = new URLSearchParams(location.search);
  token = params.get("token");
  if (token) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
  }
  return overSocket(openSocket());
}

/** The token of the first load, kept for reconnecting (the cookie may be refused or gone). */
let token: string | null = null;

function openSocket(): WebSocket {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return new WebSocket(`${scheme}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`);
}

function overSocket(socket: WebSocket): Connection {
  const lost = new Set<() => void>();
  socket.addEventListener("close", () => {
    for (const listener of lost) listener();
  });
  const client = createClient(websocketTransport(socket), { onInvalid: (problem) => console.warn(`tandem: ${problem}`) });
  return { client, via: "serve", onLost: (l) => void lost.add(l) };
}

/**
 * After the engine went away: opens the socket again, waiting longer after each refusal (backoff.ts),
 * until one opens (`tandem serve` started again on the same port, with the same token); then hands
 * over a connection over it. Returns a function that stops trying.
 */
export function reconnect(onConnected: (connection: Connection) => void, onAttempt: (attempt: number) => void = () => undefined): () => void {
  let attempt = 0;
  let stopped = false;
  let timer: number | undefined;
  const next = () => {
    if (stopped) return;
    onAttempt(attempt + 1);
    const socket = openSocket();
    const onOpen = () => {
      socket.removeEventListener("close", onClose);
      if (!stopped) onConnected(overSocket(socket));
      else socket.close();
    };
    const onClose = () => {
      socket.removeEventListener("open", onOpen);
      timer = window.setTimeout(next, backoffMs(attempt++));
    };
    socket.addEventListener("open", onOpen, { once: true });
    socket.addEventListener("close", onClose, { once: true });
  };
  timer = window.setTimeout(next, backoffMs(attempt++));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
