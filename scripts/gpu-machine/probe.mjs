// The short first check on the GPU machine: does Dawn find an adapter through Vulkan, and which?
// Prints one JSON line; exits 1 when there is no adapter. Runs beside node_modules/webgpu.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.log(JSON.stringify({ adapter: null }));
  process.exit(1);
}
const info = adapter.info ?? {};
const limits = {};
for (const k of [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
])
  limits[k] = adapter.limits[k];
console.log(
  JSON.stringify({
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter,
    features: [...adapter.features].sort(),
    limits,
  }),
);
// Keep Dawn's GPU object reachable to the end (docs/testing.md "WebGPU in Node (Dawn)").
globalThis.__dawn = gpu;
