/// <reference lib="webworker" />
/**
 * The import worker: parses, prepares, hashes and stores a user dataset off the main thread
 * (a 64 MiB CSV takes seconds; the page stays responsive and Cancel terminates this worker).
 * Images are decoded here with createImageBitmap and read back through an OffscreenCanvas.
 */
import { IndexedDbDatasetStore } from './store/datasets';
import { DEFAULT_LIMITS, UserDataError } from '../data/userData/limits';
import { datasetId, encodeDataset } from '../data/userData/format';
import { importTextFile, readImageZip, datasetName, type DecodeImage } from '../data/userData/parse';
import { prepareDataset, type PreparedDataset } from '../data/userData/prepare';
import type { ImportReply, ImportRequest, PreviewExample } from '../data/userData/protocol';
import { SPLITS } from '../data/task';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: ImportReply) => scope.postMessage(m);

const decodeImage: DecodeImage = async (bytes, type) => {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${type}` }));
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context on an OffscreenCanvas in this browser');
    ctx.drawImage(bitmap, 0, 0);
    return { rgba: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
};

function preview(d: PreparedDataset, perSplit = 4): PreviewExample[] {
  const out: PreviewExample[] = [];
  const dec = new TextDecoder();
  for (const [code, split] of SPLITS.entries()) {
    let n = 0;
    for (let i = 0; i < d.header.count && n < perSplit; i++) {
      if (d.split[i] !== code) continue;
      n++;
      const inputs = d.offsets.map((off, t) => d.bytes[t].subarray(off[i], off[i + 1]));
      const label = d.header.classes[d.labels[i]];
      out.push(
        d.header.kind === 'image'
          ? { split, label, pixels: Array.from(inputs[0]) }
          : { split, label, texts: inputs.map((b) => dec.decode(b)) },
      );
    }
  }
  return out;
}

scope.onmessage = async (ev: MessageEvent<ImportRequest>) => {
  const r = ev.data;
  try {
    const bytes = new Uint8Array(r.bytes);
    const onProgress = (stage: string) => (fraction: number) => post({ type: 'progress', stage, fraction });
    const common = { seqLen: r.seqLen, splitSeed: r.splitSeed, validationPercent: r.validationPercent, testPercent: r.testPercent };
    let d: PreparedDataset;
    if (r.kind === 'image') {
      const raw = await readImageZip(r.fileName, bytes, r.imageSide, decodeImage, DEFAULT_LIMITS, onProgress('decoding images'));
      d = prepareDataset(
        raw,
        { ...common, seqLen: r.imageSide * r.imageSide, kind: 'image', name: datasetName(r.fileName), imageSide: r.imageSide },
        DEFAULT_LIMITS,
      );
    } else {
      d = importTextFile(r.fileName, bytes, { ...common, kind: r.kind, columns: r.columns }, DEFAULT_LIMITS, onProgress('parsing'));
    }
    post({ type: 'progress', stage: 'storing', fraction: 1 });
    const file = encodeDataset(d);
    const id = await datasetId(file);
    let stored = true;
    let storeError: string | undefined;
    try {
      await new IndexedDbDatasetStore().put(id, file, d.header);
    } catch (e) {
      stored = false;
      storeError = (e as Error).message;
    }
    post({ type: 'done', id, header: d.header, preview: preview(d), stored, storeError });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, limit: e instanceof UserDataError ? e.limit : undefined });
  }
};
