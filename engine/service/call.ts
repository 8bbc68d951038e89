import type { BenchProgress } from "../../shared/bench";
import type { ErrorCode, Method, Params, Progress, Result } from "../../shared/contract";
import type { LogEntry } from "../../shared/run";

/**
 * What every handler of a contract method deals in: the call it serves (id, cancellation, events)
 * and the typed error it may answer with. Kept apart from service.ts so that the handlers in files
 * of their own (sessions, bench) and the connection depend on this, not on each other.
 */

/** An error a handler answers with, as a contract error code. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** What a handler gets besides its params: the call's id, its cancellation, and its events. */
export interface CallContext {
  id: string;
  signal: AbortSignal;
  log(entry: LogEntry): void;
  progress(progress: Progress): void;
  /** Where a bench call is (its own event: phases, rounds and time budget that `progress` has no words for). */
  benchProgress(progress: BenchProgress): void;
}

export type Handler<M extends Method> = (params: Params<M>, context: CallContext) => Promise<Result<M>>;
export type Handlers = { [M in Method]?: Handler<M> };
