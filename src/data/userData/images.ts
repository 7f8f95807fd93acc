/**
 * Images as pixel sequences, like the LRA Image task: grey level (ITU-R 601 luma, what
 * `tf.image.rgb_to_grayscale` uses), area-averaged to side × side, read row by row,
 * token = pixel + 1. Decoding is the browser's (createImageBitmap in the worker); here are the
 * parts that need no decoder: the dimensions from the file header (so a huge image is refused
 * before it is decoded), the class from the folder, and RGBA → grey pixels.
 */
import { UserDataError, type UserDataLimits } from './limits';

export type ImageType = 'png' | 'jpeg';

/** The type and dimensions of a PNG or JPEG from its header, or null when it is neither. */
export function imageDimensions(b: Uint8Array): { type: ImageType; width: number; height: number } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (
    b.length >= 24 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    String.fromCharCode(...b.subarray(12, 16)) === 'IHDR'
  ) {
    return { type: 'png', width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the JPEG markers to the first start-of-frame (SOF0–SOF15 except DHT, JPG, DAC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = v.getUint16(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'jpeg', height: v.getUint16(i + 5), width: v.getUint16(i + 7) };
      }
      if (len < 2) return null;
      i += 2 + len;
    }
  }
  return null;
}

/** Refuses an image whose header dimensions are over the limits (before any decoding). */
export function checkImage(path: string, b: Uint8Array, limits: UserDataLimits): { type: ImageType; width: number; height: number } {
  const dims = imageDimensions(b);
  if (!dims) throw new UserDataError('format', `${path} is not a PNG or JPEG image (its first bytes are not a PNG or JPEG header).`);
  const { width, height } = dims;
  if (width < 1 || height < 1) throw new UserDataError('format', `${path} says it is ${width}×${height} pixels.`);
  if (width > limits.maxImageSide || height > limits.maxImageSide || width * height > limits.maxImagePixels) {
    throw new UserDataError(
      'maxImageSide',
      `${path} is ${width}×${height} pixels; images may be at most ${limits.maxImageSide} pixels on a side and ${limits.maxImagePixels} pixels in all (maxImageSide, maxImagePixels).`,
    );
  }
  return dims;
}

/** RGBA pixels (width × height × 4) → side × side grey bytes, each the mean over its area (box filter). */
export function greyPixels(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, side: number): Uint8Array {
  if (rgba.length !== width * height * 4) throw new Error(`greyPixels: ${rgba.length} bytes for ${width}×${height} RGBA`);
  const luma = new Float64Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    const a = rgba[4 * i + 3] / 255; // transparent pixels are taken over white, as a browser shows them
    const mix = (c: number) => c * a + 255 * (1 - a);
    luma[i] = 0.2989 * mix(rgba[4 * i]) + 0.587 * mix(rgba[4 * i + 1]) + 0.114 * mix(rgba[4 * i + 2]);
  }
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    const y0 = (y * height) / side;
    const y1 = ((y + 1) * height) / side;
    for (let x = 0; x < side; x++) {
      const x0 = (x * width) / side;
      const x1 = ((x + 1) * width) / side;
      let sum = 0;
      let area = 0;
      for (let py = Math.floor(y0); py < Math.ceil(y1); py++) {
        const wy = Math.min(py + 1, y1) - Math.max(py, y0);
        for (let px = Math.floor(x0); px < Math.ceil(x1); px++) {
          const w = wy * (Math.min(px + 1, x1) - Math.max(px, x0));
          sum += w * luma[py * width + px];
          area += w;
        }
      }
      out[y * side + x] = Math.min(255, Math.round(sum / area));
    }
  }
  return out;
}

/**
 * The class of each image path of a zip: the name of the folder that holds it. All images must
 * sit one folder deep, below an optional single top folder (`digits/3/a.png` or `3/a.png`).
 * Hidden files and macOS `__MACOSX/` entries are skipped; other non-image files are refused.
 */
export function imageFolderLabels(paths: string[]): { path: string; label: string }[] {
  const files = paths.filter((p) => !p.endsWith('/') && !p.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'));
  if (files.length === 0)
    throw new UserDataError('empty', 'the zip holds no files: put images in one folder per class (cat/1.png, dog/2.jpg, …).');
  const parts = files.map((p) => p.split('/'));
  const top = parts[0][0];
  const stripTop = parts.every((s) => s.length === 3 && s[0] === top);
  return parts.map((s, i) => {
    const rest = stripTop ? s.slice(1) : s;
    if (rest.length !== 2) {
      throw new UserDataError(
        'format',
        `${files[i]} is not one folder deep: put each image in a folder named after its class (cat/1.png), all at the same depth.`,
      );
    }
    if (!/\.(png|jpe?g)$/i.test(rest[1])) throw new UserDataError('format', `${files[i]} is not a .png, .jpg or .jpeg file.`);
    return { path: files[i], label: rest[0] };
  });
}
