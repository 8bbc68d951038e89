import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { type WebSocket, WebSocketServer } from "ws";
import { MAX_MESSAGE_CHARS } from "../../shared/contract";
import type { Transport } from "../../shared/transport";
import { pageDir } from "../bundles";
import { ROOT } from "../paths";
import { serveConnection } from "../service/connection";
import { EngineService, type ServiceOptions } from "../service/service";
import { MAX_UPLOAD_BYTES } from "../service/transfers";
import { contentType, resolveStatic } from "./static";
import { handleTransfer } from "./transfer-routes";
import { contentSecurityPolicy, cookieName, cookieValue, isLoopback, newToken, sameToken } from "./security";

/**
 * `tandem serve`: the window's files over HTTP and the contract over a WebSocket (/ws), both behind
 * a random token printed in the URL, as Jupyter does. Loopback only unless asked otherwise. The
 * first page load with `?token=` also sets a same-site cookie, so that the page's own files and its
 * WebSocket need no token in their URLs; a WebSocket from a page of another origin is refused.
 */

export const DEFAULT_PORT = 8470;

export interface ServeOptions extends ServiceOptions {
  host?: string;
  /** 0 picks a free port. Without a port, the default and then the next few are tried. */
  port?: number;
  token?: string;
  /** The engine to serve; made from the options (pool size, memory) when absent. */
  service?: EngineService;
  /** The built window to serve; renderer/dist when it exists, else the small page in dist/page. */
  staticDir?: string;
  maxMessageChars?: number;
  /** The largest file POST /upload takes (default 512 MB). */
  maxUploadBytes?: number;
  log?: (line: string) => void;
}

export interface Served {
  /** The URL to open, with the token. */
  url: string;
  origin: string;
  token: string;
  port: number;
  staticDir: string;
  service: EngineService;
  close(): Promise<void>;
}


/** Where the window's files are: the built renderer when there is one, else the small page. */
export function defaultStaticDir(): string {
  const renderer = path.join(ROOT, "renderer/dist");
  if (existsSync(path.join(renderer, "index.html"))) return renderer;
  return pageDir(); // built by bin/tandem.mjs before `serve`
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** A Transport over one accepted socket: text frames in (checked by the connection), JSON out. */
function socketTransport(socket: WebSocket): Transport {
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage: (listener) => {
      const handler = (data: Buffer, isBinary: boolean) => listener(isBinary ? { binary: data.length } : data.toString("utf8"));
      socket.on("message", handler);
      return () => socket.off("message", handler);
    },
    onClose: (listener) => {
      socket.on("close", listener);
      return () => socket.off("close", listener);
    },
  };
}

export async function startServer(options: ServeOptions = {}): Promise<Served> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? newToken();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const max = options.maxMessageChars ?? MAX_MESSAGE_CHARS;
  const staticDir = path.resolve(options.staticDir ?? defaultStaticDir());
  const service = options.service ?? new EngineService({ host: "serve", ...options, log: (line) => log(`pool: ${line}`) });
  const ownsService = !options.service;

  let port = 0;
  let shownHost = "";
  /** host:port names a browser may use for this server (on loopback; elsewhere any name is taken). */
  let hosts = new Set<string>();
  const cookie = () => cookieName(port);

  /** The token from the query, a bearer header or the cookie, in that order. */
  const tokenOf = (req: http.IncomingMessage, url: URL): string | null =>
    url.searchParams.get("token") ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? cookieValue(req.headers.cookie, cookie());

  /** Names this server answers to; others are a DNS-rebinding attempt. Any name when not on loopback. */
  const hostAllowed = (req: http.IncomingMessage) => !isLoopback(host) || hosts.has((req.headers.host ?? "").toLowerCase());

  const refuse = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
    res.end(`${status}: ${text}\n`);
  };

  // Browsers always send Origin with a WebSocket or a POST: only pages this server served (same
  // origin) may use them. Tools send none.
  const sameOrigin = (req: http.IncomingMessage) => req.headers.origin === undefined || req.headers.origin.toLowerCase() === `http://${req.headers.host ?? ""}`.toLowerCase();
  const transfers = { transfers: service.transfers, maxUploadBytes: options.maxUploadBytes ?? MAX_UPLOAD_BYTES, sameOrigin, refuse, log };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!hostAllowed(req)) return refuse(res, 403, "unknown host name");
    const given = tokenOf(req, url);
    if (!sameToken(given, token)) return refuse(res, 401, "this Tandem server needs the token from the URL it printed (…/?token=...)");
    if (handleTransfer(req, res, url, transfers)) return;
    if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "only GET and HEAD");

    const found = resolveStatic(staticDir, url.pathname);
    if ("status" in found) return refuse(res, found.status, found.text);
    const file = found.file;
    const headers: http.OutgoingHttpHeaders = {
      "Content-Type": contentType(file),
      "Content-Length": statSync(file).size,
      "Content-Security-Policy": contentSecurityPolicy([`ws://${req.headers.host ?? shownHost}`]),
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-store",
    };
    if (url.searchParams.has("token")) headers["Set-Cookie"] = `${cookie()}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    res.writeHead(200, headers);
    if (req.method === "HEAD") return res.end();
    createReadStream(file).pipe(res);
  });

  // Frames beyond the contract's limit (in bytes, UTF-8 at worst 3 per character) close the socket;
  // smaller ones over the limit get a typed error from the connection.
  const wss = new WebSocketServer({ noServer: true, maxPayload: max * 3 + 1024 });
  const sockets = new Set<WebSocket>();

  server.on("upgrade", (req, socket: Socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const reject = (status: number, text: string) => {
      log(`serve: refused a WebSocket from ${req.socket.remoteAddress ?? "?"}: ${text}`);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${text}\n`);
    };
    if (url.pathname !== "/ws") return reject(404, "the WebSocket is at /ws");
    if (!hostAllowed(req)) return reject(403, "unknown host name");
    if (!sameToken(tokenOf(req, url), token)) return reject(401, "missing or wrong token");
    if (!sameOrigin(req)) return reject(403, `origin ${req.headers.origin ?? ""} is not this server's`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const name = `ws ${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      const connection = serveConnection(socketTransport(ws), service.handlers(), { maxMessageChars: max, log, name });
      ws.on("close", () => {
        sockets.delete(ws);
        connection.close();
      });
      ws.on("error", (error) => log(`${name}: ${error.message}`));
    });
  });

  const explicit = options.port !== undefined;
  const first = options.port ?? DEFAULT_PORT;
  for (let attempt = 0; ; attempt++) {
    try {
      port = await listen(server, host, first === 0 ? 0 : first + attempt);
      break;
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (!busy || explicit || attempt >= 9) {
        if (ownsService) await service.close();
        throw error;
      }
    }
  }

  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  shownHost = `${shown}:${port}`;
  const origin = `http://${shownHost}`;
  hosts = new Set(["127.0.0.1", "localhost", "[::1]", shown].map((n) => `${n}:${port}`.toLowerCase()));

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    staticDir,
    service,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (ownsService) await service.close();
    },
  };
}
