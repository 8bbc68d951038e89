import { copyFileSync, existsSync } from "node:fs";
import type { ArtifactMediaType } from "../../shared/contract";
import type { Handlers } from "./call";
import { ServiceError } from "./call";
import type { StoreAccess } from "./store-access";
import type { Transfers } from "./transfers";

/**
 * A saved run's files, for the window: artifactAdd keeps what it made of a result (a chart as PNG,
 * its data as CSV or JSON) with the run, artifactGet offers any of a run's files (those too, an
 * ONNX export, bench.json) as a download. The store keeps them by content hash beside the database.
 */

/** The name ending each media type goes with: a download's name tells the OS what it holds. */
const EXTENSION: Record<ArtifactMediaType, string> = { "image/png": ".png", "text/csv": ".csv", "application/json": ".json" };

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Why `name` cannot name an artifact, or null. A plain file name: it becomes a download's name and
 * the key of the run's file, so no folders, no control characters, no hidden files.
 */
export function artifactNameProblem(name: string, mediaType: ArtifactMediaType): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\\/:*?"<>|\u0000-\u001f\u007f]/.test(name)) return `${JSON.stringify(name)} is not a plain file name (no folders, no \\ / : * ? " < > |, no control characters)`;
  if (name.startsWith(".") || name.trim() !== name) return `${JSON.stringify(name)} is not a plain file name (it starts with a dot or a space, or ends with a space)`;
  const extension = EXTENSION[mediaType];
  if (!name.toLowerCase().endsWith(extension) || name.length === extension.length) return `${JSON.stringify(name)} is sent as ${mediaType}: its name should end in ${extension}`;
  return null;
}

/** Strict base64 (what btoa and Buffer write): Buffer.from alone would skip what it cannot read. */
function decodeBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/** Why `bytes` are not what `mediaType` says, or null. */
function contentProblem(bytes: Buffer, mediaType: ArtifactMediaType): string | null {
  if (mediaType === "image/png") return bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? null : "the data is not a PNG image (its first bytes are not PNG's signature)";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return `the data is not UTF-8 text, as ${mediaType} should be`;
  }
  if (mediaType === "application/json") {
    try {
      JSON.parse(text);
    } catch (error) {
      return `the data is not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}

export function artifactHandlers(store: StoreAccess, transfers: Transfers): Pick<Handlers, "artifactAdd" | "artifactGet"> {
  return {
    artifactAdd: async ({ run, name, mediaType, dataBase64, replace }) => {
      const nameProblem = artifactNameProblem(name, mediaType);
      if (nameProblem) throw new ServiceError("refused", nameProblem);
      const bytes = decodeBase64(dataBase64);
      if (!bytes) throw new ServiceError("refused", "dataBase64 is not base64 (A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters)");
      const problem = contentProblem(bytes, mediaType);
      if (problem) throw new ServiceError("refused", `${name}: ${problem}`);
      return store.use((s) => s.addArtifact(s.requireRun(run).id, name, bytes, mediaType, { replace }));
    },

    artifactGet: ({ run, name }) =>
      store.use(async (s) => {
        const record = s.requireRun(run);
        const artifact = record.artifacts.find((a) => a.name === name);
        if (!artifact) {
          const names = record.artifacts.map((a) => a.name).join(", ");
          throw new ServiceError("not-found", `run ${record.id} has no file ${JSON.stringify(name)} (${names ? `it has ${names}` : "it has none"})`);
        }
        const source = s.artifactFile(artifact);
        if (!existsSync(source)) throw new ServiceError("not-found", `the file of ${JSON.stringify(name)} (${artifact.path} in Tandem's home) is missing`);
        // A copy, in the transfers' own folder: downloads come and go (the oldest are removed), the store's files stay.
        const file = transfers.newFile(name);
        copyFileSync(source, file);
        return transfers.offer(file, name, artifact.mediaType);
      }),
  };
}
