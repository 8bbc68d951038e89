import type { SavedInto } from "../../shared/contract";
import type { SavedRef } from "../../shared/sessions";
import type { Store } from "../store/store";
import { ServiceError } from "./call";

/**
 * The sessions database as the service uses it: opened on the first call that needs it (the
 * store is SQLite, a native module: a host that never saves never loads it), once, and closed with
 * the service. The store's own errors become contract errors the window can act on.
 */
export class StoreAccess {
  private store: Promise<Store> | null = null;

  /** `file`: the database; $TANDEM_HOME/tandem.db (read when first opened) by default. */
  constructor(private readonly file?: string) {}

  private open(): Promise<Store> {
    this.store ??= import("../store/store").then(({ openStore }) => openStore(this.file)).catch((error: unknown) => {
      this.store = null; // a later call tries again (a locked or newer database may be fixed meanwhile)
      throw error;
    });
    return this.store;
  }

  /** Runs `body` with the store; a StoreError (unknown session, taken name, bad bundle) becomes a ServiceError. */
  async use<T>(body: (store: Store) => T | Promise<T>): Promise<T> {
    try {
      return await body(await this.open());
    } catch (error) {
      throw await asServiceError(error);
    }
  }

  /**
   * Saves a call's result into a session when one was named; a failure is reported beside the
   * result (`saveError`), never instead of it: the run happened either way.
   */
  async saveInto(session: string | undefined, save: (store: Store) => Promise<SavedRef>): Promise<{ saved?: SavedInto; saveError?: string }> {
    if (session === undefined) return {};
    try {
      return { saved: await this.use(async (store) => withSummaries(store, await save(store))) };
    } catch (error) {
      return { saveError: `not saved into session ${JSON.stringify(session)}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = null;
    (await store?.catch(() => null))?.close();
  }
}

async function asServiceError(error: unknown): Promise<unknown> {
  if (error instanceof ServiceError) return error;
  const { StoreError } = await import("../store/store");
  const { SchemaTooNewError } = await import("../store/migrations");
  if (error instanceof StoreError) return new ServiceError(error.code === "invalid" ? "refused" : error.code, error.message);
  if (error instanceof SchemaTooNewError) return new ServiceError("refused", error.message);
  return error;
}

/** A save's reference with the session as it now is and the summaries of the runs it added. */
function withSummaries(store: Store, ref: SavedRef): SavedInto {
  const runs = (ref.runIds ?? [ref.runId]).map((id) => {
    const { sessionName: _name, outcome: _outcome, artifacts: _artifacts, ...summary } = store.requireRun(id);
    return summary;
  });
  return { ...ref, info: store.requireSession(ref.sessionId), runs };
}
