import { defineStore } from "pinia";
import { computed, reactive, ref, watch } from "vue";
import type { BenchProgress, BenchResult } from "../../../shared/bench";
import { errorMessage } from "../../../shared/client";
import type { Result } from "../../../shared/contract";
import type { RunMode } from "../../../shared/run";
import { useCall } from "../composables/use-call";
import { measuredCases } from "../lib/bench-charts";
import { parseBatches, parseThreads, progressFraction } from "../lib/bench-form";
import { useEditor } from "./editor";
import { useEngine } from "./engine";
import { useImportedCode } from "./imported-code";
import { useRun } from "./run";
import { useSessions } from "./sessions";

/**
 * The Bench tab: its settings, the one bench call at a time (with its progress events), and the
 * last result, kept on screen (dimmed) while the next one runs. A cancelled bench answers with what
 * it measured up to then, marked interrupted. The graph view reads `heat` and the result's
 * profiles for its heat colours.
 */

export const BENCH_MODES: readonly RunMode[] = ["eager", "graph:tfjs", "graph:ort"];

export interface BenchSettings {
  modes: Record<RunMode, boolean>;
  /** As typed: "1, 8, 32"; empty: the model's own inputs. */
  batches: string;
  /** As typed: "1, 2" or "auto". */
  threads: string;
  warmupS: number;
  minTimeS: number;
  maxTimeS: number;
  profile: boolean;
}

export type BenchReply = Result<"bench">;

export const useBench = defineStore("bench", () => {
  const engine = useEngine();
  const editor = useEditor();

  const settings = reactive<BenchSettings>({
    modes: { eager: true, "graph:tfjs": true, "graph:ort": true },
    batches: "1, 8",
    threads: "1",
    warmupS: 0.5,
    minTimeS: 1,
    maxTimeS: 5,
    profile: true,
  });

  const progress = ref<BenchProgress | null>(null);
  /** Waiting behind another bench (they run one at a time): its place in the queue. */
  const queued = ref<number | null>(null);
  /** The bar never runs backwards within one bench (a phase's budget can restart). */
  const fraction = ref(0);
  const cancelling = ref(false);
  const call = useCall("bench", {
    // A cancelled bench answers with what it measured, marked interrupted.
    statusOf: (answer) => (!answer.ok ? "failed" : answer.result?.interrupted ? "cancelled" : "done"),
    onEvent: (event) => {
      if (event.event === "benchProgress") {
        progress.value = event.data;
        queued.value = null;
        fraction.value = Math.max(fraction.value, progressFraction(event.data));
      } else if (event.event === "progress") queued.value = event.data.phase === "queued" ? (event.data.position ?? 1) : null;
    },
  });
  const { status, callId, startedAt, finishedAt, result: reply } = call;
  /** The last bench was cancelled before it answered (it was still waiting, or starting). */
  const stoppedEarly = ref(false);
  /** The call itself failed (connection, contract): its message. */
  const failure = computed(() => (stoppedEarly.value ? "Cancelled before anything was measured." : call.failure.value));
  /** The source and batch sizes of the bench shown, to say when it is of another model. */
  const benchedSource = ref<string | null>(null);
  const benchedBatches = ref<(number | null)[] | null>(null);
  /** The batch sizes of the bench in progress, for its progress line. */
  const runBatches = ref<(number | null)[] | null>(null);
  /** Which batch size the memory and profile cards show (index into the result's cases). */
  const caseIndex = ref(0);
  /** The graph view's heat colours: "off" or a profiled variant's name. */
  const heat = ref<string>("off");

  const batches = computed(() => parseBatches(settings.batches));
  const threads = computed(() => parseThreads(settings.threads));
  const modes = computed(() => BENCH_MODES.filter((m) => settings.modes[m]));
  const formError = computed(() => {
    if (!modes.value.length) return "pick at least one mode";
    if (!batches.value.ok) return batches.value.error;
    if (!threads.value.ok) return threads.value.error;
    if (!(settings.maxTimeS > 0)) return "max time must be more than 0 s";
    if (settings.minTimeS < 0 || settings.minTimeS > settings.maxTimeS) return "min time must be between 0 and the max time";
    if (settings.warmupS < 0) return "warm-up cannot be negative";
    return null;
  });

  const running = computed(() => status.value === "running");
  const result = computed<BenchResult | null>(() => (reply.value?.ok ? reply.value.result : null));
  /** The saved run the charts are kept with: the first of the bench's records (one per batch size and variant). */
  const savedRun = computed(() => {
    const saved = reply.value && "saved" in reply.value ? reply.value.saved : undefined;
    return saved ? { runId: saved.runIds?.[0] ?? saved.runId } : null;
  });
  const error = computed(() => (reply.value && !reply.value.ok ? reply.value.error : null));
  /** Whether the result shown is of the model in the editor now. */
  const sameSource = computed(() => benchedSource.value !== null && benchedSource.value === editor.source);
  /** The batch sizes that measured something: what the memory and profile cards can show. */
  const cases = computed(() => (result.value ? measuredCases(result.value) : []));
  const selectedCase = computed(() => cases.value[Math.min(caseIndex.value, cases.value.length - 1)] ?? null);

  // Another model in the editor (an example, New, Open): the heat colours of this one no longer apply.
  watch(sameSource, (same) => {
    if (!same) heat.value = "off";
  });

  /**
   * The session a bench is saved into: the sessions sidebar's current one. The one place that
   * decides it, so that every bench is kept with the runs beside it.
   */
  function benchSession(): string | undefined {
    return useSessions().currentName || undefined;
  }

  async function run(): Promise<void> {
    if (!engine.client || running.value || formError.value) return;
    const guard = useImportedCode();
    if (guard.needsTrust && !(await guard.ensureTrusted())) return;
    if (running.value) return;
    const b = batches.value;
    const t = threads.value;
    if (!b.ok || !t.ok) return;
    const source = editor.source;
    const { seed, eagerBackend } = useRun().settings;
    runBatches.value = b.value;
    progress.value = null;
    queued.value = null;
    fraction.value = 0;
    cancelling.value = false;
    stoppedEarly.value = false;
    const answer = await call.run({
      model: { source, filename: editor.filename.trim() || "model.ts" },
      modes: modes.value,
      batches: b.value,
      threads: t.value,
      warmupS: settings.warmupS,
      minTimeS: settings.minTimeS,
      maxTimeS: settings.maxTimeS,
      profile: settings.profile,
      seed,
      backend: eagerBackend,
      session: benchSession(),
    });
    cancelling.value = false;
    stoppedEarly.value = !answer && status.value === "cancelled";
    if (!answer) return;
    useSessions().noteSaved(answer);
    benchedSource.value = source;
    benchedBatches.value = b.value;
    caseIndex.value = 0;
    if (answer.ok && answer.result && heat.value !== "off" && !answer.result.cases.some((k) => k.profiles.some((p) => p.variant === heat.value))) heat.value = "off";
  }

  async function cancel(): Promise<void> {
    if (!running.value) return;
    cancelling.value = true;
    try {
      await call.cancel();
    } catch (e) {
      cancelling.value = false;
      engine.say(`could not cancel the bench: ${errorMessage(e)}`, "error");
    }
  }

  return {
    settings,
    status,
    callId,
    progress,
    queued,
    fraction,
    startedAt,
    finishedAt,
    cancelling,
    reply,
    failure,
    benchedSource,
    benchedBatches,
    runBatches,
    caseIndex,
    heat,
    batches,
    threads,
    modes,
    formError,
    running,
    result,
    savedRun,
    error,
    sameSource,
    cases,
    selectedCase,
    benchSession,
    run,
    cancel,
  };
});
