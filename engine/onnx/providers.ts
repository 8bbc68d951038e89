import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { OnnxBuilder } from "./builder";
import { loadOrt } from "./ort";

export interface ExecutionProviderInfo {
  /** onnxruntime-node's name for it, as `executionProviders` takes it: "cpu", "cuda", "webgpu"... */
  name: string;
  available: boolean;
  /** Why it cannot be used, in onnxruntime's words where it gave some; null when available. */
  reason: string | null;
}

/** A GPU runtime that starts slowly (CUDA context creation) still answers well within this. */
const PROBE_TIMEOUT_MS = 60_000;

let detected: Promise<ExecutionProviderInfo[]> | undefined;

/**
 * Which of onnxruntime-node's execution providers can create a session here, found by creating
 * one on a one-node model with each. CPU is always listed first. Done once per process: the
 * answer cannot change while it runs, and the probes cost a few hundred milliseconds.
 */
export function detectExecutionProviders(): Promise<ExecutionProviderInfo[]> {
  detected ??= detect();
  return detected;
}

function probeModel(): Uint8Array {
  const b = new OnnxBuilder({ opset: 17, graphName: "ep_probe" });
  b.input("x", "float32", [1]);
  b.node("Add", ["x", "x"], ["y"]);
  b.output("y", "float32", [1]);
  return b.toBytes();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function detect(): Promise<ExecutionProviderInfo[]> {
  let ort;
  try {
    ort = await loadOrt();
  } catch (error) {
    return [{ name: "cpu", available: false, reason: message(error) }];
  }
  const model = probeModel();
  // CPU is probed in this process: it is what this process will run sessions on.
  let cpu: ExecutionProviderInfo;
  try {
    const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"] });
    await session.release();
    cpu = { name: "cpu", available: true, reason: null };
  } catch (error) {
    cpu = { name: "cpu", available: false, reason: message(error) };
  }
  const others = ort.listSupportedBackends().filter((b) => b.name !== "cpu");
  const probed = await Promise.all(others.map((b) => probeInChild(b.name, b.bundled, model)));
  return [cpu, ...probed];
}

// Plain CommonJS for `node -e`: argv is [node, ortPath, ep], the model arrives on stdin.
const CHILD_SCRIPT = `
const [ortPath, ep] = process.argv.slice(1);
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", async () => {
  const bytes = new Uint8Array(Buffer.concat(chunks));
  try {
    const ort = require(ortPath);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
    await session.release();
    process.stdout.write(JSON.stringify({ ok: true }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(error && error.message || error) }));
  }
});
`;

/**
 * Probes one non-CPU EP in a child process of its own. In this process a failed GPU probe would
 * print onnxruntime's native error lines on our stderr, and a broken driver can crash or hang the
 * process; a child keeps both away and lets us read the native message as the reason.
 */
function probeInChild(name: string, bundled: boolean, model: Uint8Array): Promise<ExecutionProviderInfo> {
  const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", CHILD_SCRIPT, ortPath, name], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), PROBE_TIMEOUT_MS);
    const done = (reason: string | null): void => {
      clearTimeout(timer);
      resolve({ name, available: reason === null, reason: reason === null ? null : withHint(reason, bundled) });
    };
    child.on("error", (error) => done(`could not start the probe process: ${error.message}`));
    child.on("close", (code, signal) => {
      const detail = nativeDetail(stderr);
      let reply: { ok: boolean; error?: string } | null = null;
      try {
        reply = JSON.parse(stdout) as { ok: boolean; error?: string };
      } catch {
        // No reply: the probe crashed or was killed; said below.
      }
      if (reply?.ok) return done(null);
      if (reply) return done(joinDetail(reply.error ?? "session creation failed", detail));
      if (signal === "SIGKILL") return done(`creating a session did not finish within ${PROBE_TIMEOUT_MS / 1000} s`);
      done(joinDetail(`the probe process ended with ${signal ?? `exit code ${code}`}`, detail));
    });
    child.stdin.end(model);
  });
}

/** The first native error line onnxruntime logged, without colour codes and log prefix. */
function nativeDetail(stderr: string): string | null {
  // eslint-disable-next-line no-control-regex -- stripping the terminal colour codes onnxruntime writes
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.includes("[E:onnxruntime")) ?? lines.find((l) => /error|fail/i.test(l));
  if (line === undefined) return null;
  const fail = line.lastIndexOf("FAIL : ");
  return fail >= 0 ? line.slice(fail + "FAIL : ".length) : line;
}

function joinDetail(reason: string, detail: string | null): string {
  return tidy(detail === null || reason.includes(detail) ? reason : `${reason}: ${detail}`);
}

/**
 * Shortens onnxruntime's messages to what a person needs: an ORT_ENFORCE failure starts with the
 * C++ file, function and condition ("webgpu_context.cc:136 ... was false. Failed to get a WebGPU
 * adapter"), and a missing library is named by its full path twice.
 */
function tidy(reason: string): string {
  const enforce = /^\S+\.(?:cc|h):\d+ [\s\S]* was false\. ([\s\S]*)$/.exec(reason.trim());
  const text = enforce?.[1] ?? reason;
  return text.replace(/\/\S*\/([^/\s:]+\.so[\d.]*)/g, "$1").trim();
}

/** CUDA and TensorRT libraries are not in the npm package; say where they would come from. */
function withHint(reason: string, bundled: boolean): string {
  if (bundled) return reason;
  return `${reason} (this provider's libraries are not bundled with onnxruntime-node; its install script downloads them, and this project skips that script)`;
}
