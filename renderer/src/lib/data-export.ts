/** Saving what the window shows: chart data as CSV or JSON, images, ONNX files. */

export type Row = Record<string, string | number | boolean | null>;

const cell = (v: Row[string]): string => {
  if (v === null) return "";
  const text = String(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV with a header row of the union of the rows' keys, in first-seen order. */
export function toCsv(rows: Row[]): string {
  const keys: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return [keys.map((k) => cell(k)).join(","), ...rows.map((row) => keys.map((k) => cell(row[k] ?? null)).join(","))].join("\r\n") + "\r\n";
}

/** A safe file name from a title: "Latency · resnet_cnn" -> "latency-resnet_cnn". */
export const fileSlug = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^-+|-+$/g, "") || "tandem";

/** Hands the browser a file to save (an <a download> click; in Electron, its download handling). */
export function download(name: string, data: Blob | string, type = "application/octet-stream"): void {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A data: URL (what ECharts' getDataURL gives) as a Blob, without fetch (which the CSP limits). */
export function dataUrlToBlob(url: string): Blob {
  const [head = "", body = ""] = url.split(",", 2);
  const type = /^data:([^;,]+)/.exec(head)?.[1] ?? "application/octet-stream";
  if (head.endsWith(";base64")) {
    const raw = atob(body);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new Blob([bytes], { type });
  }
  return new Blob([decodeURIComponent(body)], { type });
}
