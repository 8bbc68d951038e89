import type { ContractError } from "./contract";

/** Why a call failed: a ContractError code, or "closed" / "invalid-reply" from the client itself. */
export type CallErrorCode = ContractError["code"] | "closed" | "invalid-reply";

/**
 * A contract call that failed (not a model that failed: that is an outcome with `ok: false`). The
 * code also leads the message, "[cancelled] ...": Electron's contextBridge copies only an error's
 * message, so `errorCode()` reads it from there when `code` is gone.
 */
export class CallError extends Error {
  constructor(
    readonly code: CallErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(`[${code}] ${message}`);
    this.name = "CallError";
  }
}

/** The code of an error a client call rejected with, also after it crossed Electron's contextBridge. */
export function errorCode(error: unknown): CallErrorCode | null {
  if (error instanceof CallError) return error.code;
  const match = error instanceof Error ? /^\[([a-z-]+)\] /.exec(error.message) : null;
  return (match?.[1] as CallErrorCode | undefined) ?? null;
}

/** An error's message without its leading "[code] ", for people to read. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^\[[a-z-]+\] /, "") : String(error);
}
