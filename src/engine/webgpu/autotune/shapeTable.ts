/**
 * What the matmul and softmax tables share: per shape class, the tuned choice (or none: the rule
 * decides), the classes met while `recording` and not tuned yet with the first shape seen, and
 * the decisions made so far. The subclasses compute the class and copy a new class's shape, so
 * looking a class up allocates nothing.
 */
import type { MatmulDecision } from './matmulTable';
import type { TuneResult } from './tuner';

export class ShapeTable<Shape, Config> {
  protected readonly chosen = new Map<number, Config>();
  protected readonly pending = new Map<number, Shape>();
  private readonly decisions: MatmulDecision[] = [];
  /** Remember the first shape of every class without a choice (see `tuneEach`). */
  recording = false;

  constructor(
    private readonly label: (cls: number) => string,
    private readonly configName: (c: Config) => string,
  ) {}

  /** Whether a class without a choice is to be remembered now (the subclass then copies its shape into `pending`). */
  protected wants(cls: number): boolean {
    return this.recording && !this.pending.has(cls);
  }

  /** Fix the choice of a class. */
  protected setClass(cls: number, config: Config): void {
    this.chosen.set(cls, config);
  }

  /** Classes seen while recording and not tuned yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The decisions made so far, in order. */
  list(): readonly MatmulDecision[] {
    return this.decisions;
  }

  /** Tune every pending class with `tune`, fix the choices, and return the new decisions. */
  protected async tuneEach(tune: (shape: Shape) => Promise<TuneResult<Config>>): Promise<MatmulDecision[]> {
    const made: MatmulDecision[] = [];
    for (const [cls, shape] of [...this.pending]) {
      const r = await tune(shape);
      this.chosen.set(cls, r.config);
      this.pending.delete(cls);
      made.push({ shapeClass: this.label(cls), choice: this.configName(r.config), source: r.source, ms: r.ms, rejected: r.rejected });
    }
    this.decisions.push(...made);
    return made;
  }
}
