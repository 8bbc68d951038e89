/** Backend selection and probing. tfjs-node and tfjs-node-gpu are not installed in this project. */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { BACKEND_NAMES, BackendUnavailableError, activeBackend, listBackends, setBackend } from "./backend";
import * as T from "../api";

beforeAll(async () => {
  await setBackend("wasm");
});

describe("listBackends", () => {
  it("lists every backend, wasm and cpu available with versions, node and node-gpu not installed", async () => {
    const list = await listBackends();
    expect(list.map((b) => b.name)).toEqual([...BACKEND_NAMES]);
    const byName = Object.fromEntries(list.map((b) => [b.name, b]));
    for (const name of ["wasm", "cpu"] as const) {
      const info = byName[name];
      expect(info?.available, name).toBe(true);
      expect(info?.reason, name).toBeNull();
      expect(info?.version, name).toMatch(/^\d+\.\d+\.\d+/);
      expect(info?.package).toBe(`@tensorflow/tfjs-backend-${name}`);
    }
    expect(byName["wasm"]?.features).toHaveProperty("simd");
    for (const [name, pkg] of [
      ["node", "@tensorflow/tfjs-node"],
      ["node-gpu", "@tensorflow/tfjs-node-gpu"],
    ] as const) {
      const info = byName[name];
      expect(info?.available, name).toBe(false);
      expect(info?.version, name).toBeNull();
      expect(info?.package).toBe(pkg);
      expect(info?.reason, name).toContain(pkg);
      expect(info?.reason, name).toContain("not installed");
    }
  });

  it("leaves the previously active backend active", async () => {
    await setBackend("cpu");
    await listBackends();
    expect(activeBackend().name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    await setBackend("wasm");
    await listBackends();
    expect(activeBackend().name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });
});

describe("listBackends in a process where no backend was selected yet", () => {
  it("leaves none selected, as its doc says ('without leaving any of them active')", async () => {
    vi.resetModules();
    const fresh = await import("./backend");
    expect(() => fresh.activeBackend()).toThrow(/no backend selected/);
    const list = await fresh.listBackends();
    expect(list.filter((b) => b.available).map((b) => b.name)).toEqual(["wasm", "cpu"]);
    expect(() => fresh.activeBackend()).toThrow(/no backend selected/);
    await setBackend("wasm");
  });
});

describe("setBackend", () => {
  it("returns the backend's info and switches tfjs to it", async () => {
    const info = await setBackend("cpu");
    expect(info.name).toBe("cpu");
    expect(info.available).toBe(true);
    expect(tf.getBackend()).toBe("cpu");
    expect(activeBackend()).toEqual(info);
    await setBackend("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(activeBackend().name).toBe("wasm");
  });

  it("rejects node with BackendUnavailableError naming the package", async () => {
    await expect(setBackend("node")).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(setBackend("node")).rejects.toThrow(/backend node is not available: .*@tensorflow\/tfjs-node/);
    const error = await setBackend("node-gpu").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    if (!(error instanceof BackendUnavailableError)) return;
    expect(error.backend).toBe("node-gpu");
    expect(error.name).toBe("BackendUnavailableError");
    expect(error.reason).toContain("npm install @tensorflow/tfjs-node-gpu");
  });

  it("activeBackend reflects the last successful setBackend, not a failed one", async () => {
    await setBackend("cpu");
    await expect(setBackend("node")).rejects.toThrow(BackendUnavailableError);
    expect(activeBackend().name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    await setBackend("wasm");
    await expect(setBackend("node-gpu")).rejects.toThrow(BackendUnavailableError);
    expect(activeBackend().name).toBe("wasm");
  });

  it("the API computes the same on wasm and cpu after switching", async () => {
    T.manual_seed(0);
    const fc = new T.nn.Linear(4, 3);
    const x = T.randn(2, 4);
    await setBackend("wasm");
    const onWasm = Array.from(fc(x).raw.dataSync());
    await setBackend("cpu");
    const onCpu = Array.from(fc(x).raw.dataSync());
    await setBackend("wasm");
    onCpu.forEach((v, i) => expect(v).toBeCloseTo(onWasm[i] as number, 5));
    expect(fc.weight.shape).toEqual([3, 4]);
  });
});
