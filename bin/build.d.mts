/** Paths of the bundled CLI, run worker and bench worker, rebuilt first if any engine source is newer. */
export function ensureBuilt(): Promise<{ cli: string; worker: string; bench: string }>;
