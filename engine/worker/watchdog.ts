import { Worker } from "node:worker_threads";
import { userFrames } from "../model/stack";
import { WATCHDOG_MARK, type WatchdogReport } from "./watchdog-report";

/**
 * Finds where a job is stuck before its time runs out. A model in an infinite loop holds this
 * process's main thread, so nothing on it can answer; a thread can. Shortly before the job's limit
 * it connects to the main thread's inspector, pauses it wherever it is, and evaluates `WHERE` on
 * the paused frame: the stack from there, through the stack mapper, gives the user's .ts lines.
 * It writes that to stderr (fd 2 directly: the main thread, which relays a thread's stdio, is the
 * one stuck), resumes, and the parent, which kills the worker at the limit, reads it.
 */

const WHERE = Symbol.for("tandem.watchdog.where");

// The thread's body, run with eval: a plain CommonJS script.
const WATCHDOG_SOURCE = `
const { Session } = require("node:inspector");
const { parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const MARK = ${JSON.stringify(WATCHDOG_MARK)};
let timer = null;
function report(job, top, where) {
  let frames = [];
  try { frames = JSON.parse(where); } catch {}
  try { writeSync(2, "\\n" + MARK + JSON.stringify({ job, top, frames }) + "\\n"); } catch {}
}
function pause(job) {
  const session = new Session();
  session.connectToMainThread();
  const done = () => { try { session.post("Debugger.resume"); session.disconnect(); } catch {} };
  session.once("Debugger.paused", ({ params }) => {
    const frame = params.callFrames[0];
    const top = frame ? frame.functionName || null : null;
    session.post("Debugger.evaluateOnCallFrame", {
      callFrameId: frame.callFrameId,
      expression: "globalThis[Symbol.for('tandem.watchdog.where')]()",
      returnByValue: true,
      silent: true,
    }, (error, result) => {
      report(job, top, !error && result && result.result && typeof result.result.value === "string" ? result.result.value : "[]");
      done();
    });
  });
  session.post("Debugger.enable", () => session.post("Debugger.pause"));
}
parentPort.on("message", (m) => {
  clearTimeout(timer);
  timer = null;
  if (m.type === "arm") timer = setTimeout(() => pause(m.job), m.afterMs);
});
`;

let thread: Worker | null = null;

function where(): string {
  const frames: WatchdogReport["frames"] = userFrames(new Error()).slice(0, 6);
  return JSON.stringify(frames);
}

/** How long before the parent's limit to look: enough for the pause and the write to land first. */
export function watchdogDelay(timeoutMs: number): number {
  return Math.max(0, timeoutMs - Math.min(500, timeoutMs * 0.2));
}

/** Look where job `job` is after `afterMs`, unless disarmed first. */
export function armWatchdog(job: string, afterMs: number): void {
  if (!thread) {
    (globalThis as Record<symbol, unknown>)[WHERE] = where;
    thread = new Worker(WATCHDOG_SOURCE, { eval: true });
    thread.unref(); // it never keeps the worker alive
  }
  thread.postMessage({ type: "arm", job, afterMs });
}

export function disarmWatchdog(): void {
  thread?.postMessage({ type: "disarm" });
}
