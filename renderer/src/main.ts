import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { type Connection, connect, reconnect } from "./connection";
import { useEditor } from "./stores/editor";
import { useEngine } from "./stores/engine";
import { useWorkbench } from "./stores/workbench";
import "./style.css";

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

const workbench = useWorkbench(pinia);
const engine = useEngine(pinia);
const editor = useEditor(pinia);
/** Uses a connection; when it is lost, the window (still editable) tries to reach `tandem serve` again. */
function use(connection: Connection) {
  connection.onLost(() => {
    workbench.connectionLost();
    if (connection.via !== "serve") return;
    engine.reconnectAttempts = 0;
    reconnect(use, (attempt) => (engine.reconnectAttempts = attempt));
  });
  workbench.attach(connection.client);
}
try {
  use(connect());
} catch (error) {
  engine.connection = "failed";
  engine.connectionError = error instanceof Error ? error.message : String(error);
}
// The buffer open before a reload (with its unsaved text) comes back; a first start shows an example.
const first = editor.examples.find((e) => e.id === "resnet_cnn") ?? editor.examples[0];
if (!editor.restoreLast()) {
  if (first) editor.loadExample(first);
  else editor.newModel();
}

app.mount("#app");
