/** Downloads and uploads on the app's scheme, with fetch's Request and Response as Electron hands them over. */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Transfers } from "../engine/service/transfers";
import { transferResponse } from "./transfers-scheme";

const transfers = new Transfers(mkdtempSync(path.join(os.tmpdir(), "tandem-scheme-")));
afterAll(() => transfers.close());
const at = (p: string, init?: RequestInit) => {
  const url = new URL(`tandem://app${p}`);
  return transferResponse(new Request(url, init), url, transfers, 100);
};

describe("transfers on the tandem:// scheme", () => {
  it("serves a download as an attachment, and takes an upload up to the limit", async () => {
    const file = transfers.newFile("net.onnx");
    writeFileSync(file, "onnx bytes");
    const offered = await transfers.offer(file, "net.onnx", "application/octet-stream");
    const response = await at(`/download/${offered.id}`);
    expect(response?.status).toBe(200);
    expect(response?.headers.get("content-disposition")).toContain('filename="net.onnx"');
    expect(await response?.text()).toBe("onnx bytes");
    expect((await at("/download/nope"))?.status).toBe(404);
    expect(await at("/index.html")).toBeNull();

    const uploaded = await at("/upload?name=s.tandem", { method: "POST", body: "bundle" });
    const { id } = (await uploaded?.json()) as { id: string };
    expect(path.basename(transfers.upload(id) ?? "")).toBe("s.tandem");
    expect((await at("/upload", { method: "POST", body: "x".repeat(101) }))?.status).toBe(413);
    expect((await at("/upload"))?.status).toBe(405);
  });
});
