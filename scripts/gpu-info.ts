/** Prints the WebGPU adapter Dawn finds in Node and runs the compute self-test (a quick probe). */
import { nodeGpu } from '../src/engine/webgpu/node';
import { acquireGpu, backendLabel } from '../src/engine/webgpu/device';
import { runComputeSelfTest } from '../src/engine/webgpu/selfTest';

const ctx = await acquireGpu({ optionalFeatures: ['timestamp-query', 'shader-f16'] }, nodeGpu());
const test = await runComputeSelfTest(ctx.device);
console.log(JSON.stringify({ backend: backendLabel(ctx.report), report: ctx.report, selfTest: test }, null, 2));
ctx.destroy();
if (!test.ok) process.exit(1);
