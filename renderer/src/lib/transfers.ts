import type { Download } from "../../../shared/contract";
import { download } from "./data-export";

/**
 * Files between the window and the engine, over HTTP beside the contract's socket (tandem serve,
 * and the desktop app's tandem:// scheme, answer both): large files stay out of the messages.
 */

/** Fetches a file the engine offers (GET download/<id>, same origin and cookie) and hands it to the browser. */
export async function fetchDownload(file: Download): Promise<void> {
  const response = await fetch(`download/${encodeURIComponent(file.id)}`, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`the engine answered ${response.status}: ${(await response.text()).trim().slice(0, 200)}`);
  download(file.name, await response.blob(), file.mediaType);
}

/** Sends a file to the engine (POST upload, same origin and cookie); resolves with the id it answers. */
export async function uploadFile(file: File): Promise<string> {
  const response = await fetch(`upload?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/octet-stream" },
    body: file,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the engine answered ${response.status}: ${text.trim().slice(0, 200)}`);
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== "string" || !id) throw new Error("the engine's answer to the upload has no id");
  return id;
}
