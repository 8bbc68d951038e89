import { type Ref, type ShallowRef, ref, shallowRef } from "vue";
import { type CallEvent, errorCode, errorMessage } from "../../../shared/client";
import type { Method, ParamsInput, Progress, Result } from "../../../shared/contract";
import { useEngine } from "../stores/engine";

/**
 * One contract call's life as the window shows it: idle, running (with its progress and id, to
 * cancel it), then done, failed or cancelled, with its result or why the call itself failed. The
 * run columns, the graph view, the export dialog and the Bench tab each hold one instead of
 * writing that lifecycle out again. Use it inside a store's setup: it reaches the engine's client.
 */

export type CallStatus = "idle" | "running" | "done" | "failed" | "cancelled";

export interface UseCallOptions<M extends Method> {
  /** The status a result stands for: a run whose model failed answers `ok: false`, and that is "failed". Default "done". */
  statusOf?: (result: Result<M>) => CallStatus;
  /** The call's own events (logs, progress, bench progress) as they come. */
  onEvent?: (event: CallEvent) => void;
}

export interface Call<M extends Method> {
  status: Ref<CallStatus>;
  /** The last result; kept while the next call runs (the views dim it), until `reset`. */
  result: ShallowRef<Result<M> | null>;
  /** The call itself failed (connection, contract, engine bug): its message; null when cancelled. */
  failure: Ref<string | null>;
  callId: Ref<string | null>;
  /** The engine's last `progress` event for the running call (queued, compiling, running...). */
  progress: Ref<Progress | null>;
  /** performance.now() at the start and the end of the last call. */
  startedAt: Ref<number | null>;
  finishedAt: Ref<number | null>;
  /** Calls the method; resolves with the result, or null when the call failed, was cancelled, or one is already running. */
  run(params: ParamsInput<M>): Promise<Result<M> | null>;
  /** Asks the engine to cancel the running call; false when none runs. Rejects when the request fails. */
  cancel(): Promise<boolean>;
  /** Shows a result that came from elsewhere (a saved run), as if a call had answered it. */
  show(result: Result<M>): void;
  /** Back to idle with nothing shown; a running call is left alone. */
  reset(): void;
}

export function useCall<M extends Method>(method: M, options: UseCallOptions<M> = {}): Call<M> {
  const engine = useEngine();
  const statusOf = options.statusOf ?? (() => "done");
  const status = ref<CallStatus>("idle");
  const result = shallowRef(null) as ShallowRef<Result<M> | null>;
  const failure = ref<string | null>(null);
  const callId = ref<string | null>(null);
  const progress = ref<Progress | null>(null);
  const startedAt = ref<number | null>(null);
  const finishedAt = ref<number | null>(null);

  async function run(params: ParamsInput<M>): Promise<Result<M> | null> {
    const client = engine.client;
    if (!client || status.value === "running") return null;
    const id = client.nextId();
    status.value = "running";
    callId.value = id;
    failure.value = null;
    progress.value = null;
    startedAt.value = performance.now();
    finishedAt.value = null;
    const current = () => callId.value === id;
    const onEvent = (event: CallEvent) => {
      if (!current()) return;
      if (event.event === "progress") progress.value = event.data;
      options.onEvent?.(event);
    };
    try {
      const answer = await client.call(method, params, { id, onEvent });
      if (current()) {
        result.value = answer;
        status.value = statusOf(answer);
      }
      return answer;
    } catch (error) {
      if (current()) {
        const cancelled = errorCode(error) === "cancelled";
        status.value = cancelled ? "cancelled" : "failed";
        failure.value = cancelled ? null : errorMessage(error);
      }
      return null;
    } finally {
      if (current()) {
        finishedAt.value = performance.now();
        progress.value = null;
      }
    }
  }

  async function cancel(): Promise<boolean> {
    const client = engine.client;
    if (!client || !callId.value || status.value !== "running") return false;
    return client.cancel(callId.value);
  }

  function show(answer: Result<M>): void {
    if (status.value === "running") return;
    callId.value = null;
    result.value = answer;
    failure.value = null;
    status.value = statusOf(answer);
    startedAt.value = finishedAt.value = null;
  }

  function reset(): void {
    if (status.value === "running") return;
    status.value = "idle";
    result.value = null;
    failure.value = null;
    callId.value = null;
    progress.value = null;
    startedAt.value = finishedAt.value = null;
  }

  return { status, result, failure, callId, progress, startedAt, finishedAt, run, cancel, show, reset };
}
