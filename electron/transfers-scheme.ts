import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { attachment } from "../engine/serve/transfer-routes";
import { MAX_UPLOAD_BYTES, type Transfers, UploadTooLarge, safeFileName } from "../engine/service/transfers";

/**
 * `download/<id>` and `upload` on the app's own scheme (tandem://app/...), answered as
 * `tandem serve` answers them over HTTP, so that the window fetches the same relative URLs in both.
 * No token here: only the app's own page can reach its scheme. In plain Node terms (fetch's
 * Request and Response), so that it is tested without Electron.
 */
export async function transferResponse(request: Request, url: URL, transfers: Transfers, maxUploadBytes = MAX_UPLOAD_BYTES): Promise<Response | null> {
  const download = /^\/download\/([A-Za-z0-9_-]{1,200})$/.exec(url.pathname)?.[1];
  if (download !== undefined) {
    const offered = transfers.download(download);
    if (!offered) return new Response("no such download", { status: 404 });
    const { download: d, file } = offered;
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { "Content-Type": d.mediaType, "Content-Length": String(d.bytes), "Content-Disposition": attachment(d.name), "Cache-Control": "no-store" } });
  }
  if (url.pathname !== "/upload") return null;
  if (request.method !== "POST" || !request.body) return new Response("uploads are POSTed", { status: 405 });
  try {
    const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
    const id = await transfers.receive(body, { name: safeFileName(url.searchParams.get("name") ?? "", "upload"), maxBytes: maxUploadBytes });
    return Response.json({ id });
  } catch (error) {
    if (error instanceof UploadTooLarge) return new Response(error.message, { status: 413 });
    return new Response("the upload did not arrive whole", { status: 400 });
  }
}
