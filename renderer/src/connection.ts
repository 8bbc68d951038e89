import { type TandemClient, createClient } from "../../shared/client";
import { websocketTransport } from "../../shared/transport";

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
  const lost = new Set<() => void>();
  if (window.tandem) return { client: window.tandem, via: "electron", onLost: (l) => void lost.add(l) };
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  if (token) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  socket.addEventListener("close", () => {
    for (const listener of lost) listener();
  });
  const client = createClient(websocketTransport(socket), { onInvalid: (problem) => console.warn(`tandem: ${problem}`) });
  return { client, via: "serve", onLost: (l) => void lost.add(l) };
}
