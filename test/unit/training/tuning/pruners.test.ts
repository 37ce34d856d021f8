import { expect } from 'chai';
import { createPruner } from '../../../../src/training/tuning/pruners/create-pruner.js';
import { MedianPruner, percentile } from '../../../../src/training/tuning/pruners/median-pruner.js';
import { SuccessiveHalvingPruner } from '../../../../src/training/tuning/pruners/successive-halving-pruner.js';
import type { StudySnapshot } from '../../../../src/training/tuning/study.js';
import type { FrozenTrial, TrialState } from '../../../../src/training/tuning/trial.js';

let next = 0;
function trial(state: TrialState, values: number[], number = next++): FrozenTrial {
  return {
    number,
    state,
    params: {},
    value: state === 'complete' ? values.reduce((a, b) => a + b, 0) / values.length : null,
    intermediate: values.map((value, step) => ({ step, value })),
    cvMetrics: null,
    attempts: 1,
    worker: null,
    error: null,
    createdAt: new Date(),
    startedAt: new Date(),
    finishedAt: null,
  };
}
const snap = (direction: 'maximize' | 'minimize', trials: FrozenTrial[]): StudySnapshot => ({ direction, trials });

describe('pruners', () => {
  describe('median', () => {
    const done = [trial('complete', [0.8, 0.7, 0.9]), trial('complete', [0.6, 0.5, 0.7]), trial('complete', [0.9, 0.8, 0.95])];

    it('prunes a trial whose fold scores below the median of the complete trials at that fold (maximising)', () => {
      const p = new MedianPruner({ nStartupTrials: 3 });
      expect(p.prune(snap('maximize', done), trial('running', [0.7]))).to.equal(true);
      expect(p.prune(snap('maximize', done), trial('running', [0.85]))).to.equal(false);
      expect(p.prune(snap('maximize', done), trial('running', [0.85, 0.6]))).to.equal(true);
    });

    it('prunes a trial whose error is above the median (minimising)', () => {
      const p = new MedianPruner({ nStartupTrials: 3 });
      expect(p.prune(snap('minimize', done), trial('running', [0.85]))).to.equal(true);
      expect(p.prune(snap('minimize', done), trial('running', [0.7]))).to.equal(false);
    });

    it('prunes nothing before n_startup_trials trials are complete or during the warm-up steps', () => {
      expect(new MedianPruner({ nStartupTrials: 4 }).prune(snap('maximize', done), trial('running', [0.1]))).to.equal(false);
      expect(new MedianPruner({ nStartupTrials: 1, nWarmupSteps: 1 }).prune(snap('maximize', done), trial('running', [0.1]))).to.equal(false);
      expect(new MedianPruner({ nStartupTrials: 1, nWarmupSteps: 1 }).prune(snap('maximize', done), trial('running', [0.1, 0.1]))).to.equal(true);
    });

    it('ignores pruned and running trials when taking the median', () => {
      const others = [...done, trial('pruned', [0.99]), trial('running', [0.99])];
      expect(new MedianPruner({ nStartupTrials: 3 }).prune(snap('maximize', others), trial('running', [0.85]))).to.equal(false);
    });

    it('interpolates percentiles like numpy', () => {
      expect(percentile([1, 2, 3, 4], 50)).to.equal(2.5);
      expect(percentile([5, 1, 3], 50)).to.equal(3);
    });
  });

  describe('successive halving', () => {
    it('places rungs at min_resource * reduction_factor^k folds', () => {
      const p = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
      expect([0, 1, 2].map((k) => p.rungStep(k))).to.deep.equal([0, 2, 8]);
    });

    it('lets the best 1/reduction_factor of the trials at a rung go on and stops the rest', () => {
      const p = new SuccessiveHalvingPruner({ reductionFactor: 2 });
      const others = [trial('complete', [0.9]), trial('pruned', [0.5]), trial('complete', [0.7])];
      // four at rung 0 (with this one): the best two go on
      expect(p.prune(snap('maximize', others), trial('running', [0.8]))).to.equal(false);
      expect(p.prune(snap('maximize', others), trial('running', [0.6]))).to.equal(true);
    });

    it('promotes the first trial at a rung and judges only at rung steps', () => {
      const p = new SuccessiveHalvingPruner({ reductionFactor: 3 });
      expect(p.prune(snap('minimize', []), trial('running', [5]))).to.equal(false);
      const better = [trial('complete', [0.1, 0.1, 0.1])];
      expect(p.prune(snap('minimize', better), trial('running', [0.1, 9]))).to.equal(false);
      expect(p.prune(snap('minimize', better), trial('running', [0.1, 9, 9]))).to.equal(true);
    });
  });

  it('builds each pruner from its job spec', () => {
    expect(createPruner({ type: 'none' }).name).to.equal('none');
    expect(createPruner({ type: 'median', n_startup_trials: 2 }).name).to.equal('median');
    expect((createPruner({ type: 'successive_halving', reduction_factor: 4 }) as SuccessiveHalvingPruner).rungStep(1)).to.equal(3);
  });
});
