import { describe, expect, it } from "vitest";
import { type Buffer, type DraftStorage, bufferKey, createDrafts } from "../src/lib/drafts";

/** localStorage's three calls over a Map, so that the test can look at what was written. */
function memoryStorage(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

const file = (text: string, saved = "saved text"): Buffer => ({ filename: "net.ts", filePath: "/home/me/net.ts", exampleId: null, saved, text });

describe("drafts", () => {
  it("keep a file's unsaved text and bring it back as the last buffer after a reload", () => {
    const storage = memoryStorage();
    createDrafts(storage).remember(file("edited"));
    const reloaded = createDrafts(storage);
    expect(reloaded.lastBuffer()).toEqual(file("edited"));
    expect(reloaded.draftFor(file("ignored"))).toBe("edited");
  });

  it("are cleared once the text equals the saved text (saved, or edited back)", () => {
    const storage = memoryStorage();
    const drafts = createDrafts(storage);
    drafts.remember(file("edited"));
    drafts.remember(file("edited", "edited")); // saved: the saved text is now the edited one
    expect(drafts.draftFor(file("", "edited"))).toBeNull();
    expect([...storage.map.keys()].filter((k) => k.startsWith("tandem.draft:"))).toEqual([]);
    expect(drafts.lastBuffer()).toEqual(file("edited", "edited"));
  });

  it("are kept per file: switching to another buffer keeps the first one's draft", () => {
    const drafts = createDrafts(memoryStorage());
    drafts.remember(file("edited"));
    const example: Buffer = { filename: "mlp.ts", filePath: null, exampleId: "mlp", saved: "example", text: "example!" };
    drafts.remember(example);
    expect(drafts.lastBuffer()).toEqual(example);
    expect(drafts.draftFor(file(""))).toBe("edited");
  });

  it("are not applied to a file whose saved text changed since the edits began", () => {
    const drafts = createDrafts(memoryStorage());
    drafts.remember(file("edited", "version 1"));
    expect(drafts.draftFor(file("", "version 2"))).toBeNull();
    expect(drafts.draftFor(file("", "version 1"))).toBe("edited");
  });

  it("ignore broken records and storage that throws", () => {
    const storage = memoryStorage();
    storage.map.set("tandem.editor.last", "{not json");
    expect(createDrafts(storage).lastBuffer()).toBeNull();
    const full: DraftStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(() => createDrafts(full).remember(file("edited"))).not.toThrow();
  });

  it("key a file by its path, an example by its id, anything else by its name", () => {
    expect(bufferKey({ filename: "a.ts", filePath: "/x/a.ts", exampleId: "mlp" })).toBe("file:/x/a.ts");
    expect(bufferKey({ filename: "mlp.ts", filePath: null, exampleId: "mlp" })).toBe("example:mlp");
    expect(bufferKey({ filename: "model.ts", filePath: null, exampleId: null })).toBe("buffer:model.ts");
  });
});
