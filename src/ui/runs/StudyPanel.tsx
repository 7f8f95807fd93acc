import { useState } from 'react';
import { NOT_YET_AVAILABLE } from '../../presets/comparison';
import { useConfig } from '../../store/configStore';
import { PAGE_STUDIES, planStudy, SEED_CHOICES, type PageStudy } from '../../store/studyPlan';
import { studyEta, studyRunner, useStudy } from '../../store/studyRunner';
import { isActive, useTraining } from '../../store/trainingStore';
import { StudyTable } from './StudyTable';

const TITLES: Record<PageStudy, string> = { ablation: 'Ablation study', paper: 'The paper’s comparison' };

/**
 * The paper's studies over several seeds for the form's task and sizes: each configuration is
 * trained once per seed (one after another), and the table gives mean ± 95 % interval and the
 * paired difference against the baseline. Progress is saved after each run, so a reload
 * continues where the study stopped.
 */
export function StudyPanel() {
  const state = useStudy((s) => s);
  const config = useConfig((s) => s.config);
  const ok = useConfig((s) => s.ok);
  const runState = useTraining((s) => s.runState);
  const [kind, setKind] = useState<PageStudy>('ablation');
  const [seeds, setSeeds] = useState<number>(3);
  const [arms, setArms] = useState<Record<string, boolean>>({});
  const [refused, setRefused] = useState<string | null>(null);
  const runner = studyRunner();
  const running = state.current !== null;
  const chosen = planStudy({ study: kind, base: config, seeds, arms: [] });
  const picked = chosen.arms.filter((a) => a.name === chosen.baseline || (arms[a.name] ?? true)).map((a) => a.name);
  const left = state.runs.length - state.outcomes.length;
  const eta = studyEta(state);
  const start = () => {
    try {
      setRefused(null);
      runner.start({ study: kind, base: config, seeds, arms: picked });
    } catch (err) {
      setRefused((err as Error).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="study-h">
      <div className="panel-head">
        <h2 id="study-h">Studies</h2>
        <label className="inline">
          Study{' '}
          <select data-testid="study-select" value={kind} disabled={running} onChange={(e) => setKind(e.currentTarget.value as PageStudy)}>
            {PAGE_STUDIES.map((name) => (
              <option key={name} value={name}>
                {TITLES[name]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Seeds{' '}
          <select data-testid="study-seeds" value={seeds} disabled={running} onChange={(e) => setSeeds(Number(e.currentTarget.value))}>
            {SEED_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="study-start" disabled={!ok || running || isActive(runState)} onClick={start}>
          Run the study
        </button>
        <button type="button" data-testid="study-cancel" disabled={!running} onClick={() => runner.cancel()}>
          Cancel
        </button>
        <button
          type="button"
          data-testid="study-continue"
          disabled={running || left <= 0 || isActive(runState)}
          onClick={() => runner.resume()}
        >
          Continue
        </button>
      </div>
      <p className="help">
        {chosen.description} Seeds {chosen.seeds.join(', ')} (from the form’s data seed; each sets the init and the data seed), on{' '}
        {config.task} with {config.steps} steps per run, compared with {chosen.arms.find((a) => a.name === chosen.baseline)?.label}.
        {kind === 'paper' && NOT_YET_AVAILABLE.length > 0 && (
          <> Not yet available here: {NOT_YET_AVAILABLE.map((u) => u.label).join(' and ')}.</>
        )}
      </p>
      <fieldset className="inline wrap" data-testid="study-arms" disabled={running}>
        <legend>Configurations</legend>
        {chosen.arms.map((a) => (
          <label key={a.name} className="inline" title={a.what}>
            <input
              type="checkbox"
              value={a.name}
              checked={picked.includes(a.name)}
              disabled={a.name === chosen.baseline}
              onChange={(e) => setArms({ ...arms, [a.name]: e.currentTarget.checked })}
            />{' '}
            {a.label}
            {a.name === chosen.baseline ? ' (baseline)' : ''}
          </label>
        ))}
      </fieldset>
      {refused && (
        <p className="msg-error" role="alert" data-testid="study-refused">
          {refused}
        </p>
      )}
      {state.study && (
        <>
          <p className="status-line" data-testid="study-progress" data-done={state.outcomes.length} data-total={state.runs.length}>
            <progress value={state.outcomes.length} max={state.runs.length} /> {state.study.title}: {state.outcomes.length} of{' '}
            {state.runs.length} runs finished
            {running ? `, training ${state.current}` : left > 0 ? ' (stopped: Continue runs the rest)' : ''}
            {eta !== null && left > 0 ? `, about ${formatEta(eta)} left` : ''}.
          </p>
          {state.error && (
            <p className="msg-error" role="alert" data-testid="study-error">
              {state.error}
            </p>
          )}
          <StudyTable study={state.study} outcomes={state.outcomes} />
        </>
      )}
    </section>
  );
}

function formatEta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}
