/**
 * "Your data": import a CSV/TSV/JSON Lines file of texts (or text pairs) or a zip of images in
 * one folder per class, see the first examples and the class balance of each split, then
 * "Use this dataset" sets the config (task custom, the dataset's keys, a quick model sized to
 * it). Stored datasets are listed and removable; a link whose dataset is not stored here says
 * so and asks for its file. Format, limits and splits: docs/user-data.md.
 */
import { useCallback, useEffect, useState } from 'react';
import { decodeDataset, DEFAULT_LIMITS, DEFAULT_PREPARE, formatOf, type DatasetHeader } from '../../data/userData';
import { defaultConfig, encodeHash, validateConfig, type RunConfig } from '../../config';
import { quickDataConfig } from '../../presets/userData';
import { configStore, useConfig } from '../../store/configStore';
import { IndexedDbDatasetStore, type StoredDataset } from '../../train/store/datasets';
import { datasetKeys } from '../../train/userDataTask';
import { useDatasetImport } from './useDatasetImport';

const store = new IndexedDbDatasetStore();

/** Task custom with this dataset's keys and the quick model sized to it; the attention variant is kept. */
export function configForDataset(id: string, file: Uint8Array, attention: RunConfig['attention']): RunConfig {
  return validateConfig({ ...defaultConfig('custom', attention), ...quickDataConfig(decodeDataset(file).header), ...datasetKeys(id, file) })
    .config;
}

export function UserDataPanel() {
  const config = useConfig((s) => s.config);
  const [datasets, setDatasets] = useState<StoredDataset[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    store.list().then(setDatasets, (e: Error) => setListError(e.message));
  }, []);
  useEffect(refresh, [refresh]);
  const { status, start, cancel } = useDatasetImport(refresh);
  const [kind, setKind] = useState<'text' | 'pairs' | 'image'>('text');
  const [textColumn, setTextColumn] = useState('');
  const [text2Column, setText2Column] = useState('');
  const [labelColumn, setLabelColumn] = useState('');
  const [imageSide, setImageSide] = useState(28);
  const [preparedLen, setPreparedLen] = useState<number>(DEFAULT_PREPARE.seqLen);
  const [splitSeed, setSplitSeed] = useState(0);
  const [dragging, setDragging] = useState(false);

  const importFile = (file: File) => {
    let k = kind;
    try {
      if (formatOf(file.name) === 'zip') k = 'image';
      else if (k === 'image') k = 'text';
    } catch {
      // formatOf's message comes back from the worker too; let the worker say it with the rest.
    }
    setKind(k);
    const columns =
      k === 'image'
        ? undefined
        : {
            text: textColumn || (k === 'pairs' ? 'text1' : 'text'),
            text2: k === 'pairs' ? text2Column || 'text2' : undefined,
            label: labelColumn || 'label',
          };
    void start(
      file,
      {
        kind: k,
        columns,
        seqLen: preparedLen,
        imageSide,
        splitSeed,
        validationPercent: DEFAULT_PREPARE.validationPercent,
        testPercent: DEFAULT_PREPARE.testPercent,
      },
      DEFAULT_LIMITS.maxFileBytes,
    );
  };

  const [useError, setUseError] = useState<string | null>(null);
  const use = async (id: string) => {
    const file = await store.get(id);
    if (!file) {
      setUseError(`dataset ${id} is no longer stored here: import its file again.`);
      refresh();
      return;
    }
    setUseError(null);
    configStore.getState().loadHash(encodeHash(configForDataset(id, file, config.attention)));
  };

  const remove = async (id: string) => {
    await store.remove(id);
    refresh();
  };

  const missing = config.task === 'custom' && config.dataId !== '' && datasets !== null && !datasets.some((d) => d.id === config.dataId);

  return (
    <section className="panel" aria-labelledby="user-data-h" data-testid="user-data">
      <h2 id="user-data-h">Your data</h2>
      {missing && (
        <p className="notice" role="alert" data-testid="dataset-missing">
          This link trains on dataset “{config.dataName}” ({config.dataId}, {config.dataTrain}/{config.dataValidation}/{config.dataTest}{' '}
          examples), which is not stored in this browser. Import its file below (the same file and options give the same id).
        </p>
      )}
      <p className="muted">
        Texts: CSV, TSV or JSON Lines with a text and a label column (<code>text</code>, <code>label</code> by default; pairs:{' '}
        <code>text1</code>, <code>text2</code>), read as UTF-8 bytes (token = byte + 1). Images: a zip with one folder per class, read as
        grey pixels. At most {DEFAULT_LIMITS.maxFileBytes / 1048576} MiB, {DEFAULT_LIMITS.maxRows} rows; split 80/10/10 by a seeded hash,
        duplicates dropped.
      </p>
      <div className="user-data-options">
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="data-kind">
            <option value="text">text → class</option>
            <option value="pairs">text pair → class (two towers)</option>
            <option value="image">images (zip)</option>
          </select>
        </label>
        {kind !== 'image' && (
          <>
            <label>
              Text column{' '}
              <input
                value={textColumn}
                placeholder={kind === 'pairs' ? 'text1' : 'text'}
                onChange={(e) => setTextColumn(e.target.value)}
                size={8}
              />
            </label>
            {kind === 'pairs' && (
              <label>
                Second text <input value={text2Column} placeholder="text2" onChange={(e) => setText2Column(e.target.value)} size={8} />
              </label>
            )}
            <label>
              Label column <input value={labelColumn} placeholder="label" onChange={(e) => setLabelColumn(e.target.value)} size={8} />
            </label>
            <label>
              Bytes kept{' '}
              <input
                type="number"
                min={1}
                max={16384}
                value={preparedLen}
                onChange={(e) => setPreparedLen(Number(e.target.value))}
                style={{ width: '6em' }}
              />
            </label>
          </>
        )}
        {kind === 'image' && (
          <label>
            Image side{' '}
            <input
              type="number"
              min={2}
              max={128}
              value={imageSide}
              onChange={(e) => setImageSide(Number(e.target.value))}
              style={{ width: '5em' }}
            />
          </label>
        )}
        <label>
          Split seed{' '}
          <input type="number" min={0} value={splitSeed} onChange={(e) => setSplitSeed(Number(e.target.value))} style={{ width: '5em' }} />
        </label>
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for dragged files; the file picker inside it is the keyboard path */}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const f = e.dataTransfer.files[0];
          if (f) importFile(f);
        }}
      >
        Drop a file here, or{' '}
        <label className="file-pick">
          choose one{' '}
          <input
            type="file"
            data-testid="data-file"
            accept=".csv,.tsv,.tab,.jsonl,.ndjson,.zip"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) importFile(f);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      {status.state === 'running' && (
        <p className="status-line" data-testid="import-progress">
          {status.stage}… <progress max={1} value={status.fraction} />{' '}
          <button type="button" onClick={cancel} data-testid="import-cancel">
            Cancel
          </button>
        </p>
      )}
      {status.state === 'cancelled' && <p className="muted">Import cancelled.</p>}
      {status.state === 'error' && (
        <p className="msg-error" role="alert" data-testid="import-error">
          {status.message}
        </p>
      )}
      {status.state === 'done' && (
        <Preview
          id={status.id}
          header={status.header}
          preview={status.preview}
          stored={status.stored}
          storeError={status.storeError}
          onUse={() => void use(status.id)}
        />
      )}
      {useError && (
        <p className="msg-error" role="alert">
          {useError}
        </p>
      )}
      <h3>Stored datasets</h3>
      {listError && <p className="msg-error">{listError}</p>}
      {datasets?.length === 0 && <p className="muted">None yet.</p>}
      {datasets && datasets.length > 0 && (
        <ul className="dataset-list" data-testid="dataset-list">
          {datasets.map((d) => (
            <li key={d.id} data-testid={`dataset-${d.id}`}>
              <strong>{d.name}</strong> <code>{d.id}</code> — {d.kind}, {d.classes.length} classes, {d.sizes.train}/{d.sizes.validation}/
              {d.sizes.test} examples, {(d.bytes / 1024).toFixed(0)} KiB
              {config.task === 'custom' && config.dataId === d.id ? (
                <em> (in use)</em>
              ) : (
                <button type="button" onClick={() => void use(d.id)}>
                  Use
                </button>
              )}
              <button type="button" onClick={() => void remove(d.id)} aria-label={`Remove ${d.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Preview({
  id,
  header: h,
  preview,
  stored,
  storeError,
  onUse,
}: {
  id: string;
  header: DatasetHeader;
  preview: import('../../data/userData/protocol').PreviewExample[];
  stored: boolean;
  storeError?: string;
  onUse(): void;
}) {
  return (
    <div className="user-data-preview" data-testid="data-preview">
      <p>
        <strong>{h.name}</strong> <code>{id}</code>: {h.kind}, {h.count} distinct examples — train {h.sizes.train}, validation{' '}
        {h.sizes.validation}, test {h.sizes.test} ({h.dropped.duplicates} duplicates dropped
        {h.dropped.conflicting ? `, ${h.dropped.conflicting} of them with another label` : ''}; {h.truncated} inputs cut to {h.seqLen}).
      </p>
      <table className="class-balance" data-testid="class-balance">
        <thead>
          <tr>
            <th>class</th>
            <th>label</th>
            {(['train', 'validation', 'test'] as const).map((s) => (
              <th key={s}>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {h.classes.slice(0, 50).map((c, k) => (
            <tr key={c}>
              <td>{k}</td>
              <td>{c}</td>
              {(['train', 'validation', 'test'] as const).map((s) => (
                <td key={s}>
                  {h.classCounts[s][k]} ({((100 * h.classCounts[s][k]) / Math.max(1, h.sizes[s])).toFixed(1)}%)
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {h.classes.length > 50 && <p className="muted">… and {h.classes.length - 50} more classes.</p>}
      <ol className="preview-examples">
        {preview.map((ex, i) => (
          <li key={i}>
            <span className="muted">{ex.split}</span> <strong>{ex.label}</strong>:{' '}
            {ex.texts?.map((t, j) => (
              <q key={j}>{t.length > 160 ? `${t.slice(0, 160)}…` : t}</q>
            ))}
            {ex.pixels && <PixelThumb pixels={ex.pixels} side={h.imageSide ?? 1} />}
          </li>
        ))}
      </ol>
      {!stored && <p className="msg-error">Not stored ({storeError}): a reload will need the file again.</p>}
      <button type="button" onClick={onUse} disabled={!stored} data-testid="use-dataset">
        Use this dataset
      </button>
    </div>
  );
}

function PixelThumb({ pixels, side }: { pixels: number[]; side: number }) {
  return (
    <canvas
      width={side}
      height={side}
      style={{ width: 56, height: 56, imageRendering: 'pixelated', verticalAlign: 'middle' }}
      ref={(c) => {
        const ctx = c?.getContext('2d');
        if (!ctx) return;
        const img = ctx.createImageData(side, side);
        pixels.forEach((p, i) => {
          img.data.set([p, p, p, 255], 4 * i);
        });
        ctx.putImageData(img, 0, 0);
      }}
    />
  );
}
