/** Paths of the bundled CLI and worker, rebuilt first if any engine source is newer. */
export function ensureBuilt(): Promise<{ cli: string; worker: string }>;
