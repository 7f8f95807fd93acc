/**
 * The shape of one hyperparameter's declaration (TensorFlow Playground's `state.ts` habit):
 * every key of the run config is declared once, with everything the form, the URL hash and
 * the validator need. The table itself is in `schema.ts`.
 */

/** The attention variants. */
export const ATTENTIONS = ['softmax', 'nystrom', 'proxy', 'linformer', 'performer', 'linear', 'bigbird', 'reformer'] as const;
export type Attention = (typeof ATTENTIONS)[number];

/** The five Long Range Arena tasks (see docs/tasks.md for the stand-in corpora). */
export const LRA_TASKS = ['listops', 'text', 'retrieval', 'image', 'pathfinder'] as const;
/** The LRA tasks and `custom`: a researcher's own dataset (docs/user-data.md), named by the `data*` keys. */
export const TASKS = [...LRA_TASKS, 'custom'] as const;
export type Task = (typeof TASKS)[number];

/** Where a key lives in the form. */
export type Group = 'task' | 'model' | 'attention' | 'proxyformer' | 'optimisation' | 'schedule' | 'seeds';

/** Which part of the config object a key belongs to (`ModelConfig`, `TrainConfig` or `DataConfig`). */
export type Part = 'model' | 'train' | 'data';

/**
 * `hot`: the worker applies a change from the next step. `cold`: a change needs a rebuild
 * (new weights, buffers or data stream), and the UI says so.
 */
export type Apply = 'hot' | 'cold';

/**
 * For Proxyformer switches: `paper` when the paper states it (proxies, injection exists, a
 * contrastive loss with τ = 0.07, column-wise decomposed dropout on K2 with p = 0.1, 128
 * proxies); `ours` when it is our reading (the exact formulas), with one line saying which.
 */
export interface Provenance {
  source: 'paper' | 'ours';
  note: string;
}

interface CommonSpec<P extends Part, A extends Apply> {
  /** Short readable URL key, 1–4 characters, unique. */
  url: string;
  group: Group;
  part: P;
  apply: A;
  /** Short label for the form. */
  label: string;
  /** Help text for a researcher: what it does, and what the paper or reference code uses. */
  help: string;
  /** The variants and tasks it applies to; absent means all. */
  attention?: readonly Attention[];
  task?: readonly Task[];
  provenance?: Provenance;
}

export interface IntSpec<P extends Part = Part, A extends Apply = Apply> extends CommonSpec<P, A> {
  type: 'int';
  default: number;
  defaultByTask?: Partial<Record<Task, number>>;
  defaultByAttention?: Partial<Record<Attention, number>>;
  min: number;
  max: number;
  /** Form hint: step of the slider/input. */
  step?: number;
  /** Form hint: a logarithmic slider. */
  log?: boolean;
}

export interface FloatSpec<P extends Part = Part, A extends Apply = Apply> extends CommonSpec<P, A> {
  type: 'float';
  default: number;
  defaultByTask?: Partial<Record<Task, number>>;
  defaultByAttention?: Partial<Record<Attention, number>>;
  min: number;
  max: number;
  step?: number;
  log?: boolean;
}

export interface BoolSpec<P extends Part = Part, A extends Apply = Apply> extends CommonSpec<P, A> {
  type: 'bool';
  default: boolean;
  defaultByTask?: Partial<Record<Task, boolean>>;
  defaultByAttention?: Partial<Record<Attention, boolean>>;
}

export interface EnumSpec<V extends string = string, P extends Part = Part, A extends Apply = Apply> extends CommonSpec<P, A> {
  type: 'enum';
  values: readonly V[];
  default: V;
  defaultByTask?: Partial<Record<Task, V>>;
  defaultByAttention?: Partial<Record<Attention, V>>;
  /** One line per value for the form. */
  valueHelp?: Partial<Record<V, string>>;
}

/** A short string (a dataset's id or name): bounded length, and a pattern it must match. */
export interface TextSpec<P extends Part = Part, A extends Apply = Apply> extends CommonSpec<P, A> {
  type: 'text';
  default: string;
  defaultByTask?: Partial<Record<Task, string>>;
  defaultByAttention?: Partial<Record<Attention, string>>;
  maxLength: number;
  /** A regular expression (source) the whole value must match. */
  pattern: string;
  /** The pattern in words, for messages. */
  patternHelp: string;
}

/** One hyperparameter's declaration. */
export type ParamSpec = IntSpec | FloatSpec | BoolSpec | EnumSpec | TextSpec;

/** The value type a spec declares. */
export type ValueOf<S> = S extends EnumSpec<infer V> ? V : S extends BoolSpec ? boolean : S extends TextSpec ? string : number;

/** Declare an integer hyperparameter. */
export function int<P extends Part, A extends Apply>(spec: Omit<IntSpec<P, A>, 'type'>): IntSpec<P, A> {
  return { type: 'int', ...spec };
}

/** Declare a real-valued hyperparameter. */
export function float<P extends Part, A extends Apply>(spec: Omit<FloatSpec<P, A>, 'type'>): FloatSpec<P, A> {
  return { type: 'float', ...spec };
}

/** Declare a boolean hyperparameter. */
export function bool<P extends Part, A extends Apply>(spec: Omit<BoolSpec<P, A>, 'type'>): BoolSpec<P, A> {
  return { type: 'bool', ...spec };
}

/** Declare a short text value. */
export function text<P extends Part, A extends Apply>(spec: Omit<TextSpec<P, A>, 'type'>): TextSpec<P, A> {
  return { type: 'text', ...spec };
}

/** Declare a hyperparameter that takes one of a fixed list of strings. */
export function oneOf<const V extends string, P extends Part, A extends Apply>(spec: Omit<EnumSpec<V, P, A>, 'type'>): EnumSpec<V, P, A> {
  return { type: 'enum', ...spec };
}

/** The default of a spec for a task and an attention variant (attention wins over task). */
export function defaultFor<S extends ParamSpec>(spec: S, task: Task, attention: Attention): ValueOf<S> {
  const byAttention = spec.defaultByAttention as Partial<Record<Attention, ValueOf<S>>> | undefined;
  const byTask = spec.defaultByTask as Partial<Record<Task, ValueOf<S>>> | undefined;
  return byAttention?.[attention] ?? byTask?.[task] ?? (spec.default as ValueOf<S>);
}

/** Whether a key matters for this task and variant (the form hides or greys the others). */
export function appliesTo(spec: ParamSpec, task: Task, attention: Attention): boolean {
  return (spec.attention === undefined || spec.attention.includes(attention)) && (spec.task === undefined || spec.task.includes(task));
}
