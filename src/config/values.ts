/**
 * One value against its declaration: type, range, allowed strings. Never throws; a bad value
 * becomes an issue that names the key, the value and what is allowed.
 */
import { byKey, type KeyNamer } from './names';
import type { ParamSpec } from './spec';

/** A problem with a config: `error` keeps a run from starting, `notice` is shown and accepted. */
export interface ConfigIssue {
  /** The key the message is about (the form puts it under that field). */
  key: string;
  /** Other keys involved in a combination (the form marks them too). */
  related?: string[];
  /** The offending value, as given. */
  value: unknown;
  severity: 'error' | 'notice';
  /** What is wrong and what is allowed, with the numbers. */
  message: string;
}

/** The outcome of checking one value. */
export type ValueResult = { ok: true; value: number | boolean | string; issue?: ConfigIssue } | { ok: false; issue: ConfigIssue };

/** What a spec allows, in words ("an integer from 1 to 12", "one of softmax, nystrom, proxy"). */
export function allowedText(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'float':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'text':
      return `${spec.patternHelp} (at most ${spec.maxLength} characters)`;
  }
}

/** A short, safe rendering of any value for a message (never throws, never long). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Check a value of the right JS type against its spec. With `clamp`, an out-of-range number is
 * pulled to the nearest bound and a notice says so (the URL hash); without, it is an error (the
 * form). `name` says how the message names the key (names.ts).
 */
export function checkValue(key: string, spec: ParamSpec, raw: unknown, clamp: boolean, name: KeyNamer = byKey): ValueResult {
  const what = name(key);
  const bad = (why: string): ValueResult => ({
    ok: false,
    issue: { key, value: raw, severity: 'error', message: `${what} ${describe(raw)} ${why}: allowed ${allowedText(spec)}.` },
  });
  switch (spec.type) {
    case 'bool':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : bad('is not a boolean');
    case 'enum':
      return typeof raw === 'string' && (spec.values as readonly string[]).includes(raw)
        ? { ok: true, value: raw }
        : bad('is not a known value');
    case 'text':
      if (typeof raw !== 'string') return bad('is not a string');
      if (raw.length > spec.maxLength) return bad(`has ${raw.length} characters`);
      return new RegExp(`^(?:${spec.pattern})$`, 'u').test(raw) ? { ok: true, value: raw } : bad('does not match');
    case 'int':
    case 'float': {
      // NaN is what the form's parser makes of an empty or unreadable field: say that, not "NaN".
      if (Number.isNaN(raw)) {
        const message = `${what} is empty or not a number: allowed ${allowedText(spec)}.`;
        return { ok: false, issue: { key, value: raw, severity: 'error', message } };
      }
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad('is not a finite number');
      if (Object.is(raw, -0)) return checkValue(key, spec, 0, clamp, name); // a config never holds -0 (it would not round-trip as text)
      if (spec.type === 'int' && !Number.isInteger(raw)) {
        if (!clamp) return bad('is not an integer');
        const rounded = Math.round(raw);
        const inRange = checkValue(key, spec, rounded, clamp, name);
        const note = `${what} ${raw} is not an integer: rounded to ${rounded}.`;
        if (!inRange.ok) return inRange;
        const value = inRange.value;
        return {
          ok: true,
          value,
          issue: { key, value: raw, severity: 'notice', message: inRange.issue ? `${note} ${inRange.issue.message}` : note },
        };
      }
      if (raw >= spec.min && raw <= spec.max) return { ok: true, value: raw };
      const side = raw < spec.min ? `below the minimum ${spec.min}` : `above the maximum ${spec.max}`;
      if (!clamp) return bad(`is ${side}`);
      const value = raw < spec.min ? spec.min : spec.max;
      return {
        ok: true,
        value,
        issue: { key, value: raw, severity: 'notice', message: `${what} ${raw} is ${side}: clamped to ${value}.` },
      };
    }
  }
}
