import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { connect } from "./connection";
import { useWorkbench } from "./stores/workbench";
import "./style.css";

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

const store = useWorkbench(pinia);
try {
  const connection = connect();
  connection.onLost(() => store.connectionLost());
  store.attach(connection.client);
} catch (error) {
  store.connection = "failed";
  store.connectionError = error instanceof Error ? error.message : String(error);
}
const first = store.examples.find((e) => e.id === "resnet_cnn") ?? store.examples[0];
if (first) store.loadExample(first);
else store.newModel();

app.mount("#app");
