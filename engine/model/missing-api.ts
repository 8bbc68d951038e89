/**
 * A name the model uses that Tandem lacks (`new nn.Foo()`, `F.foo(x)`, `x.foo()`) fails where it is
 * read, with a message naming it, instead of the bare `TypeError: nn.Foo is not a constructor` that
 * the call would raise a step later. The type check flags such names too, but the worker runs a
 * model whatever its type errors, so the names are guarded here: the namespaces the model's
 * `require("tandem")` returns, and Tensor, end their prototype chains in a proxy that raises.
 */
import * as api from "../api";
import { Tensor } from "../api/tensor";

/** Not an op Tandem lacks: names that JavaScript itself, Node and libraries probe objects for. */
const PROBED = new Set(["then", "catch", "finally", "default", "length", "name", "prototype", "inspect", "constructor", "next", "done", "value", "stack", "message", "code", "cause"]);

export class MissingApiError extends Error {
  constructor(readonly api: string) {
    super(`\`${api}\` is not in Tandem; \`tandem ops\` lists what is`);
    this.name = "TandemError";
  }
}

const looksLikeApi = (key: string | symbol, pattern: RegExp): key is string => typeof key === "string" && pattern.test(key) && !PROBED.has(key);

/** PyTorch's module, function and class names: identifiers (`__esModule` and `$$typeof` pass through). */
const NAMESPACE_MEMBER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** torch.Tensor's methods are lower snake_case; camelCase probes (asymmetricMatch, nodeType) pass through. */
const TENSOR_METHOD = /^[a-z][a-z0-9_]*$/;

/**
 * A prototype that raises MissingApiError for API-like names that reach it, that is, names nothing
 * before it in the chain has; every other name is looked up in `base` as usual.
 */
function guardPrototype(base: object, prefix: string, pattern: RegExp): object {
  return new Proxy(base, {
    get(target, key, receiver) {
      if (key in target || !looksLikeApi(key, pattern)) return Reflect.get(target, key, receiver) as unknown;
      throw new MissingApiError(`${prefix}${key}`);
    },
  });
}

/**
 * A copy of a namespace over a guard prototype. A prototype rather than a proxy of the namespace,
 * because `import * as T from "tandem"` reaches the model through esbuild's __toESM, which copies
 * the properties onto a new object with the same prototype.
 */
function guardNamespace<T extends object>(namespace: T, prefix: string): T {
  return Object.assign(Object.create(guardPrototype(Object.prototype, prefix, NAMESPACE_MEMBER)) as T, namespace);
}

let guarded: typeof api | null = null;

/** The `tandem` module as models see it: the API, with unknown names in it, nn, nn.init and F raising MissingApiError. */
export function guardedApi(): typeof api {
  if (guarded) return guarded;
  guardTensorMethods();
  const nn = guardNamespace({ ...api.nn, init: guardNamespace(api.nn.init, "nn.init.") }, "nn.");
  guarded = guardNamespace({ ...api, nn, F: guardNamespace(api.F, "F.") }, "");
  return guarded;
}

/** `x.foo()` on a tensor, for a method Tensor lacks: a proxy after Tensor.prototype is reached only by names it lacks. */
function guardTensorMethods(): void {
  Object.setPrototypeOf(Tensor.prototype, guardPrototype(Object.getPrototypeOf(Tensor.prototype) as object, "Tensor.", TENSOR_METHOD));
}
