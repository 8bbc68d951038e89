import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { MAX_SOURCE_CHARS } from "../shared/contract";
import { ServiceError } from "../engine/service/service";
import type { Handler } from "../engine/service/service";

/**
 * Model files for the desktop window: open and save through native dialogs, and a recent-files
 * list. The window may name a path itself only if it is one the user already chose (a dialog, a
 * recent file): a compromised page cannot read or overwrite arbitrary files through these calls.
 */

export interface Dialogs {
  /** The path the user picked, or null when they cancelled. */
  open(): Promise<string | null>;
  save(suggested: string | null): Promise<string | null>;
}

export interface RecentStore {
  load(): string[];
  save(paths: string[]): void;
}

const RECENT_MAX = 10;
const RecentFile = z.array(z.string()).max(100);

/** Recent files as JSON in the app's data folder; a missing or broken file is an empty list. */
export function jsonRecentStore(file: string, read: (f: string) => string, write: (f: string, text: string) => void): RecentStore {
  return {
    load: () => {
      try {
        return RecentFile.parse(JSON.parse(read(file)));
      } catch {
        return [];
      }
    },
    save: (paths) => {
      try {
        write(file, JSON.stringify(paths));
      } catch {
        // losing the recent list is no reason to fail a save
      }
    },
  };
}

export class ModelFiles {
  private readonly known = new Set<string>();
  private recentPaths: string[];

  constructor(
    private readonly dialogs: Dialogs,
    private readonly recent: RecentStore,
    private readonly onRecentChanged: (paths: string[]) => void = () => {},
  ) {
    this.recentPaths = recent.load();
    for (const p of this.recentPaths) this.known.add(p);
  }

  get recentFiles(): readonly string[] {
    return this.recentPaths;
  }

  private remember(file: string): void {
    this.known.add(file);
    this.recentPaths = [file, ...this.recentPaths.filter((p) => p !== file)].slice(0, RECENT_MAX);
    this.recent.save(this.recentPaths);
    this.onRecentChanged(this.recentPaths);
  }

  /** Reads a file the user chose; null when they cancelled the dialog. */
  async open(requested?: string): Promise<{ path: string; text: string } | null> {
    const file = requested === undefined ? await this.dialogs.open() : path.resolve(requested);
    if (file === null) return null;
    if (requested !== undefined && !this.known.has(file)) throw new ServiceError("invalid", `${file} was not chosen in a dialog or the recent files`);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new ServiceError("invalid", `${file} is not a file`);
    if (info.size > MAX_SOURCE_CHARS) throw new ServiceError("too-large", `${file} has ${info.size} bytes; a model file may have at most ${MAX_SOURCE_CHARS}`);
    const text = await readFile(file, "utf8");
    this.remember(file);
    return { path: file, text };
  }

  /** Writes the text where the user chose (a dialog when `requested` is null); null when cancelled. */
  async save(requested: string | null, text: string): Promise<string | null> {
    let file = requested === null ? null : path.resolve(requested);
    if (file !== null && !this.known.has(file)) file = await this.dialogs.save(file); // ask, suggesting that name
    else if (file === null) file = await this.dialogs.save(null);
    if (file === null) return null;
    await writeFile(file, text, "utf8");
    this.remember(file);
    return file;
  }

  handlers(): { openFile: Handler<"openFile">; saveFile: Handler<"saveFile"> } {
    return {
      openFile: async ({ path: requested }) => (await this.open(requested)) ?? { cancelled: true },
      saveFile: async ({ path: requested, text }) => {
        const saved = await this.save(requested, text);
        return saved === null ? { cancelled: true } : { path: saved };
      },
    };
  }
}
