/// <reference lib="webworker" />
/**
 * The bundle import worker: reads a bundle (or a bare safetensors file and its config),
 * inflates, parses and validates it within the import budget (src/io/importLimits.ts,
 * docs/imports.md) off the page's main thread, posting progress; the page's Cancel terminates
 * it. The tensors' buffers are transferred, not copied, so the page receives them in O(1).
 */
import { ImportError } from '../errors';
import { ImportBudget, asImportError, limitError } from '../importLimits';
import type { BundleImportReply, BundleImportRequest, TransferredRun } from './importProtocol';
import { boundedCsv } from './metrics';
import { importRun } from './read';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: BundleImportReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

async function read(r: BundleImportRequest): Promise<{ run: TransferredRun; transfer: Transferable[] }> {
  const budget = new ImportBudget(r.limits, { onProgress: (stage, fraction) => post({ type: 'progress', stage, fraction }) });
  const { maxTotalBytes, maxConfigBytes } = budget.limits;
  // Refused before a byte is read.
  if (r.file.size > maxTotalBytes) throw limitError('maxTotalBytes', `${r.file.name} bytes`, r.file.size, maxTotalBytes);
  if (r.configFile && r.configFile.size > maxConfigBytes)
    throw limitError('maxConfigBytes', `${r.configFile.name} bytes`, r.configFile.size, maxConfigBytes);
  post({ type: 'progress', stage: 'reading the file', fraction: 0 });
  const bytes = new Uint8Array(await r.file.arrayBuffer());
  const config = r.configFile ? new Uint8Array(await r.configFile.arrayBuffer()) : undefined;
  const imported = importRun(bytes, config, { budget });
  const metricsCsv = imported.metrics ? boundedCsv(imported.metrics, budget.limits.maxMetricsBytes) : null;
  const run: TransferredRun = {
    config: imported.config,
    weights: imported.weights,
    optimizer: imported.optimizer,
    metricsCsv,
    notices: imported.notices,
    source: imported.source,
  };
  const tensors = [
    ...imported.weights.values(),
    ...(imported.optimizer ? [...imported.optimizer.expAvg.values(), ...imported.optimizer.expAvgSq.values()] : []),
  ];
  // Each tensor owns its buffer (the reader copies it out of the file), so all can be transferred.
  const transfer = [...new Set(tensors.map((t) => t.buffer as ArrayBuffer))];
  return { run, transfer };
}

scope.onmessage = async (ev: MessageEvent<BundleImportRequest>) => {
  try {
    const { run, transfer } = await read(ev.data);
    post({ type: 'done', run }, transfer);
  } catch (e) {
    const err = asImportError(e, 'importing');
    if (err instanceof ImportError) post({ type: 'error', message: err.message, code: err.code, breach: err.breach });
    else post({ type: 'error', message: `the import failed: ${err instanceof Error ? err.message : String(err)}`, code: 'internal' });
  }
};
