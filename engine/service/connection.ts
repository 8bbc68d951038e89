import {
  CONTRACT_VERSION,
  type ContractError,
  type EventData,
  type EventMessage,
  MAX_MESSAGE_CHARS,
  METHODS,
  Method,
  type Reply,
  RequestEnvelope,
  describeIssues,
  messageSize,
} from "../../shared/contract";
import type { Transport } from "../../shared/transport";
import { type CallContext, type Handler, type Handlers, ServiceError } from "./call";

/**
 * One client's connection to the engine, over any Transport: validates every message it receives
 * (the one check of what crosses from client to engine), dispatches
 * requests to the handlers, sends replies and the calls' events, and cancels what the client left
 * running when it goes. Nothing a client sends can throw out of here: a message that is not a
 * request of this contract gets an error reply and a line in the log.
 */

export interface ConnectionOptions {
  maxMessageChars?: number;
  /** Where refused messages and handler failures are reported (default: stderr). */
  log?: (line: string) => void;
  /** A name for the log lines ("ws 127.0.0.1:50312", "window 1"). */
  name?: string;
}

export interface Connection {
  /** Sends an event that belongs to no call (the desktop menu's commands). */
  emit(event: "shell", data: EventData<"shell">): void;
  /** Stops listening and cancels the calls in flight. */
  close(): void;
}

const idOf = (raw: unknown): string | null => {
  const id = typeof raw === "object" && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.length > 0 && id.length <= 100 ? id : null;
};

export function serveConnection(transport: Transport, handlers: Handlers, options: ConnectionOptions = {}): Connection {
  const max = options.maxMessageChars ?? MAX_MESSAGE_CHARS;
  const name = options.name ?? "client";
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const inflight = new Map<string, AbortController>();
  let closed = false;

  const send = (message: Reply | EventMessage) => {
    if (closed) return;
    try {
      transport.send(message);
    } catch (error) {
      log(`${name}: could not send a ${message.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const refuse = (id: string | null, error: ContractError, what: string) => {
    log(`${name}: refused ${what}: [${error.code}] ${error.message}${error.issues ? ` ${JSON.stringify(error.issues)}` : ""}`);
    send({ v: CONTRACT_VERSION, type: "reply", id, ok: false, error });
  };

  async function dispatch(id: string, method: Method, params: unknown): Promise<void> {
    const schema = METHODS[method];
    const checked = schema.params.safeParse(params);
    if (!checked.success) {
      const issues = describeIssues(checked.error);
      refuse(id, { code: "invalid", message: `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues }, `a ${method} call`);
      return;
    }
    if (method === "cancel") {
      const target = inflight.get((checked.data as { id: string }).id);
      target?.abort();
      send({ v: CONTRACT_VERSION, type: "reply", id, ok: true, result: { cancelled: !!target } });
      return;
    }
    const handler = handlers[method] as Handler<Method> | undefined;
    if (!handler) {
      refuse(id, { code: "unsupported", message: `${method} is not offered by this host` }, `a ${method} call`);
      return;
    }
    const controller = new AbortController();
    inflight.set(id, controller);
    const context: CallContext = {
      id,
      signal: controller.signal,
      log: (entry) => send({ v: CONTRACT_VERSION, type: "event", event: "log", job: id, data: entry }),
      progress: (progress) => send({ v: CONTRACT_VERSION, type: "event", event: "progress", job: id, data: progress }),
      benchProgress: (progress) => send({ v: CONTRACT_VERSION, type: "event", event: "benchProgress", job: id, data: progress }),
    };
    try {
      // Not checked again on the way out: the handler's result is typed, what it holds from a
      // worker was checked when it crossed from the worker, and the client checks the reply.
      const result = await handler(checked.data as never, context);
      send({ v: CONTRACT_VERSION, type: "reply", id, ok: true, result });
    } catch (error) {
      if (controller.signal.aborted || (error instanceof ServiceError && error.code === "cancelled")) {
        send({ v: CONTRACT_VERSION, type: "reply", id, ok: false, error: { code: "cancelled", message: `call ${id} (${method}) was cancelled` } });
      } else if (error instanceof ServiceError) {
        send({ v: CONTRACT_VERSION, type: "reply", id, ok: false, error: { code: error.code, message: error.message } });
      } else {
        log(`${name}: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        send({ v: CONTRACT_VERSION, type: "reply", id, ok: false, error: { code: "internal", message: error instanceof Error ? error.message : String(error) } });
      }
    } finally {
      inflight.delete(id);
    }
  }

  function receive(raw: unknown): void {
    if (closed) return;
    const size = messageSize(raw);
    if (size === null) return refuse(idOf(raw), { code: "invalid", message: "the message is not JSON" }, "a message");
    if (size > max) {
      return refuse(typeof raw === "string" ? null : idOf(raw), { code: "too-large", message: `the message has ${size} characters; the limit is ${max}` }, "a message");
    }
    let message = raw;
    if (typeof raw === "string") {
      try {
        message = JSON.parse(raw);
      } catch {
        return refuse(null, { code: "invalid", message: "the message is not JSON" }, "a message");
      }
    }
    const envelope = RequestEnvelope.safeParse(message);
    if (!envelope.success) {
      const issues = describeIssues(envelope.error);
      return refuse(idOf(message), { code: "invalid", message: `not a request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues }, "a message");
    }
    const { v, id, method, params } = envelope.data;
    if (v !== CONTRACT_VERSION) {
      return refuse(id, { code: "version", message: `this engine speaks contract v${CONTRACT_VERSION}, the message is v${v}` }, "a message");
    }
    const known = Method.safeParse(method);
    if (!known.success) return refuse(id, { code: "unknown-method", message: `no method ${JSON.stringify(method.slice(0, 50))}` }, "a message");
    if (inflight.has(id)) return refuse(id, { code: "duplicate-id", message: `a call with id ${id} is already in flight` }, "a message");
    dispatch(id, known.data, params).catch((error: unknown) => log(`${name}: internal error: ${String(error)}`));
  }

  const stopMessages = transport.onMessage((raw) => {
    try {
      receive(raw);
    } catch (error) {
      log(`${name}: internal error on a message: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  });
  const stop = { close: undefined as (() => void) | undefined };
  const close = () => {
    if (closed) return;
    closed = true;
    stopMessages();
    stop.close?.();
    for (const controller of inflight.values()) controller.abort();
  };
  stop.close = transport.onClose?.(close);

  return {
    emit: (event, data) => send({ v: CONTRACT_VERSION, type: "event", event, job: null, data }),
    close,
  };
}
