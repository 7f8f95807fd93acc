/**
 * The command lines of the small benchmarks (bench:kernels, bench:step, bench:models,
 * bench:data): `--help` prints the usage, and a flag a benchmark does not know is refused with
 * the usage instead of being ignored (a typo must not silently run the default benchmark).
 */
export type FlagKinds = Record<string, 'value' | 'switch'>;

/** What is wrong with `argv` (a message), 'help', or null when every flag is known and complete. */
export function flagProblem(argv: readonly string[], known: FlagKinds): string | 'help' | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    const kind = known[a];
    if (kind === undefined) {
      const allowed = Object.keys(known);
      return `unknown argument "${a}"; ${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'this benchmark takes no arguments'}`;
    }
    if (kind === 'value') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) return `${a} needs a value`;
      i++;
    }
  }
  return null;
}

/** Check process.argv: print the usage and exit 0 on --help, exit 2 with the problem and the usage otherwise. */
export function checkFlags(known: FlagKinds, usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  const problem = flagProblem(argv, known);
  if (problem === null) return;
  if (problem === 'help') {
    console.log(usage);
    process.exit(0);
  }
  console.error(`${problem}\n${usage}`);
  process.exit(2);
}

/** The value after `--name` on the command line, or `fallback`. */
export function flagValue(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}

/** `--name` as a positive integer, or `fallback`; anything else is refused with the value given. */
export function positiveIntFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const v = Number(flagValue(name, String(fallback), argv));
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${flagValue(name, '', argv)}`);
  return v;
}
