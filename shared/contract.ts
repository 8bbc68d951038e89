import { z } from "zod";
import { BenchProgress } from "./bench";
import { Backends, Bench, Cancel, Check, Export, Graph, Hello, OpenFile, Run, SaveFile } from "./contract-methods";
import { ArtifactAdd, ArtifactGet, RunGet, RunsCompare, SessionDelete, SessionExport, SessionImport, SessionNotes, SessionOpen, SessionRename, SessionsList, SourceGet } from "./contract-sessions";
import { LogEntry } from "./run";

export * from "./contract-methods";
export * from "./contract-sessions";

/**
 * The contract between a client (the window: Electron renderer or browser) and the engine: every
 * request, reply and event, whatever carries it (Electron IPC, a WebSocket). Both ends validate
 * what they receive against these schemas.
 *
 *   client -> engine   { v, type: "request", id, method, params }
 *   engine -> client   { v, type: "reply", id, ok: true, result } | { v, type: "reply", id, ok: false, error }
 *   engine -> client   { v, type: "event", event, job, data }   (a call's logs and progress, menu commands)
 *
 * A model that fails is not a protocol error: run, graph and export answer `ok: true` with an outcome
 * whose own `ok` is false. `error` replies are for messages the engine could not take (malformed,
 * too large, another contract version, unknown method), for cancelled calls, and for Tandem's bugs.
 */
export const CONTRACT_VERSION = 1;

/** The largest message either end accepts, in UTF-16 code units of its JSON (a model source is at most 1 MB). */
export const MAX_MESSAGE_CHARS = 2 * 1024 * 1024;

export const METHODS = {
  hello: Hello,
  check: Check,
  run: Run,
  graph: Graph,
  export: Export,
  bench: Bench,
  backends: Backends,
  cancel: Cancel,
  openFile: OpenFile,
  saveFile: SaveFile,
  sessionsList: SessionsList,
  sessionOpen: SessionOpen,
  sessionRename: SessionRename,
  sessionNotes: SessionNotes,
  sessionDelete: SessionDelete,
  sessionExport: SessionExport,
  sessionImport: SessionImport,
  runGet: RunGet,
  runsCompare: RunsCompare,
  sourceGet: SourceGet,
  artifactAdd: ArtifactAdd,
  artifactGet: ArtifactGet,
} as const;

export type Method = keyof typeof METHODS;
export const Method = z.enum(Object.keys(METHODS) as [Method, ...Method[]]);
/** What a caller passes (defaults may be left out). */
export type ParamsInput<M extends Method> = z.input<(typeof METHODS)[M]["params"]>;
/** What a handler receives (defaults filled in). */
export type Params<M extends Method> = z.output<(typeof METHODS)[M]["params"]>;
export type Result<M extends Method> = z.output<(typeof METHODS)[M]["result"]>;

const Version = z.literal(CONTRACT_VERSION);
/** Call ids are the caller's; unique among its calls in flight on one connection. */
export const CallId = z.string().min(1).max(100);

/** The envelope of a request; `params` is checked against the method's schema after it. */
export const RequestEnvelope = z.strictObject({
  v: z.number().int(),
  type: z.literal("request"),
  id: CallId,
  method: z.string(),
  params: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ErrorCode = z.enum([
  "invalid", // the message is not a request of this contract (its issues say why)
  "too-large", // over MAX_MESSAGE_CHARS
  "version", // another contract version
  "unknown-method",
  "unsupported", // a method this host does not offer (openFile outside the desktop app)
  "duplicate-id", // an id already in flight on this connection
  "cancelled",
  "not-found", // a session, run, source, download or upload that does not exist
  "conflict", // a name already taken (renaming a session)
  "refused", // a request this engine understood but will not honour (an empty name, a damaged bundle)
  "internal", // a bug in Tandem
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** For `invalid`: where the message differs from the schema. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

export const Reply = z.discriminatedUnion("ok", [
  z.strictObject({ v: Version, type: z.literal("reply"), id: CallId, ok: z.literal(true), result: z.unknown() }),
  /** `id` is null when the message it answers had none that could be read. */
  z.strictObject({ v: Version, type: z.literal("reply"), id: CallId.nullable(), ok: z.literal(false), error: ContractError }),
]);
export type Reply = z.infer<typeof Reply>;

/** Where a call is; `queued` carries its place in the queue (1 = next). */
export const Progress = z.object({
  phase: z.enum(["queued", "starting", "compiling", "constructing", "running", "checking"]),
  position: z.number().int().positive().optional(),
});
export type Progress = z.infer<typeof Progress>;

/** A command from the desktop app's menu, for the window to act on. */
export const ShellCommand = z.discriminatedUnion("command", [
  z.object({ command: z.literal("new") }),
  /** A file was opened (menu Open or a recent file): show it. */
  z.object({ command: z.literal("open"), path: z.string(), text: z.string() }),
  /** Save the current model (the window calls saveFile with its path, or null for Save As). */
  z.object({ command: z.literal("save") }),
  z.object({ command: z.literal("saveAs") }),
  /** The user chose where to export the current model as ONNX: call `export` with this path. */
  z.object({ command: z.literal("exportOnnx"), path: z.string() }),
]);
export type ShellCommand = z.infer<typeof ShellCommand>;

const EventBase = { v: Version, type: z.literal("event") };
export const EventMessage = z.discriminatedUnion("event", [
  /** A line the model logged, while its call runs; `job` is the call's id. */
  z.strictObject({ ...EventBase, event: z.literal("log"), job: CallId, data: LogEntry }),
  z.strictObject({ ...EventBase, event: z.literal("progress"), job: CallId, data: Progress }),
  /** Where a bench call is: phase, batch size, rounds, time against its budget. */
  z.strictObject({ ...EventBase, event: z.literal("benchProgress"), job: CallId, data: BenchProgress }),
  z.strictObject({ ...EventBase, event: z.literal("shell"), job: z.null(), data: ShellCommand }),
]);
export type EventMessage = z.infer<typeof EventMessage>;
export type EventName = EventMessage["event"];
export type EventData<E extends EventName> = Extract<EventMessage, { event: E }>["data"];

/** Anything the engine sends. */
export const ServerMessage = z.union([Reply, EventMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Size of a message as it would travel (JSON), or null when it cannot be serialised. */
export function messageSize(message: unknown): number | null {
  if (typeof message === "string") return message.length;
  try {
    return JSON.stringify(message)?.length ?? null;
  } catch {
    return null;
  }
}

/** zod issues as short path/message pairs, for `invalid` errors. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join(".") || "(root)", message: issue.message }));
}
