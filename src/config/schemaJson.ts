/**
 * The schema as plain JSON, for readers outside TypeScript: the PyTorch reference
 * (python/proxyformer/config.py) takes its keys, defaults, allowed values and ranges from it.
 * `npm run gen:schema` (scripts/gen-schema.ts) writes `schemaJsonText()` to src/config/schema.json,
 * which is committed; schemaJson.test.ts fails when the two differ. Form hints (labels, help,
 * URL keys, slider steps) stay in TypeScript.
 */
import { CONFIG_KEYS, paramSpec } from './schema';
import { ATTENTIONS, TASKS, type Apply, type Attention, type Part, type Provenance, type Task } from './spec';

/** Where the file lives, relative to the repository root. */
export const SCHEMA_JSON_PATH = 'src/config/schema.json';

/** Bumped when the JSON's shape (not its content) changes. */
export const SCHEMA_JSON_FORMAT = 1;

type Value = number | boolean | string;

/** One key as JSON. `attention` and `task` always list where it applies (all of them when the schema says nothing). */
export interface KeyJson {
  type: 'int' | 'float' | 'bool' | 'enum' | 'text';
  part: Part;
  apply: Apply;
  default: Value;
  defaultByTask?: Partial<Record<Task, Value>>;
  defaultByAttention?: Partial<Record<Attention, Value>>;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Text keys: the longest value and the pattern (a regular expression source) it must match whole. */
  maxLength?: number;
  pattern?: string;
  attention: readonly Attention[];
  task: readonly Task[];
  provenance?: Provenance;
}

export interface SchemaJson {
  format: number;
  generatedBy: string;
  attentions: readonly Attention[];
  tasks: readonly Task[];
  keys: Record<string, KeyJson>;
}

/** Every key of the schema, in the schema's order. */
export function schemaJson(): SchemaJson {
  const keys: Record<string, KeyJson> = {};
  for (const key of CONFIG_KEYS) {
    const s = paramSpec(key);
    const out: KeyJson = {
      type: s.type,
      part: s.part,
      apply: s.apply,
      default: s.default,
      attention: s.attention ?? ATTENTIONS,
      task: s.task ?? TASKS,
    };
    if (s.defaultByTask) out.defaultByTask = s.defaultByTask;
    if (s.defaultByAttention) out.defaultByAttention = s.defaultByAttention;
    if (s.type === 'int' || s.type === 'float') Object.assign(out, { min: s.min, max: s.max });
    if (s.type === 'enum') out.values = s.values;
    if (s.type === 'text') Object.assign(out, { maxLength: s.maxLength, pattern: s.pattern });
    if (s.provenance) out.provenance = s.provenance;
    keys[key] = reorder(out);
  }
  return {
    format: SCHEMA_JSON_FORMAT,
    generatedBy: 'scripts/gen-schema.ts (npm run gen:schema); edit src/config/schema*.ts, not this file',
    attentions: ATTENTIONS,
    tasks: TASKS,
    keys,
  };
}

/** The file's text: valid JSON with one key per line, so a change to one key is a one-line diff. */
export function schemaJsonText(): string {
  const json = schemaJson();
  const head = Object.entries(json)
    .filter(([name]) => name !== 'keys')
    .map(([name, value]) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)},`);
  const keys = Object.entries(json.keys).map(([name, spec]) => `    ${JSON.stringify(name)}: ${JSON.stringify(spec)}`);
  return ['{', ...head, '  "keys": {', keys.join(',\n'), '  }', '}', ''].join('\n');
}

const ORDER: (keyof KeyJson)[] = [
  'type',
  'part',
  'apply',
  'default',
  'defaultByTask',
  'defaultByAttention',
  'min',
  'max',
  'values',
  'maxLength',
  'pattern',
  'attention',
  'task',
  'provenance',
];

function reorder(spec: KeyJson): KeyJson {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (spec[k] !== undefined) out[k] = spec[k];
  return out as unknown as KeyJson;
}
