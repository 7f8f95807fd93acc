/**
 * How a message names a config key. The page's form shows each field's label, so its messages
 * say "Width d", not "dModel"; the command line takes `--dModel`, so its messages say both; a
 * config.json, a bundle or code reads keys, so their messages keep the key.
 */
import { SCHEMA } from './schema';

/** The name of a key in a message. */
export type KeyNamer = (key: string) => string;

function labelOf(key: string): string | undefined {
  return Object.hasOwn(SCHEMA, key) ? SCHEMA[key as keyof typeof SCHEMA].label : undefined;
}

/** The key itself (config.json, bundles, the model's own checks). */
export const byKey: KeyNamer = (key) => key;

/** The form's label ("Width d"); the key for anything that is not a config key. */
export const byLabel: KeyNamer = (key) => labelOf(key) ?? key;

/** The label and the flag that sets it ("Width d (--dModel)"), for the command line. */
export const byFlag: KeyNamer = (key) => {
  const label = labelOf(key);
  return label === undefined ? `--${key}` : `${label} (--${key})`;
};
