import { createReadStream } from "node:fs";
import type http from "node:http";
import type { Transfers } from "../service/transfers";
import { UploadTooLarge, safeFileName } from "../service/transfers";

/**
 * The two HTTP routes besides the window's files, for what does not travel as a contract message:
 *
 *   GET  /download/<id>       a file the engine offered (an ONNX export, a session bundle), as an attachment
 *   POST /upload?name=<file>  a file for the engine (a bundle to import); answers { "id": ... }
 *
 * The caller has already checked the host name and the token. An upload must also come from a
 * page of this server (Origin), since a form on any site could otherwise POST to it with the
 * cookie; and it is streamed to disk, never held in memory, up to a size limit.
 */

export interface TransferRouteOptions {
  transfers: Transfers;
  maxUploadBytes: number;
  /** Whether the request's Origin, when it has one, is this server's. */
  sameOrigin: (req: http.IncomingMessage) => boolean;
  refuse: (res: http.ServerResponse, status: number, text: string) => void;
  log: (line: string) => void;
}

const SECURITY_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Cross-Origin-Resource-Policy": "same-origin" };

/** RFC 6266: an ASCII fallback and the UTF-8 name (safeFileName keeps only [\w.+-], so both are plain). */
export const attachment = (name: string): string => `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`;

function download(req: http.IncomingMessage, res: http.ServerResponse, id: string, o: TransferRouteOptions): void {
  if (req.method !== "GET" && req.method !== "HEAD") return o.refuse(res, 405, "downloads answer GET and HEAD");
  const offered = o.transfers.download(id);
  if (!offered) return o.refuse(res, 404, "no such download (they are kept while the engine runs, the latest few)");
  const { download: d, file } = offered;
  res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": d.mediaType, "Content-Length": d.bytes, "Content-Disposition": attachment(d.name) });
  if (req.method === "HEAD") return void res.end();
  const stream = createReadStream(file);
  stream.on("error", (error) => {
    o.log(`serve: download ${id} failed: ${error.message}`);
    res.destroy(error);
  });
  stream.pipe(res);
}

function upload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, o: TransferRouteOptions): void {
  if (req.method !== "POST") return o.refuse(res, 405, "uploads are POSTed");
  if (!o.sameOrigin(req)) return o.refuse(res, 403, `origin ${req.headers.origin ?? ""} is not this server's`);
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  const tooLarge = () => {
    // The rest of the body is not read: close the connection rather than keep it for another request.
    res.setHeader("Connection", "close");
    o.refuse(res, 413, `the upload is larger than the limit of ${o.maxUploadBytes} bytes`);
  };
  if (declared > o.maxUploadBytes) return tooLarge();
  const name = safeFileName(url.searchParams.get("name") ?? "", "upload");
  o.transfers.receive(req, { name, maxBytes: o.maxUploadBytes }).then(
    (id) => {
      res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ id }));
    },
    (error: unknown) => {
      if (error instanceof UploadTooLarge) return tooLarge();
      o.log(`serve: an upload failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent && !res.destroyed) o.refuse(res, 400, "the upload did not arrive whole");
    },
  );
}

/** Answers /download/<id> and /upload; false for any other path (the window's files). */
export function handleTransfer(req: http.IncomingMessage, res: http.ServerResponse, url: URL, o: TransferRouteOptions): boolean {
  const match = /^\/download\/([A-Za-z0-9_-]{1,200})$/.exec(url.pathname);
  if (match?.[1]) {
    download(req, res, match[1], o);
    return true;
  }
  if (url.pathname === "/upload") {
    upload(req, res, url, o);
    return true;
  }
  return false;
}
