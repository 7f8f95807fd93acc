/**
 * `npm run train` across runs (CPU backend, a few steps): `--resume` with `--lr` trains on with
 * the new rate and records it in config.json and metrics.csv; a temporary file left by a killed
 * write is removed on the next start; a bad run id is refused before anything is written.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'train-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const train = (args: string[]) => promisify(execFile)('scripts/run-ts.sh', ['scripts/train.ts', ...args], { maxBuffer: 1 << 24 });
const tiny = ['--preset', 'quick-listops-proxy', '--backend', 'cpu', '--warmupSteps', '2', '--evalEvery', '4', '--evalSteps', '1'];
const small = ['--batchSize', '2', '--checkpointEvery', '4'];

it('resumes with a lower learning rate, records it, and removes temporary files of killed writes', async () => {
  const out = join(root, 'runs');
  await train([...tiny, ...small, '--steps', '8', '--lr', '0.002', '--out', out, '--run-id', 'r']);
  writeFileSync(join(out, 'r', 'latest.safetensors.tmp-4242'), 'half a checkpoint');
  const { stdout } = await train([...tiny, ...small, '--steps', '12', '--lr', '0.0005', '--out', out, '--run-id', 'r', '--resume']);
  expect(stdout).toMatch(/removed r\/latest\.safetensors\.tmp-4242: a temporary file left by a killed write/);
  expect(readdirSync(join(out, 'r')).filter((f) => f.includes('.tmp'))).toEqual([]);
  const config = JSON.parse(readFileSync(join(out, 'r', 'config.json'), 'utf8'));
  expect([config.lr, config.steps]).toEqual([0.0005, 12]);
  const [header, ...lines] = readFileSync(join(out, 'r', 'metrics.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = header.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  const marks = rows.filter((r) => r.resumeLr !== '');
  expect(marks.map((r) => [r.step, Number(r.resumeLr)])).toEqual([['8', 0.0005]]);
  expect(rows.filter((r) => r.loss !== '').map((r) => Number(r.step))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(stdout).toMatch(/finished: test accuracy [\d.]+% \(best validation checkpoint\)/);
}, 300_000);

it('refuses a run id that would leave --out before writing anything', async () => {
  const out = join(root, 'guarded');
  mkdirSync(out);
  const escaped = join(root, 'escaped');
  const failed = await train([...tiny, '--steps', '4', '--out', out, '--run-id', '../escaped']).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(failed?.code).toBe(2);
  expect(failed?.stderr).toMatch(/--run-id: run id "\.\.\/escaped" is not allowed/);
  expect(existsSync(escaped)).toBe(false);
  expect(readdirSync(out)).toEqual([]);
}, 120_000);
