import { expect } from 'chai';
import type { FoldResult, TaskOutcome } from '../../../src/ml/pipeline/fold-task.js';
import { KFold } from '../../../src/ml/model-selection/index.js';
import { PiscinaTaskRunner } from '../../../workers/thread-pool.js';
import { regressionTable } from '../training/tuning/inline-task-runner.js';

describe('PiscinaTaskRunner', function () {
  this.timeout(30000);
  const table = regressionTable(400, 7);
  const [[trainIdx, testIdx]] = [...new KFold({ n_splits: 2, shuffle: true, random_state: 0 }).split(table.rowCount)];
  const spec = { type: 'gradient_boosting', task: 'regression' as const, target: 'y', hyperparameters: { n_estimators: 20, max_depth: 3 } };
  const fold = { spec, table, trainIdx, testIdx };

  it('starts tasks in the order they were asked for, a task asked for later behind those already waiting', async () => {
    const runner = new PiscinaTaskRunner(1);
    try {
      const finished: string[] = [];
      const ac = new AbortController();
      const run = (name: string): Promise<void> =>
        runner.run<TaskOutcome<FoldResult>>('cv-fold', fold, { signal: ac.signal }).then((r) => {
          expect(r.ok).to.equal(true);
          finished.push(name);
        });
      // each task carries an abort signal: Piscina's own queue moves such a task to the back when it cannot place it
      const later: Array<Promise<void>> = [];
      const first = run('a').then(() => {
        later.push(run('e'));
      });
      await Promise.all([first, run('b'), run('c'), run('d')]);
      await Promise.all(later);
      expect(finished).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    } finally {
      await runner.close();
    }
  });

  it('a waiting task whose signal aborts rejects at once and never runs; the others go on', async () => {
    const runner = new PiscinaTaskRunner(1);
    try {
      const ac = new AbortController();
      const running = runner.run<TaskOutcome<FoldResult>>('cv-fold', fold);
      const waiting = runner.run<TaskOutcome<FoldResult>>('cv-fold', fold, { signal: ac.signal });
      const after = runner.run<TaskOutcome<FoldResult>>('cv-fold', fold);
      ac.abort(new Error('stop'));
      let err: Error | null = null;
      await waiting.catch((e: Error) => (err = e));
      expect(err).to.have.property('name', 'AbortError');
      expect((err as unknown as Error).cause).to.have.property('message', 'stop');
      expect((await running).ok).to.equal(true);
      expect((await after).ok).to.equal(true);
      let already: Error | null = null;
      await runner.run('cv-fold', fold, { signal: ac.signal }).catch((e: Error) => (already = e));
      expect(already).to.have.property('name', 'AbortError');
    } finally {
      await runner.close();
    }
  });
});
