/** Where Electron's binary is (ELECTRON_PATH, else the electron package's, never downloading it), or why there is none. */
export function findElectron(): { path: string; headless?: boolean; reason?: string } | { path?: undefined; reason: string };
