/**
 * One place that finds a WebGPU adapter, checks it against what the code needs, requests a
 * device with only those limits and features, and reports what it got. Works in a page, in
 * a Web Worker and in Node (pass Dawn's `GPU` object from `./node.ts`).
 */
import { GpuDeviceLostError, GpuFeatureError, GpuLimitError, GpuValidationError, WebGpuUnavailableError } from './errors';

/** Limits the engine asks for by default: enough for the paper preset at n = 4096. */
export const DEFAULT_LIMITS = {
  maxStorageBufferBindingSize: 128 * 1024 * 1024,
  maxBufferSize: 128 * 1024 * 1024,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxStorageBuffersPerShaderStage: 8,
} as const;

export type LimitName = keyof typeof DEFAULT_LIMITS | 'maxComputeWorkgroupStorageSize' | 'maxComputeWorkgroupsPerDimension';

export interface GpuRequirements {
  /** Minimum values; the device is requested with exactly these (or the adapter default if higher). */
  limits?: Partial<Record<LimitName, number>>;
  /** Features without which nothing runs. */
  features?: GPUFeatureName[];
  /** Features used when present (for example `timestamp-query` for kernel timing). */
  optionalFeatures?: GPUFeatureName[];
  powerPreference?: GPUPowerPreference;
}

/** What the adapter is, as shown in the backend badge and written next to every benchmark figure. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader or lavapipe. */
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface GpuContext {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly report: AdapterReport;
  /** Features actually enabled on the device. */
  readonly enabledFeatures: ReadonlySet<string>;
  /** Resolves (never rejects) when the device is lost, with a typed error describing why. */
  readonly lost: Promise<GpuDeviceLostError>;
  /** Uncaptured errors seen so far (validation errors would otherwise only reach the console). */
  readonly uncapturedErrors: GpuValidationError[];
  destroy(): void;
}

const SOFTWARE_ARCHITECTURES = ['swiftshader', 'llvmpipe', 'lavapipe', 'warp'];

function readInfo(adapter: GPUAdapter): {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback?: boolean;
} {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const fallbackInfo = info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallback: fallbackInfo?.isFallbackAdapter ?? legacy,
  };
}

const LIMIT_NAMES = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxBindGroups',
] as const;

/** Describe an adapter: vendor, architecture, software or not, features and the limits we care about. */
export function describeAdapter(adapter: GPUAdapter): AdapterReport {
  const info = readInfo(adapter);
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  const isFallback = info.isFallback ?? SOFTWARE_ARCHITECTURES.some((s) => text.includes(s));
  const limits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) limits[name] = Number((adapter.limits as unknown as Record<string, number>)[name]);
  return {
    ...info,
    isFallback: isFallback || SOFTWARE_ARCHITECTURES.some((s) => text.includes(s)),
    features: [...adapter.features].sort(),
    limits,
  };
}

/** The badge text: "WebGPU · swiftshader (software)". */
export function backendLabel(report: AdapterReport): string {
  const name = report.architecture || report.description || report.device || report.vendor || 'unknown adapter';
  return `WebGPU · ${name}${report.isFallback ? ' (software)' : ''}`;
}

/** Find the browser's (or worker's) `navigator.gpu`, if any. */
export function browserGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

/**
 * Request an adapter and a device that satisfies `req`. Throws `WebGpuUnavailableError`,
 * `GpuLimitError` or `GpuFeatureError` with a message naming what is missing.
 */
export async function acquireGpu(req: GpuRequirements = {}, gpu: GPU | undefined = browserGpu()): Promise<GpuContext> {
  if (!gpu) throw new WebGpuUnavailableError('this environment has no navigator.gpu');
  const adapter = await gpu.requestAdapter({ powerPreference: req.powerPreference ?? 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError('requestAdapter() returned no adapter (WebGPU may be disabled or blocklisted)');
  const report = describeAdapter(adapter);

  const wanted = { ...DEFAULT_LIMITS, ...(req.limits ?? {}) } as Record<string, number>;
  const requiredLimits: Record<string, number> = {};
  for (const [name, need] of Object.entries(wanted)) {
    const have = Number((adapter.limits as unknown as Record<string, number>)[name]);
    const explicitlyNeeded = req.limits !== undefined && name in req.limits;
    if (have < need) {
      // A default is a wish: take what the adapter has. An explicit requirement is a need.
      if (explicitlyNeeded) throw new GpuLimitError(name, have, need);
      requiredLimits[name] = have;
    } else {
      requiredLimits[name] = need;
    }
  }
  for (const f of req.features ?? []) if (!adapter.features.has(f)) throw new GpuFeatureError(f);
  const features = [...(req.features ?? []), ...(req.optionalFeatures ?? []).filter((f) => adapter.features.has(f))];

  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features, label: 'proxyformer-engine' });
  const uncapturedErrors: GpuValidationError[] = [];
  device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    const kind = err.constructor?.name?.replace(/^GPU|Error$/g, '').toLowerCase() || 'unknown';
    uncapturedErrors.push(new GpuValidationError(kind, err.message));
  });
  const lost = device.lost.then((info) => new GpuDeviceLostError(info.reason, info.message));
  return {
    adapter,
    device,
    report,
    enabledFeatures: new Set([...device.features]),
    lost,
    uncapturedErrors,
    destroy: () => device.destroy(),
  };
}

/** Run `fn` inside validation + out-of-memory error scopes and throw the first error as a typed error. */
export async function withErrorScopes<T>(device: GPUDevice, fn: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const result = fn();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new GpuValidationError('validation', validation.message);
  if (oom) throw new GpuValidationError('out-of-memory', oom.message);
  return result;
}
