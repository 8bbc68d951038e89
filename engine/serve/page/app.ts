/**
 * The small page that `tandem serve` shows until the real window (renderer/) is built: connect,
 * list the backends, paste a model, run or type-check it, watch its logs, cancel it. It talks to
 * the engine only through the contract's client: over the WebSocket in a browser, or through the
 * client that Electron's preload exposes as `window.tandem` in the desktop app.
 */
import { type TandemClient, createClient, errorCode } from "../../../shared/client";
import type { Diagnostic } from "../../../shared/diagnostics";
import { fromJsonFloat } from "../../../shared/float";
import { describeMismatch } from "../../../shared/mismatch";
import type { LogEntry, ModelError, RunOutcome, RunResult, SourceLocation } from "../../../shared/run";
import { websocketTransport } from "../../../shared/transport";

declare global {
  interface Window {
    tandem?: TandemClient;
  }
}

const EXAMPLE = `import { nn, F, Tensor } from "tandem";

export default class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 256);
  fc2 = new nn.Linear(256, 10);

  forward(x: Tensor): Tensor {
    const h = F.relu(this.fc1(x));
    console.log("hidden mean", h.mean().item());
    return this.fc2(h);
  }
}

export const inputs = { x: [8, 784] };
`;

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
};

/** Builds an element; children are text or elements (never HTML: model output stays text). */
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const ui = {
  status: $<HTMLSpanElement>("status"),
  filename: $<HTMLInputElement>("filename"),
  mode: $<HTMLSelectElement>("mode"),
  backend: $<HTMLSelectElement>("backend"),
  seed: $<HTMLInputElement>("seed"),
  source: $<HTMLTextAreaElement>("source"),
  run: $<HTMLButtonElement>("run"),
  check: $<HTMLButtonElement>("check"),
  cancel: $<HTMLButtonElement>("cancel"),
  progress: $<HTMLSpanElement>("progress"),
  result: $<HTMLDivElement>("result"),
  logs: $<HTMLOListElement>("logs"),
  backends: $<HTMLTableElement>("backends"),
};

function setStatus(text: string, ok: boolean): void {
  ui.status.textContent = text;
  ui.status.className = `status ${ok ? "ok" : "bad"}`;
}

function connect(): TandemClient {
  if (window.tandem) return window.tandem; // the desktop app's preload
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  // The server set a cookie with the token; keep it out of the address bar and the history.
  if (token) history.replaceState(null, "", location.pathname);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  socket.addEventListener("close", () => {
    setStatus("disconnected: is `tandem serve` still running? Reload to reconnect.", false);
    setBusy(null);
  });
  return createClient(websocketTransport(socket), { onInvalid: (problem) => console.warn(`tandem: ${problem}`) });
}

const where = (loc: SourceLocation | null) => (loc ? `${loc.file.split(/[\\/]/).pop()}:${loc.line}:${loc.column}` : "");

function logLine(entry: LogEntry): HTMLElement {
  return el("li", { class: entry.level }, entry.text, el("span", { class: "where" }, where(entry.location)));
}

function diagnosticsBlock(diagnostics: Diagnostic[]): HTMLElement {
  if (!diagnostics.length) return el("p", { class: "muted" }, "no type errors");
  return el("ul", {}, ...diagnostics.map((d) => el("li", { class: d.severity }, `${where(d.location)} ${d.code}: ${d.message}`)));
}

function errorBlock(error: ModelError): HTMLElement {
  return el(
    "div",
    { class: "error" },
    el("p", {}, el("strong", {}, `error (${error.kind})`), `: ${error.message}`, error.location ? ` at ${where(error.location)}` : ""),
    ...(error.stack.length ? [el("pre", {}, error.stack.join("\n"))] : []),
  );
}

const fmt = (n: number | null, unit = "ms") => (n === null ? "–" : `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ${unit}`);

function resultBlock(r: RunResult): HTMLElement {
  const outputs = el(
    "table",
    {},
    el("tr", {}, el("th", {}, "output"), el("th", {}, "dtype"), el("th", {}, "shape"), el("th", {}, "first values"), el("th", {}, "sum")),
    ...r.outputs.map((o) =>
      el("tr", {}, el("td", {}, o.name), el("td", {}, o.dtype), el("td", {}, `[${o.shape.join(", ")}]`), el("td", {}, el("code", {}, o.preview.map((v) => fromJsonFloat(v).toPrecision(4)).join(" "))), el("td", {}, fromJsonFloat(o.sum).toPrecision(6))),
    ),
  );
  const t = r.timings;
  const parts: (Node | string)[] = [
    el("p", {}, el("strong", {}, r.model.className), ` · ${r.model.parameters.toLocaleString()} parameters · ${r.mode} · backend ${r.backend.name}`),
    outputs,
    el("p", {}, `compile ${fmt(t.compileMs)} · construct ${fmt(t.constructMs)} · forward ${fmt(t.firstForwardMs)} cold, ${fmt(t.warmForwardMs)} warm (median of ${t.warmRuns})`),
  ];
  if (r.graph) {
    const g = r.graph;
    const parity = g.parity.map((p) => `${p.output}: ${p.mismatch ? `${describeMismatch(p.mismatch)}, ` : ""}max |Δ| ${p.maxAbsDiff.toExponential(2)}`).join(", ");
    parts.push(el("p", {}, `graph (${g.runner}): ${g.callsTraced} ops traced, ${g.callsOptimized} after passes${g.fallback ? ` · ran eagerly: ${g.fallback}` : ""}${parity ? ` · parity ${parity}` : ""}`));
    for (const b of g.breaks) parts.push(el("p", { class: "error" }, `graph break at ${where(b.location)}: ${b.reason}`));
  }
  if (r.diagnostics.length) parts.push(el("h3", {}, "type errors"), diagnosticsBlock(r.diagnostics));
  return el("div", {}, ...parts);
}

function showOutcome(outcome: RunOutcome): void {
  if (outcome.ok) ui.result.replaceChildren(resultBlock(outcome.result));
  else ui.result.replaceChildren(errorBlock(outcome.error), ...(outcome.diagnostics.length ? [el("h3", {}, "type errors"), diagnosticsBlock(outcome.diagnostics)] : []));
}

let current: string | null = null;

function setBusy(id: string | null): void {
  current = id;
  ui.run.disabled = ui.check.disabled = id !== null;
  ui.cancel.disabled = id === null;
  if (id === null) ui.progress.textContent = "";
}

function failed(error: unknown): void {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  ui.result.replaceChildren(el("p", { class: code === "cancelled" ? "muted" : "error" }, code === "cancelled" ? "cancelled" : message));
}

const model = () => ({ source: ui.source.value, filename: ui.filename.value.trim() || "model.ts" });

function start(tandem: TandemClient): void {
  tandem.on("log", (entry, job) => {
    if (job === current) ui.logs.append(logLine(entry));
  });
  tandem.on("progress", (progress, job) => {
    if (job === current) ui.progress.textContent = progress.phase === "queued" ? `queued (${progress.position ?? "?"})` : `${progress.phase}…`;
  });
  tandem.on("shell", (command) => {
    if (command.command === "open") {
      ui.source.value = command.text;
      ui.filename.value = command.path;
    } else if (command.command === "new") {
      ui.source.value = EXAMPLE;
      ui.filename.value = "model.ts";
    }
  });

  ui.run.addEventListener("click", () => {
    const id = tandem.nextId();
    setBusy(id);
    ui.logs.replaceChildren();
    ui.result.replaceChildren(el("p", { class: "muted" }, "running…"));
    const mode = ui.mode.value as "eager" | "graph:tfjs" | "graph:ort";
    const backend = ui.backend.value as "auto";
    tandem
      .run({ model: model(), mode, backend, seed: Math.max(0, Number(ui.seed.value) || 0) }, { id })
      .then(showOutcome, failed)
      .finally(() => setBusy(null));
  });
  ui.check.addEventListener("click", () => {
    const id = tandem.nextId();
    setBusy(id);
    ui.result.replaceChildren(el("p", { class: "muted" }, "checking…"));
    tandem
      .check({ model: model() }, { id })
      .then(({ diagnostics }) => ui.result.replaceChildren(diagnosticsBlock(diagnostics)), failed)
      .finally(() => setBusy(null));
  });
  ui.cancel.addEventListener("click", () => {
    if (current) void tandem.cancel(current);
  });

  tandem.hello().then(
    (hello) => {
      setStatus(`connected · Tandem ${hello.tandem} · ${hello.workers} worker${hello.workers === 1 ? "" : "s"} · ${hello.host}`, true);
      setBusy(null);
    },
    (error: unknown) => setStatus(`cannot talk to the engine: ${error instanceof Error ? error.message : String(error)}`, false),
  );
  tandem.backends().then(
    (backends) => {
      ui.backends.replaceChildren(
        ...backends.map((b) =>
          el("tr", {}, el("td", {}, el("strong", {}, b.name)), el("td", {}, b.package), el("td", { class: b.available ? "" : "muted" }, b.available ? `available ${b.version ?? ""}` : `unavailable: ${b.reason ?? "unknown"}`)),
        ),
      );
      for (const b of backends.filter((x) => x.available)) ui.backend.append(el("option", { value: b.name }, b.name));
    },
    (error: unknown) => ui.backends.replaceChildren(el("tr", {}, el("td", { class: "error" }, `could not list backends: ${error instanceof Error ? error.message : String(error)}`))),
  );
}

ui.source.value = EXAMPLE;
start(connect());
