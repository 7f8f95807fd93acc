/// <reference lib="webworker" />
/**
 * The data worker: generates ListOps / Pathfinder evaluation splits and train batches in the
 * background (see protocol.ts for the messages). Create it with
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */

import { handleDataRequest, type DataRequest, type TaskCache } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cache: TaskCache = new Map();

scope.onmessage = (e: MessageEvent<DataRequest>) => {
  handleDataRequest(e.data, (msg, transfer) => scope.postMessage(msg, transfer), cache);
};
