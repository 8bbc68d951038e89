import {
  CONTRACT_VERSION,
  type ContractError,
  type EventData,
  type EventName,
  METHODS,
  type Method,
  type ParamsInput,
  type Result,
  ServerMessage,
  describeIssues,
} from "./contract";
import type { Transport } from "./transport";

/**
 * The one client of the engine that a window uses, over any Transport:
 *
 *   const tandem = createClient(transport);
 *   tandem.on("log", (entry, job) => ...);
 *   const outcome = await tandem.run({ model: { source, filename: "model.ts" }, mode: "graph:tfjs" });
 *
 * It validates what it sends (before sending) and what it receives (each reply against its method's
 * result schema). It is a plain object of functions, so that Electron's contextBridge can expose it.
 */

/** Why a call failed: a ContractError code, or "closed" / "invalid-reply" from the client itself. */
export type ClientErrorCode = ContractError["code"] | "closed" | "invalid-reply";

/**
 * A failed call. The code also leads the message, "[cancelled] ...": Electron's contextBridge
 * copies only an error's message, so `errorCode()` reads it from there when `code` is gone.
 */
export class TandemError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(`[${code}] ${message}`);
    this.name = "TandemError";
  }
}

/** The code of an error a client call rejected with, also after it crossed Electron's contextBridge. */
export function errorCode(error: unknown): ClientErrorCode | null {
  if (error instanceof TandemError) return error.code;
  const match = error instanceof Error ? /^\[([a-z-]+)\] /.exec(error.message) : null;
  return (match?.[1] as ClientErrorCode | undefined) ?? null;
}

export interface CallOptions {
  /** The call's id, to cancel it or to match its events; from `nextId()`, else one is made up. */
  id?: string;
}

export type EventListener<E extends EventName> = (data: EventData<E>, job: string | null) => void;

export interface ClientOptions {
  /** Told about messages from the engine that break the contract (they are otherwise dropped). */
  onInvalid?: (problem: string, message: unknown) => void;
}

export interface TandemClient {
  readonly contract: number;
  call<M extends Method>(method: M, params: ParamsInput<M>, options?: CallOptions): Promise<Result<M>>;
  nextId(): string;
  hello(): Promise<Result<"hello">>;
  check(params: ParamsInput<"check">, options?: CallOptions): Promise<Result<"check">>;
  run(params: ParamsInput<"run">, options?: CallOptions): Promise<Result<"run">>;
  graph(params: ParamsInput<"graph">, options?: CallOptions): Promise<Result<"graph">>;
  export(params: ParamsInput<"export">, options?: CallOptions): Promise<Result<"export">>;
  /** Benchmarks a model; `benchProgress` events follow it, and cancelling it answers what was measured. */
  bench(params: ParamsInput<"bench">, options?: CallOptions): Promise<Result<"bench">>;
  backends(): Promise<Result<"backends">>;
  sessionsList(): Promise<Result<"sessionsList">>;
  sessionOpen(params: ParamsInput<"sessionOpen">): Promise<Result<"sessionOpen">>;
  sessionRename(params: ParamsInput<"sessionRename">): Promise<Result<"sessionRename">>;
  sessionNotes(params: ParamsInput<"sessionNotes">): Promise<Result<"sessionNotes">>;
  sessionDelete(params: ParamsInput<"sessionDelete">): Promise<Result<"sessionDelete">>;
  /** A session as a .tandem bundle; fetch the reply's `download` from `download/<id>`. */
  sessionExport(params: ParamsInput<"sessionExport">): Promise<Result<"sessionExport">>;
  /** Reads a bundle POSTed to `upload` (its id) or at a path on the engine's machine. */
  sessionImport(params: ParamsInput<"sessionImport">): Promise<Result<"sessionImport">>;
  runGet(params: ParamsInput<"runGet">): Promise<Result<"runGet">>;
  runsCompare(params: ParamsInput<"runsCompare">): Promise<Result<"runsCompare">>;
  sourceGet(params: ParamsInput<"sourceGet">): Promise<Result<"sourceGet">>;
  /** Keeps a file (a chart as PNG, its data as CSV or JSON) with a saved run. */
  artifactAdd(params: ParamsInput<"artifactAdd">): Promise<Result<"artifactAdd">>;
  /** A run's artifact as a download; fetch it from `download/<id>`. */
  artifactGet(params: ParamsInput<"artifactGet">): Promise<Result<"artifactGet">>;
  openFile(params?: ParamsInput<"openFile">): Promise<Result<"openFile">>;
  saveFile(params: ParamsInput<"saveFile">): Promise<Result<"saveFile">>;
  /** Cancels a call of this client by id; resolves true when it was still queued or running. */
  cancel(id: string): Promise<boolean>;
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  /** Fails the calls in flight and stops listening; the transport is the caller's to close. */
  close(): void;
}

interface Pending {
  method: Method;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export function createClient(transport: Transport, options: ClientOptions = {}): TandemClient {
  const pending = new Map<string, Pending>();
  // Listeners are stored untyped: `receive` hands each the data its event's schema just checked.
  type AnyListener = (data: unknown, job: string | null) => void;
  const listeners = new Map<EventName, Set<AnyListener>>();
  let counter = 0;
  let closed: string | null = null;
  const invalid = (problem: string, message: unknown) => options.onInvalid?.(problem, message);

  const failAll = (why: string) => {
    closed = why;
    for (const [id, call] of pending) {
      pending.delete(id);
      call.reject(new TandemError("closed", why));
    }
  };

  const receive = (raw: unknown) => {
    const parsed = ServerMessage.safeParse(raw);
    if (!parsed.success) return invalid(`not a message of contract v${CONTRACT_VERSION}: ${describeIssues(parsed.error)[0]?.message ?? "invalid"}`, raw);
    const message = parsed.data;
    if (message.type === "event") {
      for (const listener of listeners.get(message.event) ?? []) {
        try {
          listener(message.data, message.job);
        } catch (error) {
          invalid(`a ${message.event} listener threw: ${error instanceof Error ? error.message : String(error)}`, raw);
        }
      }
      return;
    }
    const call = message.id === null ? undefined : pending.get(message.id);
    if (!call) {
      if (!message.ok) invalid(`the engine refused a message: [${message.error.code}] ${message.error.message}`, raw);
      else invalid(`a reply to no call in flight (${message.id})`, raw);
      return;
    }
    pending.delete(message.id as string);
    if (!message.ok) return call.reject(new TandemError(message.error.code, message.error.message, message.error.issues));
    const result = METHODS[call.method].result.safeParse(message.result);
    if (!result.success) {
      const issues = describeIssues(result.error);
      invalid(`the reply to ${call.method} breaks its schema`, raw);
      return call.reject(new TandemError("invalid-reply", `the engine's reply to ${call.method} breaks the contract: ${issues[0]?.path}: ${issues[0]?.message}`, issues));
    }
    call.resolve(result.data);
  };

  const stopMessages = transport.onMessage(receive);
  const stopClose = transport.onClose?.(() => failAll("the connection to the engine closed"));

  const nextId = () => `c${++counter}`;

  const call = <M extends Method>(method: M, params: ParamsInput<M>, callOptions: CallOptions = {}): Promise<Result<M>> => {
    if (closed) return Promise.reject(new TandemError("closed", closed));
    const id = callOptions.id ?? nextId();
    if (pending.has(id)) return Promise.reject(new TandemError("duplicate-id", `a call with id ${id} is already in flight`));
    const checked = METHODS[method].params.safeParse(params);
    if (!checked.success) {
      const issues = describeIssues(checked.error);
      return Promise.reject(new TandemError("invalid", `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues));
    }
    return new Promise<Result<M>>((resolve, reject) => {
      pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      try {
        transport.send({ v: CONTRACT_VERSION, type: "request", id, method, params });
      } catch (error) {
        pending.delete(id);
        reject(new TandemError("closed", `could not send: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  };

  return {
    contract: CONTRACT_VERSION,
    call,
    nextId,
    hello: () => call("hello", {}),
    check: (params, o) => call("check", params, o),
    run: (params, o) => call("run", params, o),
    graph: (params, o) => call("graph", params, o),
    export: (params, o) => call("export", params, o),
    bench: (params, o) => call("bench", params, o),
    backends: () => call("backends", {}),
    sessionsList: () => call("sessionsList", {}),
    sessionOpen: (params) => call("sessionOpen", params),
    sessionRename: (params) => call("sessionRename", params),
    sessionNotes: (params) => call("sessionNotes", params),
    sessionDelete: (params) => call("sessionDelete", params),
    sessionExport: (params) => call("sessionExport", params),
    sessionImport: (params) => call("sessionImport", params),
    runGet: (params) => call("runGet", params),
    runsCompare: (params) => call("runsCompare", params),
    sourceGet: (params) => call("sourceGet", params),
    artifactAdd: (params) => call("artifactAdd", params),
    artifactGet: (params) => call("artifactGet", params),
    openFile: (params = {}) => call("openFile", params),
    saveFile: (params) => call("saveFile", params),
    cancel: async (id) => (await call("cancel", { id })).cancelled,
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const entry = listener as AnyListener;
      set.add(entry);
      return () => void set.delete(entry);
    },
    close: () => {
      stopMessages();
      stopClose?.();
      failAll("the client was closed");
    },
  };
}
