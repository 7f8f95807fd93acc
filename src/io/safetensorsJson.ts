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

export interface StrictJsonHooks {
  /** Called with the running count of the top-level object's keys, as each is read (may throw to stop). */
  topLevelKey?: (count: number) => void;
  /** Called every 4096 values (may throw to stop: a deadline). */
  tick?: () => void;
}

/** Parse JSON text strictly; throws `ImportError('header-json')` naming the position (or what a hook throws). */
export function parseStrictJson(text: string, hooks: StrictJsonHooks = {}): JsonValue {
  let i = 0;
  let values = 0;
  const fail = (what: string): never => {
    throw new ImportError('header-json', `header JSON: ${what} at character ${i}.`);
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    if (hooks.tick && ++values % 4096 === 0) hooks.tick();
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
    let keys = 0;
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
      if (depth === 0 && hooks.topLevelKey) hooks.topLevelKey(++keys);
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

/**
 * Count the members of the top-level JSON object in UTF-8 bytes without decoding them, stopping
 * as soon as the count passes `stopAbove` (then that count is returned). A byte scan that only
 * follows strings and nesting: a header of millions of tiny entries is measured before a
 * string of it exists. Malformed JSON gives some count; the strict parser refuses it later.
 */
export function countTopLevelMembers(bytes: Uint8Array, stopAbove: number): number {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) {
      inString = true;
      // A string that starts at depth 1 after '{' or ',' is a member's key.
      if (depth === 1 && isKeyStart(bytes, i) && ++members > stopAbove) return members;
    } else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) depth--;
  }
  return members;
}

/** Whether the quote at `at` follows '{' or ',' (skipping whitespace): a key, not a value. */
function isKeyStart(bytes: Uint8Array, at: number): boolean {
  for (let j = at - 1; j >= 0; j--) {
    const c = bytes[j];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x2c;
  }
  return false;
}

/** Whether a parsed value is an object (not an array, not null). */
export function isJsonObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
