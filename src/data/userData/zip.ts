/**
 * Reading a zip of images within bounds: the entry count, each file's declared size and the
 * sum of declared sizes are checked from the central directory before anything is inflated
 * (a zip bomb is refused before it expands), and fflate inflates each file into a buffer of
 * exactly its declared size, so a file that lies about its size cannot grow past it.
 */
import { unzipSync } from 'fflate';
import { bytesText, UserDataError, type UserDataLimits } from './limits';

export function readZip(zip: Uint8Array, limits: UserDataLimits, name = 'the zip'): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let refusal: UserDataError | null = null;
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(zip, {
      filter(file) {
        if (refusal) return false;
        entries++;
        if (entries > limits.maxZipEntries)
          refusal = new UserDataError('maxZipEntries', `${name} has more than ${limits.maxZipEntries} entries (maxZipEntries).`);
        total += file.originalSize;
        if (total > limits.maxUnzippedBytes) {
          refusal = new UserDataError(
            'maxUnzippedBytes',
            `${name} would expand to more than ${bytesText(limits.maxUnzippedBytes)} (maxUnzippedBytes; ${file.name} alone declares ${bytesText(file.originalSize)}).`,
          );
        }
        return !refusal && !file.name.endsWith('/');
      },
    });
  } catch (e) {
    if (refusal) throw refusal;
    throw new UserDataError('format', `${name} is not a readable zip: ${(e as Error).message}.`);
  }
  if (refusal) throw refusal;
  return new Map(Object.entries(out));
}
