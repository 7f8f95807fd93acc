/** Typed GPU errors whose messages say what is missing and what to do about it. */

/** No WebGPU at all: no `navigator.gpu`, or no adapter was returned. */
export class WebGpuUnavailableError extends Error {
  override readonly name = 'WebGpuUnavailableError';
  constructor(readonly reason: string) {
    super(
      `WebGPU is not available: ${reason}. ` +
        'Use a browser with WebGPU (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu); ' +
        'the playground will train on the CPU reference backend instead (quick presets only).',
    );
  }
}

/** The adapter's limit is below what a model or kernel needs. */
export class GpuLimitError extends Error {
  override readonly name = 'GpuLimitError';
  constructor(
    readonly limit: string,
    readonly have: number,
    readonly need: number,
    /** What asked for it (e.g. `alloc "attn.scores" (activations)`), prefixed to the message. */
    readonly what?: string,
  ) {
    super(
      `${what ? `${what}: ` : ''}GPU limit ${limit} is too small: this adapter has ${have}, the request needs ${need}. ` +
        'Reduce the batch size, sequence length or model width, or use a GPU with a larger limit.',
    );
  }
}

/** A feature that the code requires is missing on this adapter. */
export class GpuFeatureError extends Error {
  override readonly name = 'GpuFeatureError';
  constructor(readonly feature: string) {
    super(`GPU feature "${feature}" is required but this adapter does not offer it.`);
  }
}

/** The device was lost (driver reset, `destroy()`, tab in background for too long...). */
export class GpuDeviceLostError extends Error {
  override readonly name = 'GpuDeviceLostError';
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`The GPU device was lost (${reason}): ${detail || 'no detail given'}. Request a new device and resume from the last checkpoint.`);
  }
}

/** A validation, out-of-memory or internal error reported by the WebGPU implementation. */
export class GpuValidationError extends Error {
  override readonly name = 'GpuValidationError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`WebGPU ${kind} error: ${message}`);
  }
}

/** A buffer handle used after `free()`, freed twice, or handed to a backend that does not own it. */
export class GpuBufferStateError extends Error {
  override readonly name = 'GpuBufferStateError';
  constructor(
    readonly op: string,
    readonly bufferLabel: string,
    readonly problem: 'used after free' | 'freed twice (double free)' | 'not owned by this WebGPU backend',
  ) {
    super(`${op}: buffer "${bufferLabel}" ${problem}`);
  }
}
