import { onScopeDispose, ref } from "vue";

/** Whether the system asks for a dark theme, followed live (the window has no theme of its own). */
export function useDarkMode() {
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  const dark = ref(query.matches);
  const update = (event: MediaQueryListEvent) => (dark.value = event.matches);
  query.addEventListener("change", update);
  onScopeDispose(() => query.removeEventListener("change", update));
  return dark;
}

/** Reads a CSS custom property of the document (the palette lives in style.css). */
export const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
