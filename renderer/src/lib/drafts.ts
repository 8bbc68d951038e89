/**
 * Unsaved editor text kept in the browser so that a reload, a crash or a closed tab loses nothing.
 * Two kinds of record: one draft per file or buffer (its text and the saved text it started from),
 * and which buffer was open last (with its saved text, so that it can come back without the disk).
 * Pure logic over a small storage interface: the window passes localStorage, tests a Map.
 */

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What is in the editor, as the editor store knows it. */
export interface Buffer {
  filename: string;
  /** Where it lives on disk (desktop app), null for a new, opened-in-browser or example model. */
  filePath: string | null;
  exampleId: string | null;
  /** The text as last loaded or saved. */
  saved: string;
  /** The text in the editor now. */
  text: string;
}

interface Draft {
  text: string;
  /** The saved text the edits started from: a draft of a file that changed since is not applied. */
  base: string;
}

const DRAFT_PREFIX = "tandem.draft:";
const LAST_KEY = "tandem.editor.last";

/** One key per file: its path on disk, else the example it came from, else its name. */
export function bufferKey(buffer: Pick<Buffer, "filename" | "filePath" | "exampleId">): string {
  if (buffer.filePath) return `file:${buffer.filePath}`;
  if (buffer.exampleId) return `example:${buffer.exampleId}`;
  return `buffer:${buffer.filename}`;
}

const parse = (raw: string | null): unknown => {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null; // a record another version wrote, or a broken one: as if there were none
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Calls that might throw (storage full, turned off) only mean the window forgets. */
function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // nothing to do: the draft is then not kept
  }
}

export function createDrafts(storage: DraftStorage) {
  const read = (key: string): string | null => {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  };

  /** Records the buffer as it is now: a draft while its text differs from the saved text, none once equal. */
  function remember(buffer: Buffer): void {
    const key = DRAFT_PREFIX + bufferKey(buffer);
    if (buffer.text === buffer.saved) quietly(() => storage.removeItem(key));
    else quietly(() => storage.setItem(key, JSON.stringify({ text: buffer.text, base: buffer.saved } satisfies Draft)));
    const { text: _text, ...last } = buffer;
    quietly(() => storage.setItem(LAST_KEY, JSON.stringify(last)));
  }

  /** The unsaved text of a file just loaded with `saved`, or null when there is none (or the file changed). */
  function draftFor(buffer: Omit<Buffer, "text">): string | null {
    const draft = parse(read(DRAFT_PREFIX + bufferKey(buffer)));
    if (!isRecord(draft) || typeof draft.text !== "string" || draft.base !== buffer.saved) return null;
    return draft.text;
  }

  /** The buffer open when the window last ran, with its draft applied; null on a first start. */
  function lastBuffer(): Buffer | null {
    const last = parse(read(LAST_KEY));
    if (!isRecord(last) || typeof last.filename !== "string" || typeof last.saved !== "string") return null;
    const buffer = {
      filename: last.filename,
      filePath: typeof last.filePath === "string" ? last.filePath : null,
      exampleId: typeof last.exampleId === "string" ? last.exampleId : null,
      saved: last.saved,
    };
    return { ...buffer, text: draftFor(buffer) ?? buffer.saved };
  }

  return { remember, draftFor, lastBuffer };
}

export type Drafts = ReturnType<typeof createDrafts>;

/** The browser's localStorage, or a storage that keeps nothing where there is none. */
export function browserDraftStorage(): DraftStorage {
  try {
    if (typeof localStorage !== "undefined") return localStorage;
  } catch {
    // access denied (some privacy settings): fall through
  }
  return { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
}
