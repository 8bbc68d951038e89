import os from "node:os";
import path from "node:path";

/**
 * Where Tandem keeps what it saves (the sessions database, artifact files): TANDEM_HOME when set,
 * else the platform's per-user data directory.
 */
export function tandemHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TANDEM_HOME) return path.resolve(env.TANDEM_HOME);
  const home = os.homedir();
  switch (platform) {
    case "darwin":
      return path.join(home, "Library", "Application Support", "Tandem");
    case "win32":
      return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "Tandem");
    default:
      return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "tandem");
  }
}

export const DB_FILE = "tandem.db";

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(tandemHome(env), DB_FILE);
}
