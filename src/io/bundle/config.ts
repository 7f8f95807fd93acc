/**
 * A bundle's config: JSON text parsed strictly (no duplicate keys, no prototype, bounded
 * nesting) and validated by the run config schema. Errors of the schema refuse the import;
 * its notices (unknown keys, keys filled with defaults) travel with the result.
 */
import { CONFIG_KEYS, validateConfig, type ConfigKey, type RunConfig } from '../../config';
import { ImportError } from '../errors';
import { DEFAULT_LIMITS, limitError } from '../importLimits';
import { parseStrictJson } from '../safetensorsJson';

/** A validated config and the schema's notices about it. */
export interface ParsedConfig {
  config: RunConfig;
  notices: string[];
}

/** Parse and validate config JSON (bytes or text) read from `where`. Throws `ImportError('config')` (or 'limit' for its size). */
export function parseConfig(input: Uint8Array | string, where: string, maxBytes = DEFAULT_LIMITS.maxConfigBytes): ParsedConfig {
  if (input.length > maxBytes)
    throw limitError('maxConfigBytes', `${where} ${typeof input === 'string' ? 'characters' : 'bytes'}`, input.length, maxBytes);
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new ImportError('config', `${where} is not valid UTF-8 text; it must be the run's config JSON.`);
    }
  }
  let value: unknown;
  try {
    value = parseStrictJson(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ImportError(
      'config',
      `${where} is not valid JSON: ${err instanceof Error ? err.message.replace(/^header JSON: /, '') : String(err)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportError(
      'config',
      `${where} must hold a JSON object of config keys, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
    );
  }
  const result = validateConfig(value);
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new ImportError('config', `${where}: ${errors.map((i) => i.message).join(' ')}`);
  return { config: result.config, notices: result.issues.map((i) => `${where}: ${i.message}`) };
}

/** The keys on which two validated configs differ. */
export function configDifferences(a: RunConfig, b: RunConfig): ConfigKey[] {
  return CONFIG_KEYS.filter((k) => a[k] !== b[k]);
}
