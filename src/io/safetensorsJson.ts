/**
 * A strict JSON parser for safetensors headers. `JSON.parse` silently keeps the last of two
 * equal keys, so a file could show one tensor to one reader and another to the next; this
 * parser refuses duplicates, builds objects without a prototype (a `__proto__` key is just a
 * key), bounds the nesting depth, and reports the byte position of the first problem.
 */
import { ImportError } from './errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** An object with no prototype: no inherited keys, nothing to pollute. */
export type JsonObject = { [key: string]: JsonValue };

const MAX_DEPTH = 16;

/** Parse JSON text strictly; throws `ImportError('header-json')` naming the position. */
export function parseStrictJson(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new ImportError('header-json', `header JSON: ${what} at character ${i}.`);
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skipSpace();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
  };
  const object = (depth: number): JsonObject => {
    const out = Object.create(null) as JsonObject;
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail('expected a quoted key');
      const key = string();
      if (Object.hasOwn(out, key)) fail(`duplicate key ${JSON.stringify(key)}`);
      skipSpace();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      out[key] = value(depth + 1);
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail("expected ',' or '}'");
    }
  };
  const array = (depth: number): JsonValue[] => {
    const out: JsonValue[] = [];
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail("expected ',' or ']'");
    }
  };
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '"') break;
      if (c === '\\') i += text[i + 1] === 'u' ? 6 : 2;
      else if (c < ' ') fail('control character in string');
      else i++;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string; // escapes are decoded by the built-in parser
    } catch {
      i = start;
      return fail('bad escape in string');
    }
  };
  const number = (): number => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return fail('bad number');
    i += match[0].length;
    return Number(match[0]);
  };

  const result = value(0);
  skipSpace();
  if (i !== text.length) fail('trailing characters after the JSON value');
  return result;
}

/** Whether a parsed value is an object (not an array, not null). */
export function isJsonObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
