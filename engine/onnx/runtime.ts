import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { dtypeOrNull, fromOrtTensor, toOrtTensor, type FeedTensor, type HostTensor } from "./host-tensor";
import { loadOrt } from "./ort";
import { readOrtProfile, type OrtProfileEvent } from "./profile";

export { detectExecutionProviders, type ExecutionProviderInfo } from "./providers";
export type { FeedTensor, HostTensor } from "./host-tensor";
export type { OrtProfileEvent } from "./profile";

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "all";

export interface SessionOptions {
  /** Default "all", onnxruntime's own default. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Threads inside one op; 0 or left out: onnxruntime picks (one per physical core). */
  intraOpNumThreads?: number;
  /** Threads across independent ops (parallel execution mode only); 0 or left out: onnxruntime picks. */
  interOpNumThreads?: number;
  /** In order of preference, e.g. ["cuda", "cpu"]; nodes an EP cannot run fall to the next. Default ["cpu"]. */
  executionProviders?: readonly string[];
  /** Records a per-node profile, read back with `endProfiling()`. */
  enableProfiling?: boolean;
}

export interface SessionTimings {
  /** Wall time of creating the session: parsing, graph optimization, kernel set-up. */
  createMs: number;
  runs: number;
  lastRunMs: number | null;
}

/** A loaded model. Everything in and out is Tandem's own types; onnxruntime's stay inside. */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly timings: Readonly<SessionTimings>;
  /** Runs the model; every input must be fed. Returns all outputs, by name. */
  run(feeds: Readonly<Record<string, FeedTensor>>): Promise<Record<string, HostTensor>>;
  /** Stops profiling and returns its events (only with `enableProfiling`). */
  endProfiling(): Promise<OrtProfileEvent[]>;
  release(): Promise<void>;
}

function checkThreads(n: number | undefined, what: string): void {
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/** Loads a serialized ModelProto (e.g. `OnnxBuilder.toBytes()`) into onnxruntime. */
export async function createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<OnnxSession> {
  checkThreads(options.intraOpNumThreads, "intraOpNumThreads");
  checkThreads(options.interOpNumThreads, "interOpNumThreads");
  const ort = await loadOrt();
  // onnxruntime writes the profile to `<prefix>_<timestamp>.json` relative to the cwd unless told
  // otherwise; a folder of our own keeps it out of the user's project and easy to find.
  const profileDir = options.enableProfiling ? mkdtempSync(join(tmpdir(), "tandem-ort-profile-")) : null;
  const ortOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    executionProviders: [...(options.executionProviders ?? ["cpu"])],
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads ? { interOpNumThreads: options.interOpNumThreads } : {}),
    ...(profileDir === null ? {} : { enableProfiling: true, profileFilePrefix: join(profileDir, "profile") }),
  };
  const started = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, ortOptions);
  } catch (error) {
    if (profileDir !== null) rmSync(profileDir, { recursive: true, force: true });
    throw new Error(`onnxruntime could not load the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const timings: SessionTimings = { createMs: performance.now() - started, runs: 0, lastRunMs: null };

  const inputDTypes = new Map(session.inputMetadata.map((m) => [m.name, m.isTensor ? dtypeOrNull(m.type) : null]));
  let profiling = profileDir !== null;
  let lastFeeds: Readonly<Record<string, FeedTensor>> | null = null;
  let lastOrtFeeds: Record<string, Tensor> | null = null;
  let lastEntries: FeedTensor[] = [];
  let released = false;
  const live = (what: string): void => {
    if (released) throw new Error(`${what}: the session was released`);
  };

  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    timings,
    async run(feeds) {
      live("run");
      // A warm loop passes the same feeds object every call: check and wrap it once, so each call
      // costs what a bare onnxruntime call costs (the ORT tensors share the feeds' arrays).
      const entries = Object.values(feeds);
      const same = feeds === lastFeeds && entries.length === lastEntries.length && entries.every((f, i) => f === lastEntries[i]);
      let ortFeeds = same ? lastOrtFeeds : null;
      if (ortFeeds === null) {
        const unknown = Object.keys(feeds).filter((name) => !inputDTypes.has(name));
        const missing = session.inputNames.filter((name) => !(name in feeds));
        if (unknown.length > 0 || missing.length > 0) {
          const parts = [unknown.length > 0 && `unknown input(s) ${unknown.join(", ")}`, missing.length > 0 && `missing input(s) ${missing.join(", ")}`];
          throw new Error(`run: ${parts.filter(Boolean).join("; ")}; the model takes ${session.inputNames.join(", ")}`);
        }
        const built: Record<string, Tensor> = {};
        for (const [name, feed] of Object.entries(feeds)) built[name] = toOrtTensor(ort, name, feed, inputDTypes.get(name) ?? null);
        ortFeeds = built;
        lastFeeds = feeds;
        lastEntries = entries;
        lastOrtFeeds = built;
      }
      const t0 = performance.now();
      const results = await session.run(ortFeeds);
      timings.lastRunMs = performance.now() - t0;
      timings.runs += 1;
      const outputs: Record<string, HostTensor> = {};
      for (const [name, tensor] of Object.entries(results)) outputs[name] = fromOrtTensor(name, tensor);
      return outputs;
    },
    async endProfiling() {
      live("endProfiling");
      if (profileDir === null) throw new Error("endProfiling: the session was created without enableProfiling");
      if (!profiling) throw new Error("endProfiling: profiling has already ended");
      profiling = false;
      session.endProfiling();
      try {
        return readOrtProfile(profileDir);
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
      if (profileDir !== null) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
