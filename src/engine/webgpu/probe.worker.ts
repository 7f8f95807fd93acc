/// <reference lib="webworker" />
// Runs the backend probe inside a Web Worker, where training will run: the page shows both.
import { probeBackend } from './probe';

void probeBackend().then((result) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(result));
