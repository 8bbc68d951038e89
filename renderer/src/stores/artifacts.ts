import { defineStore } from "pinia";
import { reactive } from "vue";
import { errorCode, errorMessage } from "../../../shared/client";
import { type ArtifactMediaType, MAX_ARTIFACT_BYTES } from "../../../shared/contract";
import type { ArtifactInfo } from "../../../shared/sessions";
import { fetchDownload } from "../lib/transfers";
import { useEngine } from "./engine";
import { useSessions } from "./sessions";

/**
 * Files kept with saved runs, as the window sees them: a chart card saves its chart into the run
 * it shows (artifactAdd), and the sessions sidebar lists a run's files and downloads them
 * (artifactGet). The engine keeps them beside the database, by content.
 */

/** The saved run a chart belongs to; `label` tells apart charts of one run that share a title (a bench's batch sizes). */
export interface ChartSaveTarget {
  runId: number;
  label?: string;
}


/** The base64 body of a data: URL (what ECharts' getDataURL gives). */
const base64Of = (dataUrl: string): string => dataUrl.slice(dataUrl.indexOf(",") + 1);

/** Bytes that `base64` stands for, without decoding it. */
const decodedBytes = (base64: string): number => Math.floor((base64.length * 3) / 4) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);

export const useArtifacts = defineStore("artifacts", () => {
  /** The files of runs the sidebar has listed, by run id; reloaded when a file is added. */
  const lists = reactive<Record<number, ArtifactInfo[]>>({});
  /** "<run>/<name>" of the saves and downloads under way, so their buttons wait. */
  const busy = reactive(new Set<string>());

  const client = () => {
    const c = useEngine().client;
    if (!c) throw new Error("not connected to the engine");
    return c;
  };

  async function load(runId: number): Promise<void> {
    try {
      lists[runId] = (await client().call("runGet", { run: runId })).artifacts;
    } catch (error) {
      useEngine().say(`could not list the files of run #${runId}: ${errorMessage(error)}`, "error");
    }
  }

  /**
   * Keeps a file with a saved run, and says so. A name the run already has for other bytes (the
   * same chart saved again, in the other theme) is replaced once the user agrees.
   */
  async function save(runId: number, name: string, mediaType: ArtifactMediaType, dataBase64: string, confirmReplace: (what: string) => boolean = (what) => window.confirm(what)): Promise<boolean> {
    const wb = useEngine();
    const size = decodedBytes(dataBase64);
    if (size > MAX_ARTIFACT_BYTES) {
      wb.say(`${name} is ${(size / 1e6).toFixed(1)} MB: a run keeps files of up to ${(MAX_ARTIFACT_BYTES / 1e6).toFixed(1)} MB`, "error");
      return false;
    }
    const key = `${runId}/${name}`;
    busy.add(key);
    try {
      const params = { run: runId, name, mediaType, dataBase64 };
      try {
        await client().call("artifactAdd", params);
      } catch (error) {
        if (errorCode(error) !== "conflict" || !confirmReplace(`Run #${runId} already has a different ${name}. Replace it?`)) throw error;
        await client().call("artifactAdd", { ...params, replace: true });
      }
      wb.say(`Saved ${name} to run #${runId}`);
      if (lists[runId]) await load(runId);
      // The sidebar's file counts.
      void useSessions().refresh();
      return true;
    } catch (error) {
      if (errorCode(error) !== "conflict") wb.say(`could not save ${name} to run #${runId}: ${errorMessage(error)}`, "error");
      return false;
    } finally {
      busy.delete(key);
    }
  }

  /** A chart (a PNG data: URL) kept with its run as `<slug>.png`. */
  function saveChart(target: ChartSaveTarget, slug: string, pngDataUrl: string): Promise<boolean> {
    const name = `${slug}${target.label ? `-${target.label}` : ""}.png`;
    return save(target.runId, name, "image/png", base64Of(pngDataUrl));
  }

  async function download(runId: number, name: string): Promise<void> {
    const key = `${runId}/${name}`;
    busy.add(key);
    try {
      await fetchDownload(await client().call("artifactGet", { run: runId, name }));
    } catch (error) {
      useEngine().say(`could not download ${name}: ${errorMessage(error)}`, "error");
    } finally {
      busy.delete(key);
    }
  }

  const isBusy = (runId: number, name: string): boolean => busy.has(`${runId}/${name}`);

  return { lists, load, save, saveChart, download, isBusy };
});
