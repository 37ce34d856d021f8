import { expect } from 'chai';
import { KFold } from '../../../src/ml/model-selection/index.js';
import type { PipelineSpec } from '../../../src/ml/pipeline/model-pipeline.js';
import { crossValidateAndFit, pieceEnds } from '../../../src/training/cross-validate.js';
import type { TaskName, TaskRunner } from '../../../src/training/task-runner.js';
import { InlineTaskRunner, regressionTable } from './tuning/inline-task-runner.js';

/** The inline runner with a thread count to plan for, recording each task's piece (`until`, or 'whole'). */
class PlanningRunner extends InlineTaskRunner implements TaskRunner {
  readonly pieces: Array<string> = [];

  constructor(readonly threads: number) {
    super();
  }

  override run<R>(task: TaskName, payload: unknown, options?: { signal?: AbortSignal }): Promise<R> {
    const rounds = (payload as { rounds?: { until: number } }).rounds;
    this.pieces.push(`${task}:${rounds ? rounds.until : 'whole'}`);
    return super.run<R>(task, payload, options);
  }
}

const gbdt = (hyperparameters: Record<string, unknown> = {}): PipelineSpec => ({
  type: 'gradient_boosting',
  task: 'regression',
  target: 'y',
  hyperparameters: { n_estimators: 12, max_depth: 3, subsample: 0.8, colsample_bytree: 0.75, ...hyperparameters },
});

describe('crossValidateAndFit in pieces', () => {
  it('plans pieces only where the tasks do not divide evenly among the threads and the fit can be cut', () => {
    expect(pieceEnds(gbdt({ n_estimators: 60 }), 5, 2)).to.deep.equal([30, 60]);
    expect(pieceEnds(gbdt({ n_estimators: 60 }), 5, 4)).to.deep.equal([15, 30, 45, 60]);
    expect(pieceEnds(gbdt({ n_estimators: 60 }), 6, 2)).to.equal(null);
    expect(pieceEnds(gbdt({ n_estimators: 60 }), 2, 2)).to.equal(null);
    expect(pieceEnds(gbdt({ n_estimators: 60 }), 5, 1)).to.equal(null);
    expect(pieceEnds(gbdt({ n_estimators: 1 }), 5, 2)).to.equal(null);
    expect(pieceEnds({ type: 'xgboost', task: 'regression', target: 'y', hyperparameters: { n_estimators: 10 } }, 3, 2)).to.deep.equal([5, 10]);
    expect(pieceEnds({ type: 'ridge', task: 'regression', target: 'y' }, 5, 2)).to.equal(null);
    expect(pieceEnds({ ...gbdt(), training: { early_stopping: true } }, 5, 2)).to.equal(null);
    expect(pieceEnds(gbdt({ n_estimators: -1 }), 5, 2)).to.equal(null);
  });

  it('gives the same fold metrics and the same final model cut in pieces as whole', async () => {
    const table = regressionTable(300, 4);
    const folds = [...new KFold({ n_splits: 4, shuffle: true, random_state: 1 }).split(table.rowCount)];
    const whole = new PlanningRunner(1);
    const cut = new PlanningRunner(3);
    const a = await crossValidateAndFit(whole, gbdt(), table, folds);
    const b = await crossValidateAndFit(cut, gbdt(), table, folds);
    expect(whole.pieces.every((p) => p.endsWith(':whole'))).to.equal(true);
    // 5 tasks on 3 threads: whole they take 2 fit-times, in thirds 5/3
    expect(cut.pieces.filter((p) => p === 'cv-fold:4')).to.have.length(4);
    expect(cut.pieces.filter((p) => p.startsWith('fit:'))).to.deep.equal(['fit:4', 'fit:8', 'fit:12']);
    expect(b.cvMetrics).to.deep.equal(a.cvMetrics);
    expect(b.fit.model).to.equal(a.fit.model);
    expect(b.fit.fitMs).to.be.greaterThan(0);
  });

  it('does not cut trials (splitRounds: false) or folds started a few at a time', async () => {
    const table = regressionTable(120, 5);
    const folds = [...new KFold({ n_splits: 3, shuffle: true, random_state: 1 }).split(table.rowCount)];
    const runner = new PlanningRunner(2);
    await crossValidateAndFit(runner, gbdt(), table, folds, { withFinalFit: false, splitRounds: false });
    await crossValidateAndFit(runner, gbdt(), table, folds, { withFinalFit: false, foldConcurrency: 1 });
    expect(runner.pieces).to.deep.equal(Array(6).fill('cv-fold:whole'));
  });

  it('a bad parameter still fails the job with its message when the plan cannot read it', async () => {
    const table = regressionTable(60, 6);
    const folds = [...new KFold({ n_splits: 3, shuffle: true, random_state: 1 }).split(table.rowCount)];
    let err: Error | null = null;
    await crossValidateAndFit(new PlanningRunner(2), gbdt({ max_depth: 0 }), table, folds).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(String(err)).to.match(/max_depth/);
  });
});
