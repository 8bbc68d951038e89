/**
 * Nothing lost: a writer killed with SIGKILL in the middle of saving leaves a database that opens,
 * passes `PRAGMA integrity_check`, and holds every run whose save had returned; two processes
 * writing at once both succeed. Real processes, real kills.
 */
import Database from "better-sqlite3";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "./store";
import { errorOutcome, tempHome } from "./test/fixtures";

const root = path.resolve(import.meta.dirname, "../..");
const script = path.join(import.meta.dirname, "test", "save-loop.ts");

interface Writer {
  child: ChildProcess;
  /** Ids printed so far: each one's save had returned. */
  ids: number[];
  /** Resolves when at least `n` ids are printed. */
  waitFor(n: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function writer(file: string, session: string, count: number, logLines = 0): Writer {
  const child = spawn(process.execPath, ["--import", "tsx", script, file, session, String(count), String(logLines)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const ids: number[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) if (/^\d+$/.test(line)) ids.push(Number(line));
    for (const w of waiters) if (ids.length >= w.n) w.resolve();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  const waitFor = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (ids.length >= n) return resolve();
      waiters.push({ n, resolve });
      void exit.then((e) => reject(new Error(`writer exited (${e.code ?? e.signal}) after ${ids.length} ids: ${e.stderr}`)));
    });
  return { child, ids, waitFor, exit };
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe("durability", () => {
  it("keeps every returned save when the writer is killed with SIGKILL mid-way", async () => {
    const file = path.join(tempHome(), "tandem.db");
    const printed: number[] = [];
    // Three kills at different points, into the same database: each writer re-opens what the last left.
    for (const [round, killAfter] of [40, 120, 75].entries()) {
      const w = writer(file, "killed", 0, 300);
      await w.waitFor(killAfter);
      w.child.kill("SIGKILL");
      const { signal } = await w.exit;
      expect(signal, `round ${round}`).toBe("SIGKILL");
      printed.push(...w.ids);
      expect(integrity(file)).toBe("ok");
    }
    expect(printed.length).toBeGreaterThanOrEqual(235);
    const store = openStore(file);
    try {
      const present = new Set(store.getSession("killed")?.runs.map((r) => r.id));
      const missing = printed.filter((id) => !present.has(id));
      expect(missing).toEqual([]);
      // Each saved record is whole: its JSON parses and holds all its log lines.
      for (const id of printed.slice(-5)) {
        const run = store.requireRun(id);
        expect(run.outcome.ok && run.outcome.result.logs.length).toBe(300);
      }
      // Still writable after the kills.
      const after = store.saveRun(store.requireSession("killed").id, errorOutcome(), { kind: "run", modelFile: "m.ts" });
      expect(after.id).toBeGreaterThan(Math.max(...printed));
    } finally {
      store.close();
    }
  });

  it("lets two processes write at once, both succeeding", async () => {
    const file = path.join(tempHome(), "tandem.db");
    // Both create the database, migrate it and create the session at the same moment.
    const a = writer(file, "shared", 150, 50);
    const b = writer(file, "shared", 150, 50);
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    expect(ea.code, ea.stderr).toBe(0);
    expect(eb.code, eb.stderr).toBe(0);
    expect(a.ids).toHaveLength(150);
    expect(b.ids).toHaveLength(150);
    expect(new Set([...a.ids, ...b.ids]).size).toBe(300);
    expect(integrity(file)).toBe("ok");
    const store = openStore(file);
    try {
      expect(store.listSessions().map((s) => [s.name, s.runCount])).toEqual([["shared", 300]]);
    } finally {
      store.close();
    }
  });
});
