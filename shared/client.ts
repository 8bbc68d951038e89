import { CallError } from "./call-error";
import { CONTRACT_VERSION, type EventData, type EventName, METHODS, type Method, type ParamsInput, type Result, ServerMessage, describeIssues } from "./contract";
import type { Transport } from "./transport";

export { CallError, type CallErrorCode, errorCode, errorMessage } from "./call-error";

/**
 * The one client of the engine that a window uses, over any Transport:
 *
 *   const tandem = createClient(transport);
 *   const outcome = await tandem.run({ model: { source, filename: "model.ts" }, mode: "graph:tfjs" }, { onEvent: (e) => ... });
 *
 * Its methods are made from the contract's METHODS table (as VS Code's ProxyChannel makes a client
 * from a service interface): `tandem.run(params)` is `tandem.call("run", params)`, typed from the
 * method's zod schemas, so a new method needs only its schema and its entry in METHODS.
 *
 * Each side checks what it receives, once: the engine a request's params (an invalid call is
 * answered `invalid`, with the issues), the client each reply against its method's result schema
 * and each event against its own. Nothing is checked again on the way out. It is a plain object of functions, so that Electron's contextBridge can expose it.
 */

/** The events that belong to one call (a `shell` command belongs to none). */
export type CallEventName = Exclude<EventName, "shell">;
export type CallEvent = { [E in CallEventName]: { event: E; data: EventData<E> } }[CallEventName];

export interface CallOptions {
  /** The call's id, to cancel it or to match its events; from `nextId()`, else one is made up. */
  id?: string;
  /** Told about this call's own events (its logs, progress, bench progress) as they come. */
  onEvent?: (event: CallEvent) => void;
  /** Cancels the call when aborted (the client sends `cancel`; the call rejects as cancelled). */
  signal?: AbortSignal;
}

export type EventListener<E extends EventName> = (data: EventData<E>, job: string | null) => void;

export interface ClientOptions {
  /** Told about messages from the engine that break the contract (they are otherwise dropped). */
  onInvalid?: (problem: string, message: unknown) => void;
}

/** A method of the contract as a function; params that may be left out entirely make an optional argument. */
export type MethodCall<M extends Method> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "{}" asks whether every param is optional
  {} extends ParamsInput<M> ? (params?: ParamsInput<M>, options?: CallOptions) => Promise<Result<M>> : (params: ParamsInput<M>, options?: CallOptions) => Promise<Result<M>>;

/** Every method of the contract but `cancel`, which the client offers by call id instead. */
export type MethodClient = { [M in Exclude<Method, "cancel">]: MethodCall<M> };

export interface TandemClient extends MethodClient {
  readonly contract: number;
  call<M extends Method>(method: M, params: ParamsInput<M>, options?: CallOptions): Promise<Result<M>>;
  nextId(): string;
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
  onEvent: ((event: CallEvent) => void) | undefined;
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
      call.reject(new CallError("closed", why));
    }
  };

  const tell = (what: string, raw: unknown, listener: () => void) => {
    try {
      listener();
    } catch (error) {
      invalid(`a ${what} listener threw: ${error instanceof Error ? error.message : String(error)}`, raw);
    }
  };

  const receive = (raw: unknown) => {
    const parsed = ServerMessage.safeParse(raw);
    if (!parsed.success) return invalid(`not a message of contract v${CONTRACT_VERSION}: ${describeIssues(parsed.error)[0]?.message ?? "invalid"}`, raw);
    const message = parsed.data;
    if (message.type === "event") {
      const onEvent = message.job === null ? undefined : pending.get(message.job)?.onEvent;
      if (onEvent && message.event !== "shell") tell(message.event, raw, () => onEvent({ event: message.event, data: message.data } as CallEvent));
      for (const listener of listeners.get(message.event) ?? []) tell(message.event, raw, () => listener(message.data, message.job));
      return;
    }
    const call = message.id === null ? undefined : pending.get(message.id);
    if (!call) {
      if (!message.ok) invalid(`the engine refused a message: [${message.error.code}] ${message.error.message}`, raw);
      else invalid(`a reply to no call in flight (${message.id})`, raw);
      return;
    }
    pending.delete(message.id as string);
    if (!message.ok) return call.reject(new CallError(message.error.code, message.error.message, message.error.issues));
    const result = METHODS[call.method].result.safeParse(message.result);
    if (!result.success) {
      const issues = describeIssues(result.error);
      invalid(`the reply to ${call.method} breaks its schema`, raw);
      return call.reject(new CallError("invalid-reply", `the engine's reply to ${call.method} breaks the contract: ${issues[0]?.path}: ${issues[0]?.message}`, issues));
    }
    call.resolve(result.data);
  };

  const stopMessages = transport.onMessage(receive);
  const stopClose = transport.onClose?.(() => failAll("the connection to the engine closed"));

  const nextId = () => `c${++counter}`;

  const call = <M extends Method>(method: M, params: ParamsInput<M>, callOptions: CallOptions = {}): Promise<Result<M>> => {
    if (closed) return Promise.reject(new CallError("closed", closed));
    const { signal, onEvent } = callOptions;
    const id = callOptions.id ?? nextId();
    if (signal?.aborted) return Promise.reject(new CallError("cancelled", `call ${id} (${method}) was cancelled before it was sent`));
    if (pending.has(id)) return Promise.reject(new CallError("duplicate-id", `a call with id ${id} is already in flight`));
    const sent = new Promise<Result<M>>((resolve, reject) => {
      pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, onEvent });
      try {
        transport.send({ v: CONTRACT_VERSION, type: "request", id, method, params });
      } catch (error) {
        pending.delete(id);
        reject(new CallError("closed", `could not send: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
    if (!signal) return sent;
    // The engine answers a cancelled call with a `cancelled` error: the promise settles through it.
    const abort = () => void cancel(id).catch(() => false);
    signal.addEventListener("abort", abort, { once: true });
    return sent.finally(() => signal.removeEventListener("abort", abort));
  };

  const cancel = async (id: string): Promise<boolean> => (await call("cancel", { id })).cancelled;

  // One function per method of the contract, each the generic call with its name filled in.
  const methods = Object.fromEntries(
    (Object.keys(METHODS) as Method[]).filter((method) => method !== "cancel").map((method) => [method, (params: unknown = {}, o?: CallOptions) => call(method, params as never, o)]),
  ) as MethodClient;

  return {
    ...methods,
    contract: CONTRACT_VERSION,
    call,
    nextId,
    cancel,
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
