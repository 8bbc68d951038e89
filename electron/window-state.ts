import { z } from "zod";

/** Where the window was and how big, remembered across runs in the app's data folder. */
export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 820, maximized: false };

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The saved state, or the default when there is none or it is broken; a position that is on no
 * display any more (a monitor was unplugged) is dropped, so the window opens where it can be seen.
 */
export function restoreWindowState(text: string | null, workAreas: Rect[]): WindowState {
  let state: WindowState;
  try {
    state = WindowState.parse(JSON.parse(text ?? ""));
  } catch {
    return DEFAULT_WINDOW;
  }
  const { x, y } = state;
  if (x === undefined || y === undefined) return state;
  const visible = workAreas.some((a) => x + 100 > a.x && y >= a.y - 10 && x < a.x + a.width - 100 && y < a.y + a.height - 50);
  return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
}
