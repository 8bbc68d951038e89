import path from "node:path";
import type { MenuItemConstructorOptions } from "electron";
import type { ShellCommand } from "../shared/contract";

/**
 * The application menu. File commands act through the window: the menu reads or picks files in
 * the main process and tells the window (a `shell` event); the window, which holds the editor's
 * text, answers with saveFile or export calls.
 */
export interface MenuActions {
  send(command: ShellCommand): void;
  open(file?: string): Promise<void>;
  /** Asks where to write the ONNX file; null when cancelled. */
  chooseOnnxPath(): Promise<string | null>;
  recentFiles(): readonly string[];
  isMac: boolean;
  dev: boolean;
}

export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const recent = actions.recentFiles();
  const file: MenuItemConstructorOptions = {
    label: "File",
    submenu: [
      { label: "New", accelerator: "CmdOrCtrl+N", click: () => actions.send({ command: "new" }) },
      { label: "Open…", accelerator: "CmdOrCtrl+O", click: () => void actions.open() },
      {
        label: "Open Recent",
        submenu: recent.length ? recent.map((p) => ({ label: `${path.basename(p)}  —  ${path.dirname(p)}`, click: () => void actions.open(p) })) : [{ label: "No recent files", enabled: false }],
      },
      { type: "separator" },
      { label: "Save", accelerator: "CmdOrCtrl+S", click: () => actions.send({ command: "save" }) },
      { label: "Save As…", accelerator: "CmdOrCtrl+Shift+S", click: () => actions.send({ command: "saveAs" }) },
      { type: "separator" },
      {
        label: "Export ONNX…",
        accelerator: "CmdOrCtrl+E",
        click: () =>
          void actions.chooseOnnxPath().then((p) => {
            if (p) actions.send({ command: "exportOnnx", path: p });
          }),
      },
      { type: "separator" },
      actions.isMac ? { role: "close" } : { role: "quit" },
    ],
  };
  return [
    ...(actions.isMac ? [{ role: "appMenu" } as MenuItemConstructorOptions] : []),
    file,
    { role: "editMenu" },
    { label: "View", submenu: [...(actions.dev ? [{ role: "reload" } as const, { role: "toggleDevTools" } as const] : []), { role: "resetZoom" }, { role: "zoomIn" }, { role: "zoomOut" }, { type: "separator" }, { role: "togglefullscreen" }] },
    { role: "windowMenu" },
  ];
}
