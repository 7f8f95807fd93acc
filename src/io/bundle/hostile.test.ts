/**
 * Hostile imports of realistic size (megabytes in, gigabytes claimed): each class is refused
 * with an `ImportError` naming the budget of src/io/importLimits.ts it passed, within a time
 * and a memory bound. Memory is the growth of the process's peak resident set (maxRSS) plus the
 * heap and array buffers still held: a reader that materialises a gigabyte shows here. The
 * bounds are loose (a loaded 2-core machine); the readers these tests replaced took seconds
 * and gigabytes on the same inputs. Measured values are logged for docs/imports.md.
 */
import { describe, expect, it } from 'vitest';
import { ImportError } from '../errors';
import { DEFAULT_LIMITS, ImportBudget } from '../importLimits';
import { readSafetensors } from '../safetensors';
import { randomWeights } from '../testing/random';
import { parameterShapes } from '../onnx/config';
import { importRun, readBundle, writeBundle } from './index';
import { boundedCsv, parseMetrics } from './metrics';
import { deflateChunks, deflatedEntry, rawEntriesOf, rawZip } from './testing/rawZip';
import { sampleMetrics, tinyRunConfig } from './testing/fixtures';

const MiB = 1024 * 1024;
const config = tinyRunConfig({ layers: 1, dModel: 4, ffn: 4 });
const bundle = writeBundle({ config, weights: randomWeights(parameterShapes(config)), metrics: sampleMetrics(3) });
const enc = new TextEncoder();

interface Measured {
  error: unknown;
  ms: number;
  /** Growth of the process's peak RSS during the call, MiB. */
  peakMiB: number;
  /** Heap + array buffers still held right after the call, MiB (garbage not yet collected counts). */
  heldMiB: number;
}

function measure(label: string, read: () => unknown): Measured {
  const held = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const peak0 = process.resourceUsage().maxRSS * 1024;
  const held0 = held();
  const t0 = performance.now();
  let error: unknown = null;
  try {
    read();
  } catch (err) {
    error = err;
  }
  const out = {
    error,
    ms: performance.now() - t0,
    peakMiB: (process.resourceUsage().maxRSS * 1024 - peak0) / MiB,
    heldMiB: (held() - held0) / MiB,
  };
  console.log(`hostile ${label}: ${out.ms.toFixed(0)} ms, peak +${out.peakMiB.toFixed(1)} MiB, held +${out.heldMiB.toFixed(1)} MiB`);
  return out;
}

/** The call was refused for passing `limit`, within `ms` and `mib`. */
function expectLimit(m: Measured, limit: string, bounds: { ms: number; mib: number }): ImportError {
  if (!(m.error instanceof ImportError)) throw new Error(`expected an ImportError naming ${limit}, got ${String(m.error)}`);
  expect(m.error.code).toBe('limit');
  expect(m.error.breach?.limit).toBe(limit);
  expect(m.error.breach!.seen).toBeGreaterThan(m.error.breach!.allowed);
  expect(m.error.message).toContain(limit);
  expect(m.ms).toBeLessThan(bounds.ms);
  expect(m.peakMiB).toBeLessThan(bounds.mib);
  expect(m.heldMiB).toBeLessThan(bounds.mib);
  return m.error;
}

/** A bundle whose metrics.csv is `rows` of `line` (after `header`), deflated in a stream. */
function bundleWithMetrics(header: string, line: string, rows: number): Uint8Array {
  const head = enc.encode(header);
  const body = enc.encode(line.repeat(Math.max(1, Math.floor(MiB / line.length))));
  const times = Math.ceil(rows / Math.max(1, Math.floor(MiB / line.length)));
  const stream = deflateChunks([head, ...Array.from({ length: times }, () => body)], 1);
  return rawZip(rawEntriesOf(bundle, [{ name: 'metrics.csv', method: 8, data: stream.data, size: stream.size, crc: stream.crc }]));
}

describe('hostile imports are bounded in memory and time', { timeout: 300_000 }, () => {
  it('a metrics.csv of millions of 2-byte rows is refused by its row count before anything is allocated for it', () => {
    const zip = bundleWithMetrics('step\n', '1\n', 8_000_000);
    expect(zip.length).toBeLessThan(200 * 1024); // tens of KB that claim 8 million rows
    const m = measure('tiny rows (8M rows, 16 MiB inflated)', () => readBundle(zip));
    const err = expectLimit(m, 'maxMetricsRows', { ms: 30_000, mib: 200 });
    expect(err.breach!.allowed).toBe(DEFAULT_LIMITS.maxMetricsRows);
  });

  it('one very long metrics line is refused by its length, and a header of a thousand columns by its width', () => {
    const long = bundleWithMetrics('step,loss\n', '1'.repeat(MiB), 8);
    expectLimit(
      measure('long line (8 MiB)', () => readBundle(long)),
      'maxMetricsLineBytes',
      { ms: 30_000, mib: 200 },
    );
    const wide = parseMetricsOf(`${'step,'.repeat(1000)}loss\n1\n`);
    expectLimit(wide, 'maxMetricsColumns', { ms: 30_000, mib: 200 });
  });

  it('a zip entry that declares 1000 bytes but inflates to 256 MiB stops inflating at its declaration', () => {
    const stream = deflateChunks([new Uint8Array(MiB)], 256, false);
    expect(stream.data.length).toBeLessThan(MiB);
    const zip = rawZip(rawEntriesOf(bundle, [{ name: 'metrics.csv', method: 8, data: stream.data, size: 1000, crc: 0 }]));
    const m = measure('lying zip entry (declares 1000 B, inflates 256 MiB)', () => readBundle(zip));
    expect(m.error).toBeInstanceOf(ImportError);
    expect((m.error as ImportError).message).toMatch(/metrics\.csv inflates past its declared 1000 bytes/);
    expect(m.ms).toBeLessThan(30_000);
    expect(m.peakMiB).toBeLessThan(100);
  });

  it('a safetensors header of ~1.6 million tiny entries just under the header limit stops at the entry budget', () => {
    const file = tinyEntriesFile(99_000_000);
    const m = measure('tiny tensor entries (99 MB header)', () => readSafetensors(file, { maxHeaderBytes: 100_000_000 }));
    expectLimit(m, 'maxHeaderEntries', { ms: 30_000, mib: 200 });
    // The same as a bare weights file given to the page: the bundle budget refuses its header at once.
    const bare = tinyEntriesFile(DEFAULT_LIMITS.maxHeaderBytes - 64);
    expectLimit(
      measure('tiny tensor entries (16 MiB header, bare weights file)', () => importRun(bare, JSON.stringify(config))),
      'maxHeaderEntries',
      { ms: 30_000, mib: 200 },
    );
  });

  it('a metrics.csv too large for one string is refused by its size, never with a raw RangeError', () => {
    // 640 MiB declared: more characters than V8 allows in one string (2^29 - 24). The declaration
    // is refused before a byte is inflated, so the data need only be long enough for deflate's 1032:1.
    const zip = rawZip(
      rawEntriesOf(bundle, [{ name: 'metrics.csv', method: 8, data: new Uint8Array(700 * 1024), size: 640 * MiB, crc: 0 }]),
    );
    const m = measure('metrics over the string limit (640 MiB declared)', () => readBundle(zip));
    expectLimit(m, 'maxMetricsBytes', { ms: 30_000, mib: 100 });
    // The text handed on to the trainer is built under the same budget.
    const many = parseMetrics(enc.encode(`step,loss\n${'1,2\n'.repeat(200_000)}`)).metrics;
    const over = measure('metrics text rebuilt over its budget', () => boundedCsv(many, 1 * MiB));
    expectLimit(over, 'maxMetricsBytes', { ms: 30_000, mib: 100 });
  });

  it('an import that runs past its time is stopped between chunks', () => {
    let t = 0;
    const budget = new ImportBudget({ maxCpuMs: 50 }, { now: () => t++ });
    const zip = bundleWithMetrics('step,loss\n', '1,2\n', 1_000_000);
    expectLimit(
      measure('deadline', () => readBundle(zip, { budget })),
      'maxCpuMs',
      { ms: 30_000, mib: 200 },
    );
  });
});

function parseMetricsOf(text: string): Measured {
  const bytes = enc.encode(text);
  return measure(`metrics of ${bytes.length} bytes`, () => parseMetrics(bytes));
}

/** A safetensors file whose header is `bytes` long, made of zero-size F32 tensors (each one valid). */
function tinyEntriesFile(bytes: number): Uint8Array {
  const parts: string[] = [];
  let length = 2;
  for (let i = 0; ; i++) {
    const entry = `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`;
    if (length + entry.length + 1 > bytes) break;
    parts.push(entry);
    length += entry.length + 1;
  }
  const header = enc.encode(`{${parts.join(',')}}`.padEnd(bytes, ' '));
  const out = new Uint8Array(8 + header.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

// Keep the honest-entry helper exercised: a rebuilt bundle reads like the original.
describe('the raw zip helper', () => {
  it('builds an archive the reader accepts when nothing lies', () => {
    const zip = rawZip(rawEntriesOf(bundle).map((e) => (e.name === 'metrics.csv' ? deflatedEntry(e.name, enc.encode('step\n1\n')) : e)));
    expect(readBundle(zip).metrics?.length).toBe(1);
  });
});
