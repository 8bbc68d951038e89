/** The one IPC channel that carries the contract between a window and the main process, both ways. */
export const CHANNEL = "tandem:contract";

/** The scheme the app's window is served from (not file://: ES modules and a CSP header work on it). */
export const APP_SCHEME = "tandem";
export const APP_ORIGIN = `${APP_SCHEME}://app`;
