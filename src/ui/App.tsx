import { useEffect } from 'react';
import { syncHash } from '../store/configStore';
import { BackendBadge } from './BackendBadge';
import { IsolationBadge } from './IsolationBadge';
import { KeyboardHelp } from './KeyboardHelp';
import { ChartsPanel } from './charts/ChartsPanel';
import { ConfigSide } from './ConfigSide';
import './dashboard.css';
import { StudyPanel } from './runs/StudyPanel';
import { RunsPanel } from './runs/RunsPanel';
import { RunControls } from './RunControls';
import { RunStatus } from './RunStatus';
import { AttentionPanel } from './views/AttentionPanel';
import { CompareViews } from './views/CompareViews';
import { LiveViewsPanel } from './views/LiveViewsPanel';
import { InferencePanel } from './inference/InferencePanel';
import { weightsOfExport } from './exportBundle';

import { ScalingView } from './scaling/ScalingView';
import { hasUnsavedProgress, trainingClient } from '../store/trainingStore';

/** The inference panel's "use the current run": the worker reads the weights between two steps. */
const currentRunWeights = async () =>
  trainingClient().store.getState().runId === null ? null : weightsOfExport(await trainingClient().exportRun());

/** The playground page: configuration on the left; controls, curves, attention views and run comparison on the right. */
export function App() {
  useEffect(() => syncHash(), []);
  useEffect(() => {
    // The browser asks before leaving while steps since the last checkpoint would be lost.
    const warn = (ev: BeforeUnloadEvent) => {
      if (!hasUnsavedProgress(trainingClient().store.getState())) return;
      ev.preventDefault();
      ev.returnValue = '';
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, []);
  useEffect(() => {
    trainingClient().connect();
  }, []);
  return (
    <div className="app">
      {/* First in the page, so that the skip link is the first Tab stop. */}
      <KeyboardHelp />
      <header className="app-header">
        <div>
          <h1>Proxyformer Playground</h1>
          <p className="tagline">
            Train softmax, Nyströmformer and Proxyformer transformers on the Long Range Arena in your browser, on WebGPU, and see what their
            landmarks and proxy tokens do.
          </p>
        </div>
        <div className="badges">
          <BackendBadge />
          <IsolationBadge />
        </div>
      </header>
      <div className="layout">
        <ConfigSide />
        <main className="app-main">
          <section className="panel controls-panel" aria-label="Run">
            <RunControls />
            <RunStatus />
          </section>
          {/* The dashboard: curves, throughput and memory beside the live attention maps. */}
          <div className="dashboard">
            <ChartsPanel />
            <LiveViewsPanel />
          </div>
          <AttentionPanel />
          <CompareViews />
          <RunsPanel />
          <StudyPanel />
          {/* The inference panel (a bundle, or the current run's weights from the worker) and the scaling sweep. */}
          <div className="panel">
            <InferencePanel currentRun={currentRunWeights} />
          </div>
          <div className="panel">
            <ScalingView />
          </div>
          <section className="panel">
            <h2>What this is</h2>
            <p>
              Proxyformer (Lee, Lee &amp; Shin, AAAI 2024) replaces Nyströmformer&apos;s segment-mean landmarks with trainable proxy tokens,
              made input-aware by an injection module, kept diverse by a contrastive loss and regularised by a column dropout on the
              decomposed middle matrix. Its code is not public: every uncertain piece here is a switch, and the page marks which parts are
              the paper&apos;s words and which are our reading.
            </p>
          </section>
        </main>
      </div>
    </div>
  );
}
