import { defineStore } from "pinia";
import { ref, shallowRef } from "vue";
import type { BackendInfo } from "../../../shared/backends";
import { type TandemClient, errorMessage } from "../../../shared/client";
import type { Result } from "../../../shared/contract";

/**
 * The engine as every other store reaches it: the contract's client, the state of the connection,
 * what the engine said of itself (hello, its backends), and the window's notices (one line at the
 * bottom). It depends on no other store, so that all of them can depend on it.
 */
export const useEngine = defineStore("engine", () => {
  const client = shallowRef<TandemClient | null>(null);
  const connection = ref<"connecting" | "connected" | "lost" | "failed">("connecting");
  const connectionError = ref<string | null>(null);
  /** While the connection is lost: whether the window is trying to reach the engine again (serve), and how often it tried. */
  const reconnectAttempts = ref<number | null>(null);
  const hello = ref<Result<"hello"> | null>(null);
  const backends = ref<BackendInfo[]>([]);
  const notice = ref<{ text: string; kind: "info" | "error"; nonce: number } | null>(null);

  function say(text: string, kind: "info" | "error" = "info") {
    notice.value = { text, kind, nonce: Date.now() };
  }

  /** Starts using a client: says hello, then lists the backends; resolves once hello answered (or failed). */
  async function attach(c: TandemClient): Promise<void> {
    client.value = c;
    try {
      hello.value = await c.hello();
      connection.value = "connected";
      reconnectAttempts.value = null;
    } catch (error) {
      connection.value = "failed";
      connectionError.value = errorMessage(error);
      return;
    }
    c.backends().then(
      (list) => (backends.value = list),
      // The engine stopping says so in the banner; only a live engine's refusal is news.
      (error: unknown) => client.value === c && connection.value === "connected" && say(`could not list the backends: ${errorMessage(error)}`, "error"),
    );
  }

  return { client, connection, connectionError, reconnectAttempts, hello, backends, notice, say, attach };
});
