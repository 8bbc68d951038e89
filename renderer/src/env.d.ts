/// <reference types="vite/client" />

declare module "*.vue" {
  import type { DefineComponent } from "vue";
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare module "virtual:tandem-api-types" {
  /** The tandem API's declarations, by path relative to engine/ ("api/index.d.ts", ...). */
  export const files: Record<string, string>;
  /** Ambient stubs for the few types the declarations borrow from tfjs and Node. */
  export const shims: string;
}
