/** Command-line options of `scripts/bench.ts` (parsed without a library; every bad value is named). */
import { budgetOverrides, MODES, VARIANTS, type Mode, type SweepOptions, type Variant } from '../../src/bench/sweep';

export interface BenchArgs {
  sweep: Omit<SweepOptions, 'limits'>;
  /** Results folder root (default `results`). */
  outRoot: string;
  /** Folder name under outRoot; default `<date>-<adapter>`. */
  outName?: string;
  /** Peers to run: `tfjs` (training step with @tensorflow/tfjs-backend-webgpu). */
  peers: string[];
  /** Peers run only up to this length (they can be far slower than ours; default: every length). */
  peerMaxLength: number;
}

const USAGE = `usage: bench.ts [--batch 32] [--lengths 256,512,1024,2048,4096,8192] [--variants ${VARIANTS.join(',')}]
  [--modes train,inference] [--warmup 2] [--repeats 5] [--landmarks 128] [--conv 35] [--no-shrink]
  [--peers tfjs|none] [--peer-max-length N] [--out results] [--name <folder>]
  --landmarks sets the projection budget of every variant that has one: m, Linformer's k and Performer's features.`;

function list(value: string, name: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} needs a comma-separated list, got "${value}"\n${USAGE}`);
  return items;
}

function int(value: string, name: string, min: number): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${value}"\n${USAGE}`);
  return v;
}

/** A bad or help command line: the entry point prints the message without a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parse argv (without node and the script path). */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = {
    sweep: {
      variants: [...VARIANTS],
      lengths: [256, 512, 1024, 2048, 4096, 8192],
      batch: 32,
      warmup: 2,
      repeats: 5,
      overrides: {},
      shrinkBatch: true,
    },
    outRoot: 'results',
    peers: ['tfjs'],
    peerMaxLength: Number.MAX_SAFE_INTEGER,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--no-shrink') {
      out.sweep.shrinkBatch = false;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new UsageError(USAGE, true);
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new UsageError(`unexpected argument "${flag}"\n${USAGE}`);
    i++;
    const name = flag.slice(2);
    switch (name) {
      case 'batch':
        out.sweep.batch = int(value, name, 1);
        break;
      case 'lengths':
        out.sweep.lengths = list(value, name).map((s) => int(s, name, 2));
        break;
      case 'variants': {
        const v = list(value, name);
        for (const x of v)
          if (!VARIANTS.includes(x as Variant)) throw new UsageError(`--variants: "${x}" is not one of ${VARIANTS.join(', ')}`);
        out.sweep.variants = v as Variant[];
        break;
      }
      case 'modes': {
        const m = list(value, name);
        for (const x of m) if (!MODES.includes(x as Mode)) throw new UsageError(`--modes: "${x}" is not one of ${MODES.join(', ')}`);
        out.sweep.modes = m as Mode[];
        break;
      }
      case 'warmup':
        out.sweep.warmup = int(value, name, 0);
        break;
      case 'repeats':
        out.sweep.repeats = int(value, name, 1);
        break;
      case 'landmarks':
        out.sweep.overrides = { ...out.sweep.overrides, ...budgetOverrides(int(value, name, 1)) };
        break;
      case 'conv':
        out.sweep.overrides = { ...out.sweep.overrides, convKernel: int(value, name, 0) };
        break;
      case 'peers': {
        const p = value === 'none' ? [] : list(value, name);
        for (const x of p)
          if (x !== 'tfjs')
            throw new UsageError(
              `--peers: "${x}" is not one of tfjs, none (onnxruntime-web's WebGPU provider runs in Chromium: e2e/bench.spec.ts)`,
            );
        out.peers = p;
        break;
      }
      case 'peer-max-length':
        out.peerMaxLength = int(value, name, 2);
        break;
      case 'out':
        out.outRoot = value;
        break;
      case 'name':
        out.outName = value;
        break;
      default:
        throw new UsageError(`unknown option --${name}\n${USAGE}`);
    }
  }
  return out;
}
