import { expect } from 'chai';
import { KFold } from '../../../../src/ml/model-selection/index.js';
import { MedianPruner } from '../../../../src/training/tuning/pruners/median-pruner.js';
import { NopPruner } from '../../../../src/training/tuning/pruners/nop-pruner.js';
import type { Pruner } from '../../../../src/training/tuning/pruners/pruner.js';
import { LocalTrialDispatcher } from '../../../../src/training/tuning/local-trial-dispatcher.js';
import { runTrial } from '../../../../src/training/tuning/run-trial.js';
import { RandomSampler } from '../../../../src/training/tuning/samplers/random-sampler.js';
import type { Sampler } from '../../../../src/training/tuning/samplers/sampler.js';
import type { SearchSpace } from '../../../../src/training/tuning/search-space.js';
import { MemoryStudyStorage } from '../../../../src/training/tuning/storage/memory-study-storage.js';
import { cancelStudy, runStudy, type StudyProgress } from '../../../../src/training/tuning/study-driver.js';
import { Study } from '../../../../src/training/tuning/study.js';
import { InlineTaskRunner, regressionTable } from './inline-task-runner.js';
import { newStudy } from './study-storage-suite.js';

const table = regressionTable(120);
const folds = [...new KFold({ n_splits: 4, shuffle: true, random_state: 0 }).split(table.rowCount)];
const alpha: SearchSpace = { alpha: { type: 'float', low: 0.001, high: 1e5, log: true } };

async function ridgeStudy(opts: { nTrials: number; sampler?: Sampler; pruner?: Pruner; space?: SearchSpace; delayMs?: number }) {
  const storage = new MemoryStudyStorage();
  const spec = { type: 'tune', model: { type: 'ridge', hyperparameters: {} }, target: 'y', search_space: opts.space ?? alpha, parallelism: 2 };
  const { study: record } = await storage.createStudy(newStudy('ridge', { nTrials: opts.nTrials, direction: 'minimize', metric: 'rmse', task: 'regression', spec: spec as never }));
  const study = new Study(record, storage, opts.sampler ?? new RandomSampler(1), opts.pruner ?? new NopPruner());
  const runner = new InlineTaskRunner(opts.delayMs);
  const dispatcher = new LocalTrialDispatcher(study, { runner, table, folds, worker: 'test:1', foldConcurrency: 1, watchMs: 20 });
  return { study, storage, runner, dispatcher };
}

describe('studies driven to the end', function () {
  this.timeout(20_000);

  it('asks for trial numbers 0..n_trials-1 once, however many askers race', async () => {
    const { study } = await ridgeStudy({ nTrials: 5 });
    const asked = await Promise.all(Array.from({ length: 8 }, () => study.ask()));
    expect(asked.filter((t) => t !== null).map((t) => t!.number).sort()).to.deep.equal([0, 1, 2, 3, 4]);
    expect(await study.ask()).to.equal(null);
  });

  it('runs n_trials trials with parallelism in flight and reports progress up to the total', async () => {
    const { study, dispatcher, runner } = await ridgeStudy({ nTrials: 6, delayMs: 10 });
    const seen: StudyProgress[] = [];
    const trials = await runStudy(study, { dispatcher, parallelism: 3, pollMs: 5, onProgress: (p) => void seen.push(p) });
    expect(trials.map((t) => t.state)).to.deep.equal(Array(6).fill('complete'));
    expect(Math.max(...seen.map((p) => p.running.length))).to.equal(3);
    expect(seen.at(-1)).to.deep.include({ done: 6, total: 6, complete: 6 });
    expect(seen.at(-1)!.bestValue).to.equal(Math.min(...trials.map((t) => t.value!)));
    expect(runner.folds).to.equal(6 * 4);
    for (const t of trials) expect(t.intermediate.map((iv) => iv.step).sort()).to.deep.equal([0, 1, 2, 3]);
  });

  it('wakes on each settled trial instead of waiting out the poll interval', async () => {
    const { study, dispatcher } = await ridgeStudy({ nTrials: 4, delayMs: 5 });
    const t0 = Date.now();
    const trials = await runStudy(study, { dispatcher, parallelism: 2, pollMs: 60_000 });
    expect(trials.map((t) => t.state)).to.deep.equal(Array(4).fill('complete'));
    // with a one-minute poll, only the dispatcher's wake-ups can end this within the test's timeout
    expect(Date.now() - t0).to.be.lessThan(15_000);
  });

  it('prunes bad trials after a fold, so they run fewer folds', async () => {
    const { study, dispatcher, runner } = await ridgeStudy({ nTrials: 14, sampler: new RandomSampler(3), pruner: new MedianPruner({ nStartupTrials: 3 }) });
    const trials = await runStudy(study, { dispatcher, parallelism: 1, pollMs: 5 });
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).to.be.greaterThan(0);
    for (const t of pruned) {
      expect(t.intermediate.length).to.be.lessThan(4);
      expect(t.value).to.equal(t.intermediate.at(-1)!.value);
    }
    expect(runner.folds).to.be.lessThan(14 * 4);
    expect(study.best(trials)!.state).to.equal('complete');
  });

  it('records a trial whose parameters the model refuses as failed and carries on', async () => {
    const space: SearchSpace = { alpha: { type: 'categorical', choices: [-1, 1] } };
    const { study, dispatcher } = await ridgeStudy({ nTrials: 6, space });
    const trials = await runStudy(study, { dispatcher, parallelism: 2, pollMs: 5 });
    const failed = trials.filter((t) => t.state === 'failed');
    expect(failed.length).to.be.greaterThan(0);
    for (const t of failed) {
      expect(t.params.alpha).to.equal(-1);
      expect(t.error).to.match(/alpha/);
    }
    expect(trials.filter((t) => t.state === 'complete').every((t) => t.params.alpha === 1)).to.equal(true);
  });

  it('resumes a study whose driver died: finished trials are not run again, the orphaned one runs, n_trials in all', async () => {
    const { study, dispatcher, runner } = await ridgeStudy({ nTrials: 5 });
    for (let i = 0; i < 2; i++) {
      const t = (await study.ask())!;
      await study.tell(t.number, { state: 'complete', value: 1 + i });
    }
    await study.ask(); // asked, never dispatched: the driver died here
    const trials = await runStudy(study, { dispatcher, parallelism: 2, pollMs: 5, checkMs: 0 });
    expect(trials.map((t) => [t.number, t.state])).to.deep.equal([0, 1, 2, 3, 4].map((n) => [n, 'complete']));
    expect(trials.slice(0, 2).map((t) => t.attempts)).to.deep.equal([0, 0]);
    expect(trials[2].attempts).to.equal(1);
    expect(runner.folds).to.equal(3 * 4);
  });

  it('never runs a finished trial again', async () => {
    const { study, runner } = await ridgeStudy({ nTrials: 2 });
    const t = (await study.ask())!;
    await study.tell(t.number, { state: 'complete', value: 1 });
    expect(await runTrial(study, t.number, { runner, table, folds, worker: 'x' })).to.equal('skipped');
    expect(runner.folds).to.equal(0);
  });

  it('cancels a study: running trials stop, no trial starts afterwards, the study and its trials stay readable', async () => {
    const { study, dispatcher, runner, storage } = await ridgeStudy({ nTrials: 30 });
    const stop = new AbortController();
    const driving = runStudy(study, {
      dispatcher,
      parallelism: 2,
      pollMs: 5,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.complete >= 2) stop.abort();
      },
    });
    await driving;
    await cancelStudy(study, dispatcher, 5_000, 5);
    await dispatcher.idle();
    const trials = await study.trials();
    expect(trials.length).to.be.lessThan(30);
    expect(trials.filter((t) => t.state === 'running')).to.deep.equal([]);
    expect((await storage.getStudy(study.id))!.state).to.equal('cancelled');
    const folds = runner.folds;
    await dispatcher.dispatch(study.id, trials.length - 1);
    await dispatcher.idle();
    expect(runner.folds).to.equal(folds);
  });
});
