import path from "node:path";
import type { Handlers } from "./call";
import { ServiceError } from "./call";
import type { StoreAccess } from "./store-access";
import type { Transfers } from "./transfers";

/**
 * The sessions methods (what `tandem sessions ...` does, for the window): list, open, rename,
 * annotate, delete, read runs and sources, compare, and bundles out (as a download) and in (from
 * an upload or a path). Bundles are read and written here, in the engine's process: they hold only
 * JSON and bytes, and nothing in them runs.
 */

export const BUNDLE_MEDIA_TYPE = "application/zip";

/** A bundle's file name for a session: its name with what a file name cannot hold replaced. */
export const bundleName = (session: string): string => `${session.replace(/[^\w.-]+/g, "_")}.tandem`;

export function sessionHandlers(store: StoreAccess, transfers: Transfers, baseDir: string): Handlers {
  return {
    sessionsList: () => store.use((s) => s.listSessions()),

    sessionOpen: ({ session, create }) =>
      store.use((s) => {
        if (create && !s.findSession(session)) s.ensureSession(String(session));
        const detail = s.getSession(session);
        if (!detail) throw new ServiceError("not-found", `no session ${JSON.stringify(String(session))}`);
        return detail;
      }),

    sessionRename: ({ session, name }) => store.use((s) => s.renameSession(session, name)),
    sessionNotes: ({ session, notes }) => store.use((s) => s.setNotes(session, notes)),
    sessionDelete: ({ session }) => store.use((s) => s.deleteSession(session)),
    runGet: ({ run }) => store.use((s) => s.requireRun(run)),

    sourceGet: ({ hash }) =>
      store.use((s) => {
        const source = s.getSource(hash);
        if (!source) throw new ServiceError("not-found", `no saved source ${hash}`);
        return source;
      }),

    runsCompare: ({ runs, onlyDiff }) =>
      store.use(async (s) => {
        const { compareRuns } = await import("../store/compare");
        return compareRuns(
          runs.map((r) => s.requireRun(r)),
          { onlyDiff, source: (hash) => s.getSource(hash) },
        );
      }),

    sessionExport: ({ session }) =>
      store.use(async (s) => {
        const { exportSession } = await import("../store/bundle");
        const name = bundleName(s.requireSession(session).name);
        const file = transfers.newFile(name);
        const written = exportSession(s, session, file);
        return { download: await transfers.offer(written.file, name, BUNDLE_MEDIA_TYPE), runs: written.runs };
      }),

    sessionImport: ({ from, session }) =>
      store.use(async (s) => {
        const { importBundle } = await import("../store/bundle");
        const file = "path" in from ? path.resolve(baseDir, from.path) : transfers.upload(from.upload);
        if (file === null) throw new ServiceError("not-found", "no such upload (uploads are kept only until they are imported, or the engine restarts)");
        const report = importBundle(s, file, session === undefined ? {} : { session });
        if ("upload" in from) transfers.discardUpload(from.upload);
        return report;
      }),
  };
}
