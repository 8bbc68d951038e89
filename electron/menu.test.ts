/** The application menu's File commands, without Electron: what each item tells the window. */
import type { MenuItemConstructorOptions } from "electron";
import { describe, expect, it } from "vitest";
import type { ShellCommand } from "../shared/contract";
import { menuTemplate } from "./menu";

function item(menu: MenuItemConstructorOptions[], ...labels: string[]): MenuItemConstructorOptions {
  let items = menu;
  let found: MenuItemConstructorOptions | undefined;
  for (const label of labels) {
    found = items.find((i) => i.label === label);
    if (!found) throw new Error(`no menu item ${label}`);
    items = Array.isArray(found.submenu) ? found.submenu : [];
  }
  return found as MenuItemConstructorOptions;
}

const click = (i: MenuItemConstructorOptions) => (i.click as unknown as () => void)();

describe("application menu", () => {
  it("has New, Open, Open Recent, Save, Save As and Export ONNX, each telling the window", async () => {
    const sent: ShellCommand[] = [];
    const opened: (string | undefined)[] = [];
    const menu = menuTemplate({
      send: (c) => sent.push(c),
      open: async (file) => void opened.push(file),
      chooseOnnxPath: async () => "/tmp/net.onnx",
      recentFiles: () => ["/home/u/net.ts"],
      isMac: false,
      dev: false,
    });
    expect(item(menu, "File", "Save").accelerator).toBe("CmdOrCtrl+S");
    click(item(menu, "File", "New"));
    click(item(menu, "File", "Save"));
    click(item(menu, "File", "Save As…"));
    click(item(menu, "File", "Open…"));
    click(item(menu, "File", "Open Recent", "net.ts  —  /home/u"));
    click(item(menu, "File", "Export ONNX…"));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([{ command: "new" }, { command: "save" }, { command: "saveAs" }, { command: "exportOnnx", path: "/tmp/net.onnx" }]);
    expect(opened).toEqual([undefined, "/home/u/net.ts"]);
  });

  it("says when there are no recent files, and leaves developer tools out of a packaged app", () => {
    const menu = menuTemplate({ send: () => {}, open: async () => {}, chooseOnnxPath: async () => null, recentFiles: () => [], isMac: false, dev: false });
    expect(item(menu, "File", "Open Recent", "No recent files").enabled).toBe(false);
    const view = item(menu, "View");
    expect((view.submenu as MenuItemConstructorOptions[]).some((i) => i.role === "toggleDevTools")).toBe(false);
  });
});
