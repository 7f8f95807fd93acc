import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SPLITS } from '../task';
import {
  checkImage,
  datasetId,
  decodeDataset,
  DEFAULT_LIMITS,
  encodeDataset,
  examplesFromTable,
  firstInvalidUtf8,
  greyPixels,
  imageDimensions,
  imageFolderLabels,
  importTextFile,
  inputHash,
  labelClasses,
  parseDelimited,
  parseJsonLines,
  prepareDataset,
  readImageZip,
  readTable,
  readZip,
  UserDataError,
  UserDataTask,
  type RawExample,
  type UserDataLimits,
} from './index';

const enc = new TextEncoder();
const L = (over: Partial<UserDataLimits> = {}): UserDataLimits => ({ ...DEFAULT_LIMITS, ...over });
const OPTS = { kind: 'text' as const, seqLen: 64, splitSeed: 0, validationPercent: 10, testPercent: 10 };

function refused(f: () => unknown, limit: string, text: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserDataError);
    expect((e as UserDataError).limit).toBe(limit);
    expect((e as Error).message).toMatch(text);
    return;
  }
  throw new Error('not refused');
}

/** A learnable CSV: label 1 when the text holds "zebra". */
function keywordCsv(rows: number): string {
  const words = ['apple', 'river', 'stone', 'cloud', 'paper', 'green', 'quiet', 'north'];
  let s = 'id,text,label\n';
  for (let i = 0; i < rows; i++) {
    const w = Array.from({ length: 6 }, (_, k) => words[(i * 7 + k * 3 + (i >> 3)) % words.length]);
    const pos = i % 2 === 0;
    if (pos) w[(i >> 1) % 6] = 'zebra';
    s += `${i},"${w.join(' ')}, no. ${i}",${pos ? 'yes' : 'no'}\n`;
  }
  return s;
}

describe('UTF-8', () => {
  it('finds the offset of the first bad byte, accepts well-formed text', () => {
    expect(firstInvalidUtf8(enc.encode('héllo wörld 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe9, 0x63]))).toBe(2); // Latin-1 é
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(1); // truncated at the end
  });
  it('a text file with bad UTF-8 is refused with the byte offset', () => {
    const bytes = new Uint8Array([...enc.encode('text,label\nabc'), 0xff, ...enc.encode(',1\n')]);
    refused(() => readTable('x.csv', bytes, L()), 'encoding', /byte offset 14/);
  });
});

describe('CSV, TSV and JSON Lines', () => {
  it('CSV quoting: delimiters, newlines and doubled quotes inside quotes; CRLF; BOM', () => {
    const t = readTable('a.csv', enc.encode('\uFEFFtext,label\r\n"a, ""b""\nc",1\r\nplain,0\r\n'), L());
    expect(t.header).toEqual(['text', 'label']);
    expect(t.rows).toEqual([
      ['a, "b"\nc', '1'],
      ['plain', '0'],
    ]);
  });
  it('TSV by extension', () => {
    expect(readTable('a.tsv', enc.encode('label\ttext\nx\ta,b\n'), L()).rows).toEqual([['x', 'a,b']]);
  });
  it('JSON Lines: keys in order of appearance, numbers as text', () => {
    const t = parseJsonLines('{"text":"hi","label":1}\n\n{"label":"b","text":"yo","extra":true}\n', L());
    expect(t.header).toEqual(['text', 'label', 'extra']);
    expect(t.rows).toEqual([
      ['hi', '1', ''],
      ['yo', 'b', 'true'],
    ]);
    refused(() => parseJsonLines('{"text":"a"}\n[1]\n', L()), 'format', /line 2 must be a JSON object/);
    refused(() => parseJsonLines('{"text":"a"\n', L()), 'format', /line 1 is not valid JSON/);
  });
  it('refuses rows with the wrong number of fields and unclosed quotes', () => {
    refused(() => parseDelimited('a,b\n1,2,3\n', ',', L()), 'columns', /data row 1 has 3 fields but the header has 2/);
    refused(() => parseDelimited('a,b\n"1,2\n', ',', L()), 'format', /never closed/);
  });
  it('bounds: file size, rows, line length, columns', () => {
    refused(() => readTable('big.csv', new Uint8Array(2000), L({ maxFileBytes: 1000 })), 'maxFileBytes', /at most 1000 bytes/);
    refused(() => parseDelimited('t,l\n' + 'a,1\n'.repeat(11), ',', L({ maxRows: 10 })), 'maxRows', /more than 10 rows/);
    refused(() => parseJsonLines('{"t":1}\n'.repeat(11), L({ maxRows: 10 })), 'maxRows', /more than 10 lines/);
    refused(
      () => parseDelimited(`t,l\n${'x'.repeat(500)},1\n`, ',', L({ maxLineChars: 100 })),
      'maxLineChars',
      /line 2 is longer than 100/,
    );
    refused(() => parseDelimited(`t,l\n"${'x'.repeat(500)}`, ',', L({ maxLineChars: 100 })), 'maxLineChars', /unclosed quote/);
    refused(() => parseJsonLines(`{"t":"${'x'.repeat(500)}"}`, L({ maxLineChars: 100 })), 'maxLineChars', /line 1 is 508 characters/);
    refused(
      () => parseDelimited(Array.from({ length: 20 }, (_, i) => `c${i}`).join(',') + '\n', ',', L({ maxColumns: 10 })),
      'maxColumns',
      /more than 10 columns/,
    );
  });
});

describe('columns and labels', () => {
  const table = parseDelimited('id,text,label,other\n1,hello,b,x\n2,world,a,y\n', ',', L());
  it('takes `text` and `label` by default, any chosen columns otherwise', () => {
    const ex = examplesFromTable(table, 'text', { text: 'text', label: 'label' }, L());
    expect(new TextDecoder().decode(ex[0].inputs[0])).toBe('hello');
    expect(ex.map((e) => e.label)).toEqual(['b', 'a']);
    const other = examplesFromTable(table, 'text', { text: 'other', label: 'id' }, L());
    expect(other.map((e) => e.label)).toEqual(['1', '2']);
  });
  it('a missing column is named with the columns that exist', () => {
    refused(
      () => examplesFromTable(table, 'text', { text: 'body', label: 'label' }, L()),
      'columns',
      /no column "body" for the text; its columns are "id", "text", "label", "other"/,
    );
    refused(
      () => examplesFromTable(table, 'pairs', { text: 'text', text2: 'text2', label: 'label' }, L()),
      'columns',
      /"text2" for the second text/,
    );
  });
  it('classes sorted numerically when every label is a number, else by code point; bounded', () => {
    expect(labelClasses(['10', '2', '1', '2'], L())).toEqual(['1', '2', '10']);
    expect(labelClasses(['neg', 'pos', 'Neutral'], L())).toEqual(['Neutral', 'neg', 'pos']);
    refused(() => labelClasses(['a', 'a'], L()), 'labels', /only one label/);
    refused(() => labelClasses(['a', 'b', 'c'], L({ maxClasses: 2 })), 'maxClasses', /more than 2 distinct labels/);
  });
});

describe('preparation: truncation, de-duplication, seeded disjoint splits', () => {
  const ds = importTextFile('keyword.csv', enc.encode(keywordCsv(400)), OPTS, L());
  it('keeps the class mapping and sizes; splits cover every example exactly once', () => {
    expect(ds.header.classes).toEqual(['no', 'yes']);
    expect(ds.header.name).toBe('keyword');
    const { train, validation, test } = ds.header.sizes;
    expect(train + validation + test).toBe(ds.header.count);
    expect(ds.header.count).toBe(400);
    expect(validation).toBeGreaterThan(20);
    expect(test).toBeGreaterThan(20);
    expect(train).toBeGreaterThan(280);
  });
  it('duplicates after truncation are dropped and conflicting labels counted; no input is in two splits', () => {
    const raw: RawExample[] = [];
    for (let i = 0; i < 300; i++) raw.push({ inputs: [enc.encode(`example ${i} ${'-'.repeat(40)}`)], label: String(i % 3) });
    raw.push({ inputs: [enc.encode('example 5 ' + '-'.repeat(40))], label: '0' }); // exact duplicate, other label (5 % 3 = 2)
    raw.push({ inputs: [enc.encode('example 7 ' + '-'.repeat(60))], label: '1' }); // equal once cut to 20 bytes
    const d = prepareDataset(raw, { ...OPTS, name: 'dups', seqLen: 20 }, L());
    // Cut to 20 bytes, "example 1x -…" collide for each tens digit: many duplicates.
    expect(d.header.dropped.duplicates).toBeGreaterThan(0);
    expect(d.header.truncated).toBe(302);
    const seen = new Map<number, number>();
    for (let i = 0; i < d.header.count; i++) {
      const h = inputHash([d.bytes[0].subarray(d.offsets[0][i], d.offsets[0][i + 1])]);
      expect(seen.has(h)).toBe(false);
      seen.set(h, d.split[i]);
    }
    const full = prepareDataset(raw, { ...OPTS, name: 'dups', seqLen: 64 }, L());
    expect(full.header.dropped).toEqual({ duplicates: 1, conflicting: 1 });
    expect(full.header.count).toBe(301);
  });
  it('the split seed changes membership, the row order does not', () => {
    const raw = examplesFromTable(parseDelimited(keywordCsv(200), ',', L()), 'text', { text: 'text', label: 'label' }, L());
    const a = prepareDataset(raw, { ...OPTS, name: 'a' }, L());
    const b = prepareDataset([...raw].reverse(), { ...OPTS, name: 'a' }, L());
    const c = prepareDataset(raw, { ...OPTS, name: 'a', splitSeed: 1 }, L());
    const members = (d: typeof a) => {
      const out = new Map<string, number>();
      for (let i = 0; i < d.header.count; i++)
        out.set(new TextDecoder().decode(d.bytes[0].subarray(d.offsets[0][i], d.offsets[0][i + 1])), d.split[i]);
      return out;
    };
    const ma = members(a);
    const mb = members(b);
    for (const [k, v] of ma) expect(mb.get(k)).toBe(v);
    const mc = members(c);
    expect([...ma].filter(([k, v]) => mc.get(k) !== v).length).toBeGreaterThan(10);
  });
  it('an empty split is refused with the numbers', () => {
    const raw: RawExample[] = [
      { inputs: [enc.encode('a')], label: 'x' },
      { inputs: [enc.encode('b')], label: 'y' },
    ];
    refused(() => prepareDataset(raw, { ...OPTS, name: 'tiny' }, L()), 'empty', /split is empty \(2 distinct examples/);
  });
});

describe('the prepared file', () => {
  const ds = importTextFile(
    'pairs.jsonl',
    enc.encode(Array.from({ length: 120 }, (_, i) => JSON.stringify({ text1: `q${i}`, text2: `d${i % 7} ünï`, label: i % 2 })).join('\n')),
    { ...OPTS, kind: 'pairs' },
    L(),
  );
  it('round-trips, and its id is the SHA-256 prefix of its bytes', async () => {
    const file = encodeDataset(ds);
    const back = decodeDataset(file);
    expect(back.header).toEqual(ds.header);
    expect(back.labels).toEqual(ds.labels);
    expect(back.split).toEqual(ds.split);
    expect(back.offsets).toEqual(ds.offsets);
    expect(back.bytes).toEqual(ds.bytes);
    const id = await datasetId(file);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const { createHash } = await import('node:crypto');
    expect(id).toBe(createHash('sha256').update(file).digest('hex').slice(0, 16));
  });
  it('refuses a corrupt file with what is wrong', () => {
    const file = encodeDataset(ds);
    const cut = file.slice(0, file.length - 3);
    refused(() => decodeDataset(cut), 'format', /section bytes1 must span/);
    const labels = file.slice();
    const hlen = Number(new DataView(file.buffer).getBigUint64(0, true));
    labels[8 + hlen] = 9; // label of example 0 → 9
    refused(() => decodeDataset(labels), 'format', /label 9 of example 0 is not below 2 classes/);
    refused(() => decodeDataset(enc.encode('not a dataset at all')), 'format', /header length/);
  });
});

describe('the task', () => {
  const ds = importTextFile('keyword.csv', enc.encode(keywordCsv(200)), OPTS, L());
  it('gives byte + 1 tokens, padded batches, class balance, and a seeded order per split', () => {
    const t = new UserDataTask(ds, 32, 3);
    expect(t.name).toBe('custom');
    expect(t.numClasses).toBe(2);
    expect(t.twoTower).toBe(false);
    expect(t.splitSizes).toEqual(ds.header.sizes);
    const ex = t.example('train', 0);
    expect(ex.tokens.length).toBeLessThanOrEqual(32);
    expect(Math.min(...ex.tokens)).toBeGreaterThanOrEqual(1);
    const text = String.fromCharCode(...Array.from(ex.tokens, (x) => x - 1));
    expect(ds.header.classes[ex.label]).toBe(text.includes('zebra') ? 'yes' : 'no');
    const b = t.batch('validation', 0, 4);
    expect(b.tokens.length).toBe(4 * 32);
    let balance = 0;
    for (const s of SPLITS) balance += t.classBalance(s).measured;
    expect(balance).toBe(ds.header.count);
    const other = new UserDataTask(ds, 32, 4);
    expect(Array.from({ length: 10 }, (_, i) => other.itemOf('train', i))).not.toEqual(
      Array.from({ length: 10 }, (_, i) => t.itemOf('train', i)),
    );
  });
});

describe('images', () => {
  function png(width: number, height: number): Uint8Array {
    const b = new Uint8Array(33);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const v = new DataView(b.buffer);
    v.setUint32(16, width);
    v.setUint32(20, height);
    return b;
  }
  function jpeg(width: number, height: number): Uint8Array {
    return new Uint8Array([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0,
      4,
      0,
      0,
      0xff,
      0xc0,
      0,
      11,
      8,
      height >> 8,
      height & 255,
      width >> 8,
      width & 255,
      1,
      1,
      0x11,
      0,
    ]);
  }
  it('reads PNG and JPEG dimensions from the header and refuses huge ones before decoding', () => {
    expect(imageDimensions(png(640, 480))).toEqual({ type: 'png', width: 640, height: 480 });
    expect(imageDimensions(jpeg(300, 200))).toEqual({ type: 'jpeg', width: 300, height: 200 });
    expect(imageDimensions(enc.encode('GIF89a........'))).toBeNull();
    refused(() => checkImage('a/big.png', png(100000, 100000), L()), 'maxImageSide', /a\/big.png is 100000×100000 pixels/);
    refused(() => checkImage('a/x.png', enc.encode('nope, not an image'), L()), 'format', /not a PNG or JPEG/);
  });
  it('grey pixels: luma, transparency over white, area averaging', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0]);
    expect(Array.from(greyPixels(rgba, 2, 2, 2))).toEqual([76, 150, 29, 255]);
    // (0.2989 + 0.587 + 0.114) · 255 + 255 (transparent = white), over 4 pixels: 127.49.
    expect(Array.from(greyPixels(rgba, 2, 2, 1))).toEqual([127]);
    const big = new Uint8Array(3 * 3 * 4).fill(255);
    expect(Array.from(greyPixels(big, 3, 3, 2))).toEqual([255, 255, 255, 255]);
  });
  it('one folder per class, an optional top folder, hidden and __MACOSX entries skipped', () => {
    expect(imageFolderLabels(['cats/1.png', 'dogs/2.JPG', '.DS_Store', '__MACOSX/cats/._1.png', 'dogs/'])).toEqual([
      { path: 'cats/1.png', label: 'cats' },
      { path: 'dogs/2.JPG', label: 'dogs' },
    ]);
    expect(imageFolderLabels(['pets/cats/1.png', 'pets/dogs/2.png']).map((x) => x.label)).toEqual(['cats', 'dogs']);
    refused(() => imageFolderLabels(['1.png']), 'format', /not one folder deep/);
    refused(() => imageFolderLabels(['cats/notes.txt']), 'format', /not a .png/);
  });
  it('a zip bomb is refused from its declared sizes, before it expands', () => {
    const bomb = zipSync({ 'a/zeros.png': new Uint8Array(4 << 20) }, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    refused(() => readZip(bomb, L({ maxUnzippedBytes: 1 << 20 })), 'maxUnzippedBytes', /would expand to more than 1.0 MiB/);
    // A file that declares 100 bytes but inflates to 8 MiB is cut at its declared size.
    const liar = zipSync({ 'a/x.png': new Uint8Array(8 << 20) }, { level: 9 });
    const v = new DataView(liar.buffer);
    for (let i = 0; i + 4 <= liar.length; i++) {
      if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 24, 100, true); // central directory: uncompressed size
      if (v.getUint32(i, true) === 0x04034b50) v.setUint32(i + 22, 100, true); // local header
    }
    expect(readZip(liar, L({ maxUnzippedBytes: 1 << 20 })).get('a/x.png')!.length).toBe(100);
    refused(
      () =>
        readZip(
          zipSync(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`a/${i}.png`, new Uint8Array(1)]))),
          L({ maxZipEntries: 10 }),
        ),
      'maxZipEntries',
      /more than 10 entries/,
    );
  });
  it('a zip of images becomes grey pixel examples with folder labels, through any decoder', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) files[`${i % 2 ? 'light' : 'dark'}/${i}.png`] = png(4, 4 + i); // distinct headers
    const decoded: string[] = [];
    const raw = await readImageZip(
      'shapes.zip',
      zipSync(files),
      2,
      async (bytes, type) => {
        decoded.push(type);
        const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(20);
        const i = h - 4;
        const rgba = new Uint8Array(4 * h * 4).fill((i % 2 ? 128 : 0) + i);
        for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
        return { rgba, width: 4, height: h };
      },
      L(),
    );
    expect(decoded.length).toBe(40);
    expect(raw.filter((r) => r.label === 'light').every((r) => r.inputs[0].length === 4 && r.inputs[0].every((p) => p >= 128))).toBe(true);
    expect(raw.filter((r) => r.label === 'dark').every((r) => r.inputs[0].every((p) => p < 128))).toBe(true);
    const d = prepareDataset(
      [...raw, ...raw.slice(0, 3)],
      { ...OPTS, kind: 'image', name: 'shapes', seqLen: 4, imageSide: 2, validationPercent: 20, testPercent: 20 },
      L(),
    );
    expect(d.header.classes).toEqual(['dark', 'light']);
    expect(d.header.dropped.duplicates).toBe(3);
    await expect(
      readImageZip(
        'h.zip',
        zipSync({ 'a/1.png': png(5000, 5000) }),
        8,
        async () => {
          throw new Error('decoded');
        },
        L(),
      ),
    ).rejects.toThrow(/5000×5000/);
  });
});
