import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { ROOT } from "../paths";

export interface GitInfo {
  /** `git rev-parse HEAD` of Tandem's checkout; "unknown" where there is no git or no checkout. */
  commit: string;
  dirty: boolean | "unknown";
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

let cached: GitInfo | undefined;

/** Which Tandem code made a run: asked of git once per process. */
export function tandemGit(): GitInfo {
  if (!cached) {
    // Only Tandem's own checkout counts: installed inside someone's repository, git would answer
    // with that repository's commit.
    const top = git(["rev-parse", "--show-toplevel"]);
    const own = top !== null && realpathSync(top) === realpathSync(ROOT);
    const commit = own ? git(["rev-parse", "HEAD"]) : null;
    // Ignored paths (node_modules, dist) do not count; untracked source files do.
    const status = commit === null ? null : git(["status", "--porcelain"]);
    cached = { commit: commit ?? "unknown", dirty: status === null ? "unknown" : status.length > 0 };
  }
  return cached;
}
