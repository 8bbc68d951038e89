import { type Ref, computed, onBeforeUnmount, ref, watch } from "vue";

/**
 * Seconds since something started, ticking five times a second while it runs and frozen at its
 * end: the "3.2 s" beside a progress line. Times are performance.now() readings.
 */
export function useElapsed(running: Ref<boolean>, startedAt: Ref<number | null>, finishedAt: Ref<number | null>): Ref<number> {
  const now = ref(performance.now());
  let timer: number | undefined;
  watch(
    running,
    (r) => {
      clearInterval(timer);
      now.value = performance.now();
      if (r) timer = window.setInterval(() => (now.value = performance.now()), 200);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => clearInterval(timer));
  return computed(() => (startedAt.value ? ((running.value ? now.value : (finishedAt.value ?? now.value)) - startedAt.value) / 1000 : 0));
}
