/**
 * `--data FILE` and its options for `npm run train`: a CSV/TSV/JSON Lines file is prepared
 * here (the same code as the page's worker), a `.pfdata` file is taken as prepared. Image
 * zips need a browser's decoder: import them in the page and pass the prepared file.
 */
import {
  datasetId,
  decodeDataset,
  DEFAULT_LIMITS,
  DEFAULT_PREPARE,
  encodeDataset,
  importTextFile,
  type ColumnChoice,
  type PreparedDataset,
} from '../../data/userData';

export interface DataArgs {
  path: string;
  kind: 'text' | 'pairs';
  columns: Partial<ColumnChoice>;
  name?: string;
  seqLen: number;
  splitSeed: number;
  validationPercent: number;
  testPercent: number;
}

export const DATA_USAGE = `  --data FILE            your dataset: .csv/.tsv/.jsonl (prepared here) or a prepared .pfdata file;
                         alone, it trains a quick model sized to the data (config keys still override)
  --data-kind text|pairs text (default), or pairs of texts for the two-tower model
  --text-column NAME     text column (default text; pairs: text1)   --text2-column NAME (pairs: text2)
  --label-column NAME    label column (default label)               --data-name NAME (default: file name)
  --prepared-len N       bytes kept per text at preparation (default ${DEFAULT_PREPARE.seqLen})
  --split-seed N --validation-percent P --test-percent P   the split (default 0, 10, 10)`;

const FLAGS = [
  'data',
  'data-kind',
  'text-column',
  'text2-column',
  'label-column',
  'data-name',
  'prepared-len',
  'split-seed',
  'validation-percent',
  'test-percent',
];

/** Takes the data flags out of argv; the rest goes to parseTrainArgs. */
export function splitDataArgs(argv: readonly string[]): { data?: DataArgs; rest: string[]; errors: string[] } {
  const rest: string[] = [];
  const errors: string[] = [];
  const got = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? (arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]) : ['', undefined];
    if (!FLAGS.includes(name)) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) errors.push(`--${name} needs a value`);
    else got.set(name, value);
  }
  if (!got.has('data')) {
    if (got.size > 0) errors.push(`--${[...got.keys()][0]} needs --data FILE`);
    return { rest, errors };
  }
  const int = (flag: string, fallback: number, lo: number, hi: number): number => {
    const raw = got.get(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < lo || n > hi) errors.push(`--${flag} ${JSON.stringify(raw)} must be an integer from ${lo} to ${hi}`);
    return n;
  };
  const kind = got.get('data-kind') ?? 'text';
  if (kind !== 'text' && kind !== 'pairs')
    errors.push(
      `--data-kind ${JSON.stringify(kind)} is not known: use text or pairs (images: import the zip in the page and pass its .pfdata file)`,
    );
  const columns: Partial<ColumnChoice> = {};
  if (got.has('text-column')) columns.text = got.get('text-column');
  if (got.has('text2-column')) columns.text2 = got.get('text2-column');
  if (got.has('label-column')) columns.label = got.get('label-column');
  const data: DataArgs = {
    path: got.get('data')!,
    kind: kind as 'text' | 'pairs',
    columns,
    name: got.get('data-name'),
    seqLen: int('prepared-len', DEFAULT_PREPARE.seqLen, 1, 16384),
    splitSeed: int('split-seed', DEFAULT_PREPARE.splitSeed, 0, 0xffffffff),
    validationPercent: int('validation-percent', DEFAULT_PREPARE.validationPercent, 1, 49),
    testPercent: int('test-percent', DEFAULT_PREPARE.testPercent, 1, 49),
  };
  return { data, rest, errors };
}

export interface LoadedData {
  /** The prepared file's bytes (written beside the run). */
  file: Uint8Array;
  id: string;
  dataset: PreparedDataset;
}

/** Prepares (or reads) the dataset of `--data`; throws UserDataError with the limit for a bad file. */
export async function loadDataFile(d: DataArgs, bytes: Uint8Array): Promise<LoadedData> {
  let file: Uint8Array;
  if (/\.pfdata$/i.test(d.path)) file = bytes;
  else {
    const defaults = d.kind === 'pairs' ? { text: 'text1', text2: 'text2', label: 'label' } : { text: 'text', label: 'label' };
    const dataset = importTextFile(
      d.path,
      bytes,
      {
        kind: d.kind,
        name: d.name,
        columns: { ...defaults, ...d.columns },
        seqLen: d.seqLen,
        splitSeed: d.splitSeed,
        validationPercent: d.validationPercent,
        testPercent: d.testPercent,
      },
      DEFAULT_LIMITS,
    );
    file = encodeDataset(dataset);
  }
  return { file, id: await datasetId(file), dataset: decodeDataset(file, d.path) };
}

/** What the CLI prints about a dataset: classes, sizes, balance, what was dropped. */
export function describeDataset(id: string, d: PreparedDataset): string {
  const h = d.header;
  const balance = (counts: number[], n: number) =>
    counts.map((c, k) => `${h.classes[k]} ${((100 * c) / Math.max(1, n)).toFixed(1)}%`).join(', ');
  return [
    `dataset ${h.name} (${id}): ${h.kind}, ${h.classes.length} classes, ${h.count} distinct examples (${h.dropped.duplicates} duplicates dropped, ${h.dropped.conflicting} with another label; ${h.truncated} cut to ${h.seqLen} bytes)`,
    `  classes: ${h.classes.map((c, k) => `${k} = ${JSON.stringify(c)}`).join(', ')}`,
    `  train ${h.sizes.train} (${balance(h.classCounts.train, h.sizes.train)}), validation ${h.sizes.validation}, test ${h.sizes.test}`,
  ].join('\n');
}
