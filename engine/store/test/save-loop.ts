/**
 * A writer for the durability tests: saves runs into a database in a loop and prints each run's id
 * on its own line as soon as its save has returned (stdout to a pipe is synchronous on Linux and
 * macOS, so a printed id is a returned save).
 *
 *   node --import tsx engine/store/test/save-loop.ts <db file> <session> <count, 0 = until killed> [log lines per run]
 */
import { openStore } from "../store";
import { okOutcome } from "./fixtures";

const [file, sessionName, countArg, logArg] = process.argv.slice(2);
if (!file || !sessionName) throw new Error("usage: save-loop.ts <db file> <session> <count> [log lines]");
const count = Number(countArg ?? "0");
const logLines = Number(logArg ?? "0");

const store = openStore(file);
const session = store.ensureSession(sessionName);
const git = { commit: "test", dirty: false } as const;
process.stdout.write("ready\n");
for (let i = 0; count === 0 || i < count; i++) {
  const outcome = okOutcome({ warmMs: i, sum: i, sha256: String(i).padStart(64, "0") });
  // Bigger records make each transaction longer, so a kill is likelier to land inside one.
  if (outcome.ok) outcome.result.logs = Array.from({ length: logLines }, (_, k) => ({ level: "log" as const, text: `run ${i} line ${k} ${"x".repeat(80)}`, location: null }));
  const saved = store.saveRun(session.id, outcome, { kind: "run", modelFile: "loop.ts", sourceText: `// version ${i % 7}\n`, git });
  process.stdout.write(`${saved.id}\n`);
}
store.close();
