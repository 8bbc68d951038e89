/** Paths of the window's bundles (the serve page's folder, Electron main and preload), rebuilt first where stale. */
export function ensureBuiltApp(options?: { electron?: boolean }): Promise<{ page: string; main: string; preload: string }>;
