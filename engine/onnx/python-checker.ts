import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The official ONNX checker (Python's `onnx` package), for tests and checks of exported models.
 * It is optional: Debian's python3-onnx (1.12) has it, CI machines may not. Note that 1.12 accepts
 * IR version 8 at most, which is why the builder defaults to 8.
 */
const PYTHON = "/usr/bin/python3";

let availability: string | null | undefined;

/** null when the checker can run; otherwise why not (for a skipped test's message). */
export function pythonOnnxUnavailableReason(): string | null {
  if (availability === undefined) {
    const r = spawnSync(PYTHON, ["-c", "import onnx; print(onnx.__version__)"], { encoding: "utf8" });
    if (r.error) availability = `${PYTHON} could not be run: ${r.error.message}`;
    else if (r.status !== 0) availability = `${PYTHON} has no onnx package (apt-get install python3-onnx): ${r.stderr.trim().split("\n").at(-1) ?? ""}`;
    else availability = null;
  }
  return availability;
}

/** The exception line of a Python traceback and what follows it (its context lines), not the stack. */
function lastException(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const at = lines.findLastIndex((l) => /^[\w.]+(Error|Exception)\b.*:/.test(l));
  return (at >= 0 ? lines.slice(at) : lines.slice(-3)).join("\n");
}

export type CheckResult = { ok: true } | { ok: false; error: string };

/** Runs onnx.checker.check_model(path, full_check=True): structure, op schemas and shape inference. */
export function checkModelWithPython(bytes: Uint8Array): CheckResult {
  const dir = mkdtempSync(join(tmpdir(), "tandem-onnx-check-"));
  try {
    const path = join(dir, "model.onnx");
    writeFileSync(path, bytes);
    // check_model(path) rather than check_model(proto): the path form is the one that also
    // validates the file as written, as onnxruntime will read it.
    const script = "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True)";
    const r = spawnSync(PYTHON, ["-c", script, path], { encoding: "utf8" });
    if (r.error) return { ok: false, error: r.error.message };
    if (r.status !== 0) return { ok: false, error: lastException(r.stderr) };
    return { ok: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same check for many models in one Python process (starting Python and importing onnx costs
 * far more than a check): the verdict for each model, by name.
 */
export function checkModelsWithPython(models: readonly { name: string; bytes: Uint8Array }[]): Map<string, CheckResult> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-onnx-check-"));
  try {
    const files = models.map((m, i) => {
      const path = join(dir, `${i}.onnx`);
      writeFileSync(path, m.bytes);
      return path;
    });
    const script = [
      "import json, sys, onnx",
      "for path in sys.argv[1:]:",
      "    try:",
      "        onnx.checker.check_model(path, full_check=True)",
      "        print(json.dumps({'ok': True}))",
      "    except Exception as e:",
      "        print(json.dumps({'ok': False, 'error': f'{type(e).__name__}: {e}'}))",
    ].join("\n");
    const r = spawnSync(PYTHON, ["-c", script, ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error || r.status !== 0) {
      const error = r.error ? r.error.message : lastException(r.stderr);
      return new Map(models.map((m) => [m.name, { ok: false, error }]));
    }
    const verdicts = r.stdout.trim().split("\n").map((line) => JSON.parse(line) as CheckResult);
    return new Map(models.map((m, i) => [m.name, verdicts[i] ?? { ok: false, error: "no verdict from the checker" }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
