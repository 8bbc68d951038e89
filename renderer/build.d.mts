/** Whether renderer/dist is missing or older than one of its sources. */
export function rendererStale(): boolean;
/** Builds renderer/dist (only when stale, with `ifStale`); resolves to its path. */
export function buildRenderer(options?: { ifStale?: boolean; quiet?: boolean }): Promise<string>;
