/**
 * nn.ModuleDict, nn.ParameterList and nn.ParameterDict. Their items are registered as fields named by
 * key (or index), so parameters are found and state_dict keys read `heads.cls.weight`, `scales.0`,
 * `gains.shift` as in PyTorch.
 */
import { ApiError } from "../errors";
import { Parameter } from "../parameter";
import { Tensor } from "../tensor";
import { Module } from "./module";

type Fields = Record<string, unknown>;

/** PyTorch's checks for a new item's name: not empty, no dot, not an attribute the container already has. */
function checkKey(owner: Module, key: string, isItem: (v: unknown) => boolean): void {
  if (typeof key !== "string") throw new ApiError(`keys must be strings, got ${typeof key}`);
  if (key === "") throw new ApiError('name can\'t be empty string ""');
  if (key.includes(".")) throw new ApiError(`name can't contain ".", got: ${key}`);
  if (key in owner && !isItem((owner as unknown as Fields)[key])) throw new ApiError(`attribute '${key}' already exists`);
}

function missing(key: string): ApiError {
  return new ApiError(`KeyError: '${key}'`);
}

/** The printed form of a parameter item, as PyTorch prints it inside a ParameterList or ParameterDict. */
function describe(p: Tensor): string {
  return `Parameter containing: [torch.${p.dtype} of size ${p.shape.join("x") || "()"}]`;
}

function listing(name: string, lines: string[]): string {
  return lines.length ? `${name}(\n${lines.map((l) => `    ${l}`).join("\n")}\n)` : `${name}()`;
}

const asParameter = (t: Tensor): Parameter => (t instanceof Parameter ? t : new Parameter(t));

/**
 * Submodules by name: `new nn.ModuleDict({ enc: new nn.Linear(4, 8), dec: new nn.Linear(8, 4) })`,
 * typed by key (`heads.get("enc")` is a Linear). Iterating yields the keys, as in PyTorch.
 */
export class ModuleDict<T extends Record<string, Module> = Record<string, Module>> extends Module {
  constructor(modules: T = {} as T) {
    super();
    this.update(modules);
  }

  get<K extends keyof T & string>(key: K): T[K] {
    const m = (this as unknown as Fields)[key];
    if (!(m instanceof Module) || !Object.hasOwn(this, key)) throw missing(key);
    return m as T[K];
  }

  set<K extends keyof T & string>(key: K, module: T[K]): this {
    if (!(module instanceof Module)) throw new ApiError(`ModuleDict: the value for '${key}' is not an nn.Module`);
    checkKey(this, key, (v) => v instanceof Module);
    this.add_module(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.named_children().some(([k]) => k === key);
  }

  /** Removes the module under `key` and returns it. */
  pop<K extends keyof T & string>(key: K): T[K] {
    const m = this.get(key);
    Reflect.deleteProperty(this, key);
    return m;
  }

  update(modules: Partial<T>): this {
    for (const [key, m] of Object.entries(modules)) this.set(key, m as T[keyof T & string]);
    return this;
  }

  keys(): (keyof T & string)[] {
    return this.named_children().map(([k]) => k);
  }

  values(): T[keyof T][] {
    return this.named_children().map(([, m]) => m as T[keyof T]);
  }

  items(): [keyof T & string, T[keyof T]][] {
    return this.named_children().map(([k, m]) => [k, m as T[keyof T]]);
  }

  override get length(): number {
    return this.named_children().length;
  }

  [Symbol.iterator](): Iterator<keyof T & string> {
    return this.keys()[Symbol.iterator]();
  }

  override forward(): never {
    throw new ApiError("ModuleDict has no forward(): pick its modules by key in your own forward");
  }
}

/** Parameters by index: `new nn.ParameterList([new nn.Parameter(T.ones(4))])`; plain tensors become parameters. */
export class ParameterList extends Module {
  [index: number]: Parameter;

  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }

  private items(): Parameter[] {
    return Object.entries(this)
      .filter((e): e is [string, Parameter] => /^\d+$/.test(e[0]) && e[1] instanceof Parameter)
      .map(([, p]) => p);
  }

  override get length(): number {
    return this.items().length;
  }

  append(value: Tensor): this {
    if (!(value instanceof Tensor)) throw new ApiError("ParameterList.append: the item is not a Tensor");
    this.register_parameter(String(this.length), asParameter(value));
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.items()[Symbol.iterator]();
  }

  override forward(): never {
    throw new ApiError("ParameterList has no forward(): use its parameters in your own forward");
  }

  override toString(): string {
    return listing("ParameterList", this.items().map((p, i) => `(${i}): ${describe(p)}`));
  }
}

/** Parameters by name: `new nn.ParameterDict({ scale: new nn.Parameter(T.ones(1)) })`. Iterating yields the keys. */
export class ParameterDict<K extends string = string> extends Module {
  constructor(values: Partial<Record<K, Tensor>> = {}) {
    super();
    this.update(values);
  }

  private entries(): [K, Parameter][] {
    return Object.entries(this).filter((e): e is [K, Parameter] => e[1] instanceof Parameter);
  }

  get(key: K): Parameter {
    const p = (this as unknown as Fields)[key];
    if (!(p instanceof Parameter) || !Object.hasOwn(this, key)) throw missing(key);
    return p;
  }

  set(key: K, value: Tensor): this {
    if (!(value instanceof Tensor)) throw new ApiError(`ParameterDict: the value for '${key}' is not a Tensor`);
    checkKey(this, key, (v) => v instanceof Parameter);
    this.register_parameter(key, asParameter(value));
    return this;
  }

  has(key: string): boolean {
    return this.entries().some(([k]) => k === key);
  }

  pop(key: K): Parameter {
    const p = this.get(key);
    Reflect.deleteProperty(this, key);
    return p;
  }

  update(values: Partial<Record<K, Tensor>>): this {
    for (const [key, v] of Object.entries(values)) this.set(key as K, v as Tensor);
    return this;
  }

  keys(): K[] {
    return this.entries().map(([k]) => k);
  }

  values(): Parameter[] {
    return this.entries().map(([, p]) => p);
  }

  items(): [K, Parameter][] {
    return this.entries();
  }

  override get length(): number {
    return this.entries().length;
  }

  [Symbol.iterator](): Iterator<K> {
    return this.keys()[Symbol.iterator]();
  }

  override forward(): never {
    throw new ApiError("ParameterDict has no forward(): use its parameters in your own forward");
  }

  override toString(): string {
    return listing("ParameterDict", this.entries().map(([k, p]) => `(${k}): ${describe(p)}`));
  }
}
