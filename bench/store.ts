/**
 * `npx tsx bench/store.ts`: how fast the sessions store is, on a real run outcome (the MLP example
 * run once on the cpu backend) saved over and over into a throw-away database:
 *
 * - time to save one run (a committed transaction: run row, source snapshot, session touch), with
 *   synchronous=NORMAL (what Tandem uses) and FULL (an fsync per commit) for reference;
 * - time to open the store (pragmas, migration check) and to list 10,000 runs and the sessions;
 * - time to open a session of 1,000 runs (its run summaries), and to load those runs whole;
 * - database bytes per run.
 *
 * `--json` prints the figures as JSON instead of a table. Not part of `npm run bench`.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunOutcome } from "../shared/run";
import { runModel } from "../engine/service/run-model";
import { snapshotSources } from "../engine/store/snapshot";
import { openStore, type Store } from "../engine/store/store";
import { collectProvenance } from "./provenance";
import { summarize } from "./stats";
import { ensureBuilt } from "../bin/build.mjs";

// The run starts dist/worker.mjs, which runtime code only finds: build it first.
await ensureBuilt();

const root = path.dirname(fileURLToPath(new URL("../package.json", import.meta.url)));
const MODEL = path.join(root, "assets/examples/mlp.ts");
const SESSIONS = 10;
const RUNS_PER_SESSION = 1000;
const SAVE_SAMPLES_FULL = 300;
const REPEATS = 15;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Median and p90 (ms) of `repeats` timings of `f`. */
function time(repeats: number, f: () => unknown): { median: number; p90: number; n: number } {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return { median: s.median, p90: s.p90, n: s.n };
}

/** The same outcome with per-run numbers, as a session of repeated runs would have. */
function variant(outcome: RunOutcome, i: number): RunOutcome {
  if (!outcome.ok) return outcome;
  const t = outcome.result.timings;
  return {
    ok: true,
    result: {
      ...outcome.result,
      timings: { ...t, firstForwardMs: t.firstForwardMs * (1 + (i % 13) / 100), warmForwardMs: (t.warmForwardMs ?? 1) * (1 + (i % 7) / 100) },
      provenance: { ...outcome.result.provenance, time: new Date(Date.now() + i).toISOString() },
    },
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  log(`running ${path.relative(root, MODEL)} once for a real outcome...`);
  const outcome = await runModel({ file: MODEL, backend: "cpu", typecheck: false, repeat: 3 });
  if (!outcome.ok) throw new Error(`the model failed: ${outcome.error.message}`);
  const sources = await snapshotSources(MODEL);
  const outcomeBytes = JSON.stringify(outcome).length;

  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-store-bench-"));
  const file = path.join(dir, "tandem.db");
  const git = { commit: "bench", dirty: false } as const;
  let store: Store | undefined;
  try {
    store = openStore(file);
    const s = store;
    const sessionIds = Array.from({ length: SESSIONS }, (_, k) => s.ensureSession(`session ${k}`).id);
    log(`saving ${SESSIONS * RUNS_PER_SESSION} runs...`);
    const saveSamples: number[] = [];
    let n = 0;
    for (let r = 0; r < RUNS_PER_SESSION; r++) {
      for (const id of sessionIds) {
        const o = variant(outcome, n++);
        const t0 = performance.now();
        s.saveRun(id, o, { kind: "run", modelFile: MODEL, sources, git });
        saveSamples.push(performance.now() - t0);
      }
    }
    const save = summarize(saveSamples);

    s.db.pragma("wal_checkpoint(TRUNCATE)");
    const dbBytes = statSync(file).size;
    const runs = (s.db.prepare("SELECT COUNT(*) FROM runs").pluck().get() as number) ?? 0;

    log("timing reads...");
    const listRuns = time(REPEATS, () => s.listRuns());
    const listSessions = time(REPEATS, () => s.listSessions());
    const openSession = time(REPEATS, () => s.getSession("session 3"));
    const ids = s.getSession("session 3")?.runs.map((r) => r.id) ?? [];
    const loadWhole = time(5, () => ids.map((id) => s.getRun(id)));
    s.close();
    const open = time(REPEATS, () => openStore(file).close());

    // The same saves with an fsync per commit, in a fresh database, for reference.
    const fullFile = path.join(dir, "full.db");
    const full = openStore(fullFile);
    full.db.pragma("synchronous = FULL");
    const fullSession = full.ensureSession("full").id;
    const saveFull = time(SAVE_SAMPLES_FULL, () => full.saveRun(fullSession, variant(outcome, n++), { kind: "run", modelFile: MODEL, sources, git }));
    full.close();

    const provenance = collectProvenance([]);
    const figures = {
      machine: { cpu: `${provenance.cpu} (${provenance.cores} cores)`, platform: provenance.platform, node: provenance.node, load1m: provenance.loadAvg1m, gitCommit: provenance.gitCommit },
      outcomeJsonBytes: outcomeBytes,
      runs,
      saveMs: { synchronousNormal: { median: save.median, p90: save.p90, n: save.n }, synchronousFull: saveFull },
      openStoreMs: open,
      list10kRunsMs: listRuns,
      listSessionsMs: listSessions,
      openSession1kRunsMs: openSession,
      load1kRunsWholeMs: loadWhole,
      dbBytes,
      dbBytesPerRun: Math.round(dbBytes / runs),
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      return;
    }
    const ms = (t: { median: number; p90: number; n: number }) => `${t.median.toFixed(3)} ms median, p90 ${t.p90.toFixed(3)} ms (n=${t.n})`;
    const lines = [
      `sessions store: ${runs.toLocaleString("en-US")} runs of ${path.relative(root, MODEL)} (outcome JSON ${outcomeBytes.toLocaleString("en-US")} bytes)`,
      `machine: ${figures.machine.cpu}, ${figures.machine.platform}, node ${figures.machine.node}, load ${figures.machine.load1m.toFixed(2)}`,
      "",
      `save a run (synchronous=NORMAL)   ${ms(figures.saveMs.synchronousNormal)}`,
      `save a run (synchronous=FULL)     ${ms(saveFull)}`,
      `open the store                    ${ms(open)}`,
      `list 10,000 runs                  ${ms(listRuns)}`,
      `list the ${SESSIONS} sessions              ${ms(listSessions)}`,
      `open a session of 1,000 runs      ${ms(openSession)}`,
      `load its 1,000 runs whole         ${ms(loadWhole)}`,
      `database bytes per run            ${figures.dbBytesPerRun.toLocaleString("en-US")} (${(dbBytes / 2 ** 20).toFixed(1)} MiB for ${runs.toLocaleString("en-US")} runs)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
