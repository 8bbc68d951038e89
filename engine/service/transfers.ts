/**
 * Files that cross between the engine and the window other than as contract messages: downloads
 * (an ONNX export, a session bundle) that the engine wrote and the window fetches from
 * `download/<id>`, and uploads (a bundle to import) that the window POSTs to `upload`. Each
 * service keeps them in a temporary folder of its own, removed when it closes; ids are random, so
 * a download's URL cannot be guessed, and only the most recent few are kept.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Download } from "../../shared/contract";

/** Downloads kept at once; the oldest goes (its file too) when another is offered. */
const MAX_DOWNLOADS = 32;
const MAX_UPLOADS = 8;
/** The default size limit of an upload. */
export const MAX_UPLOAD_BYTES = 512 * 1024 ** 2;

/** An upload past its size limit: nothing of it is kept. */
export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the upload is larger than ${Math.round(limit / 1024 ** 2)} MB`);
    this.name = "UploadTooLarge";
  }
}

const newId = (): string => randomBytes(16).toString("base64url");

/** A name safe to put in a folder and a Content-Disposition header: no separators, no control characters. */
export function safeFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[^\w.+-]+/g, "_").replace(/^\.+/, "").slice(0, 120);
  return clean || fallback;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export interface OfferedFile {
  file: string;
  download: Download;
}

export class Transfers {
  private root: string | null = null;
  private readonly downloads = new Map<string, OfferedFile>();
  private readonly uploads = new Map<string, string>();

  constructor(private readonly parent: string = os.tmpdir()) {}

  /** The service's folder, made on first use. */
  private dir(): string {
    this.root ??= mkdtempSync(path.join(this.parent, "tandem-transfers-"));
    return this.root;
  }

  /** A fresh path named `name` (in a folder of its own, so names never collide) for the engine to write. */
  newFile(name: string): string {
    const folder = path.join(this.dir(), newId());
    mkdirSync(folder, { recursive: true });
    return path.join(folder, safeFileName(name, "download"));
  }

  /** Offers a file the engine wrote (inside newFile's folder) as a download; `name` is what the save dialog suggests. */
  async offer(file: string, name: string, mediaType: string): Promise<Download> {
    const download: Download = { id: newId(), name: safeFileName(name, "download"), bytes: statSync(file).size, mediaType, sha256: await sha256File(file) };
    this.downloads.set(download.id, { file, download });
    this.trim(this.downloads, MAX_DOWNLOADS, (d) => d.file);
    return download;
  }

  download(id: string): OfferedFile | null {
    return this.downloads.get(id) ?? null;
  }

  /**
   * Streams an upload to a file of its own; past `maxBytes` it stops reading, removes what it wrote
   * and throws UploadTooLarge. Returns the upload's id (what sessionImport's `{ upload }` names).
   */
  async receive(body: Readable, options: { name?: string; maxBytes?: number } = {}): Promise<string> {
    const limit = options.maxBytes ?? MAX_UPLOAD_BYTES;
    const file = this.newFile(options.name ?? "upload");
    let size = 0;
    async function* counted(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > limit) throw new UploadTooLarge(limit);
        yield chunk;
      }
    }
    try {
      await pipeline(body, counted, createWriteStream(file));
    } catch (error) {
      rmSync(path.dirname(file), { recursive: true, force: true });
      throw error;
    }
    const id = newId();
    this.uploads.set(id, file);
    this.trim(this.uploads, MAX_UPLOADS, (f) => f);
    return id;
  }

  /** The file of an upload, or null when there is none by that id. */
  upload(id: string): string | null {
    return this.uploads.get(id) ?? null;
  }

  /** Forgets an upload and removes its file (after it was imported). */
  discardUpload(id: string): void {
    const file = this.uploads.get(id);
    if (!file) return;
    this.uploads.delete(id);
    rmSync(path.dirname(file), { recursive: true, force: true });
  }

  close(): void {
    this.downloads.clear();
    this.uploads.clear();
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = null;
  }

  /** Drops the oldest entries (Maps keep insertion order) past `max`, with their folders. */
  private trim<T>(map: Map<string, T>, max: number, fileOf: (entry: T) => string): void {
    for (const [id, entry] of map) {
      if (map.size <= max) break;
      map.delete(id);
      rmSync(path.dirname(fileOf(entry)), { recursive: true, force: true });
    }
  }
}
