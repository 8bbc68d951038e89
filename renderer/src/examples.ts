/**
 * The example models of assets/examples/, bundled into the window at build time (no file access
 * needed at run time). Each keeps its repository path as its file name, so the engine resolves it
 * (and any relative import) against the served folder when the server runs from the repository.
 */
const sources = import.meta.glob<string>("../../assets/examples/*.ts", { query: "?raw", import: "default", eager: true });

export interface Example {
  /** "resnet_cnn" */
  id: string;
  /** "ResNet CNN" */
  title: string;
  filename: string;
  source: string;
  /** The first line of its leading comment, when it has one. */
  summary: string;
}

const TITLES: Record<string, string> = {
  mlp: "MLP",
  resnet_cnn: "ResNet-style CNN",
  transformer_block: "Transformer block",
  module_list: "ModuleList loop",
  branching: "Branching on a value",
  gpt: "GPT (nanoGPT-style)",
  lstm_classifier: "LSTM classifier",
  unet: "UNet",
};

function summaryOf(source: string): string {
  const match = /^\s*(?:\/\*\*?([\s\S]*?)\*\/|((?:\/\/.*\n)+))/.exec(source);
  const text = (match?.[1] ?? match?.[2] ?? "").replace(/^\s*(\*|\/\/)\s?/gm, "").trim();
  return text.split(/\n\s*\n|\.\s/)[0]?.replace(/\s+/g, " ").trim() ?? "";
}

export const EXAMPLES: Example[] = Object.entries(sources)
  .map(([path, source]) => {
    const id = (path.split("/").pop() ?? path).replace(/\.ts$/, "");
    return { id, title: TITLES[id] ?? id, filename: `assets/examples/${id}.ts`, source, summary: summaryOf(source) };
  })
  .sort((a, b) => Object.keys(TITLES).indexOf(a.id) - Object.keys(TITLES).indexOf(b.id));
