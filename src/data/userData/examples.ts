/**
 * From a parsed table to labelled examples: which columns hold the text(s) and the label,
 * and the mapping of label strings to classes 0..C−1 (kept with the dataset and shown).
 */
import { UserDataError, type UserDataLimits } from './limits';
import type { Table } from './table';

/** `text`: one text → class. `pairs`: two texts (two-tower retrieval) → class. `image`: pixels → class. */
export type DataKind = 'text' | 'pairs' | 'image';
export const DATA_KINDS: readonly DataKind[] = ['text', 'pairs', 'image'];

/** One example before tokenisation: one input (two for pairs) and its label string. */
export interface RawExample {
  inputs: Uint8Array[];
  label: string;
}

export interface ColumnChoice {
  text: string;
  /** The second text of a pair. */
  text2?: string;
  label: string;
}

/** The columns taken when none are chosen: `text`, `label` (pairs: `text1`, `text2`, `label`). */
export function defaultColumns(kind: 'text' | 'pairs'): ColumnChoice {
  return kind === 'pairs' ? { text: 'text1', text2: 'text2', label: 'label' } : { text: 'text', label: 'label' };
}

function columnIndex(table: Table, column: string, role: string, name: string): number {
  const i = table.header.indexOf(column);
  if (i < 0) {
    const shown = table.header
      .slice(0, 20)
      .map((h) => JSON.stringify(h))
      .join(', ');
    throw new UserDataError(
      'columns',
      `${name} has no column ${JSON.stringify(column)} for the ${role}; its columns are ${shown}${table.header.length > 20 ? ', …' : ''}. Choose the ${role} column.`,
    );
  }
  return i;
}

/** The examples of a table: the chosen text column(s) as UTF-8 bytes and the label column. */
export function examplesFromTable(
  table: Table,
  kind: 'text' | 'pairs',
  columns: ColumnChoice,
  limits: UserDataLimits,
  name = 'the file',
): RawExample[] {
  const t1 = columnIndex(table, columns.text, kind === 'pairs' ? 'first text' : 'text', name);
  const t2 = kind === 'pairs' ? columnIndex(table, columns.text2 ?? '', 'second text', name) : -1;
  const lab = columnIndex(table, columns.label, 'label', name);
  const enc = new TextEncoder();
  return table.rows.map((row, r) => {
    const label = row[lab].trim();
    if (label === '')
      throw new UserDataError('labels', `${name}: data row ${r + 1} has an empty label in column ${JSON.stringify(columns.label)}.`);
    if (label.length > limits.maxLabelChars) {
      throw new UserDataError(
        'maxLabelChars',
        `${name}: data row ${r + 1} has a label of ${label.length} characters; at most ${limits.maxLabelChars} (maxLabelChars). Is ${JSON.stringify(columns.label)} the label column?`,
      );
    }
    const inputs = [enc.encode(row[t1])];
    if (t2 >= 0) inputs.push(enc.encode(row[t2]));
    return { inputs, label };
  });
}

/**
 * The classes of a set of labels, sorted: numerically when every label is a number
 * ("0", "1", "10"), otherwise by code point. Class c is `classes[c]`.
 */
export function labelClasses(labels: Iterable<string>, limits: UserDataLimits, name = 'the dataset'): string[] {
  const set = new Set<string>();
  for (const l of labels) {
    set.add(l);
    if (set.size > limits.maxClasses) {
      throw new UserDataError(
        'maxClasses',
        `${name} has more than ${limits.maxClasses} distinct labels (maxClasses): is the label column right?`,
      );
    }
  }
  if (set.size < 2)
    throw new UserDataError(
      'labels',
      `${name} has ${set.size === 0 ? 'no labels' : `only one label (${JSON.stringify([...set][0])})`}: a classifier needs at least 2 classes.`,
    );
  const all = [...set];
  const numeric = all.every((l) => /^[+-]?\d+(\.\d+)?$/.test(l));
  return numeric
    ? all.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0))
    : all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
