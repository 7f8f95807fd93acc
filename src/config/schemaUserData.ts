/**
 * The keys that name a researcher's own dataset (task `custom`, docs/user-data.md): its content
 * id, name, kind and split sizes, recorded in every run's config so a link says which dataset it
 * needs.
 */
import { int, oneOf, text } from './spec';

/** The dataset a `custom` run trains on. */
export const USER_DATA_PARAMS = {
  dataId: text({
    url: 'did',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset id',
    default: '',
    maxLength: 16,
    pattern: '(?:[0-9a-f]{16})?',
    patternHelp: '16 lower-case hex digits',
    task: ['custom'],
    help: 'Which of your datasets: the first 16 hex digits of the SHA-256 of its prepared file (docs/user-data.md). A link carries it; the page looks the dataset up in this browser.',
  }),
  dataName: text({
    url: 'dnm',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset name',
    default: '',
    maxLength: 80,
    pattern: '[^\\u0000-\\u001f]*',
    patternHelp: 'a name without control characters',
    task: ['custom'],
    help: "The dataset's name, as given at import (the file name): recorded so a run says what it was trained on.",
  }),
  dataKind: oneOf({
    url: 'dk',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset kind',
    values: ['text', 'pairs', 'image'],
    default: 'text',
    task: ['custom'],
    help: 'What the dataset holds: texts, pairs of texts (two towers, like Retrieval) or grey images (like Image).',
    valueHelp: {
      text: 'one text → class, UTF-8 byte + 1 per token',
      pairs: 'two texts → class, two towers',
      image: 'grey pixels → class, pixel + 1 per token',
    },
  }),
  dataTrain: int({
    url: 'dtr',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset train size',
    default: 0,
    min: 0,
    max: 1_000_000,
    task: ['custom'],
    help: 'Training examples of the dataset (after de-duplication): recorded with the run and checked when the dataset is loaded.',
  }),
  dataValidation: int({
    url: 'dva',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset validation size',
    default: 0,
    min: 0,
    max: 1_000_000,
    task: ['custom'],
    help: 'Validation examples of the dataset: recorded with the run and checked when the dataset is loaded.',
  }),
  dataTest: int({
    url: 'dte',
    group: 'task',
    part: 'data',
    apply: 'cold',
    label: 'Dataset test size',
    default: 0,
    min: 0,
    max: 1_000_000,
    task: ['custom'],
    help: 'Test examples of the dataset: recorded with the run and checked when the dataset is loaded.',
  }),
} as const;
