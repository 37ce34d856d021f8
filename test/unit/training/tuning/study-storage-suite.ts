import { expect } from 'chai';
import type { NewStudy, StudyStorage } from '../../../../src/training/tuning/storage/study-storage.js';

/** A study record as the tune job creates it; the spec is opaque to storage. */
export function newStudy(id: string, overrides: Partial<NewStudy> = {}): NewStudy {
  return {
    id,
    name: 'tuned',
    direction: 'maximize',
    metric: 'accuracy',
    nTrials: 5,
    spec: { type: 'tune', search_space: { C: { type: 'float', low: 0.01, high: 10, log: true } } } as unknown as NewStudy['spec'],
    task: 'classification',
    datasetId: 'ds-1',
    seed: 7,
    ...overrides,
  };
}

/** One suite for every StudyStorage: each test uses its own study id. */
export function studyStorageSuite(name: string, make: () => Promise<{ storage: StudyStorage; close(): Promise<void> }>): void {
  describe(`${name} study storage`, function () {
    this.timeout(30_000);
    let storage: StudyStorage;
    let close: () => Promise<void>;
    let n = 0;
    const fresh = async (overrides: Partial<NewStudy> = {}): Promise<string> => {
      const id = `study-${++n}-${Math.random().toString(36).slice(2, 8)}`;
      await storage.createStudy(newStudy(id, overrides));
      return id;
    };

    before(async () => {
      ({ storage, close } = await make());
    });
    after(async () => {
      await close();
    });

    it('creates a study once and returns the existing one to a second create', async () => {
      const first = await storage.createStudy(newStudy('twice'));
      expect(first.created).to.equal(true);
      expect(first.study).to.include({ id: 'twice', state: 'running', direction: 'maximize', metric: 'accuracy', nTrials: 5, bestTrial: null });
      expect(first.study.spec.search_space.C).to.deep.equal({ type: 'float', low: 0.01, high: 10, log: true });
      const again = await storage.createStudy(newStudy('twice', { nTrials: 99 }));
      expect(again.created).to.equal(false);
      expect(again.study.nTrials).to.equal(5);
    });

    it('answers null for a study that does not exist', async () => {
      expect(await storage.getStudy('no-such-study')).to.equal(null);
    });

    it('hands a trial number out once, even to racing creators', async () => {
      const id = await fresh();
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => storage.createTrial(id, 0, { C: i })));
      expect(results.filter((r) => r !== null)).to.have.length(1);
      expect(await storage.createTrial(id, 1, { C: 1 })).to.include({ number: 1, state: 'running' });
      expect(await storage.createTrial(id, 1, { C: 2 })).to.equal(null);
      expect((await storage.getTrials(id)).map((t) => t.number)).to.deep.equal([0, 1]);
    });

    it('keeps parameter values of every kind as given', async () => {
      const id = await fresh();
      const params = { C: 0.125, max_depth: 3, penalty: 'l2', fit_intercept: false, max_features: null };
      await storage.createTrial(id, 0, params);
      expect((await storage.getTrial(id, 0))!.params).to.deep.equal(params);
    });

    it('lists trials by number whatever order they were created in', async () => {
      const id = await fresh();
      for (const k of [2, 0, 1]) await storage.createTrial(id, k, { C: k });
      expect((await storage.getTrials(id)).map((t) => t.number)).to.deep.equal([0, 1, 2]);
    });

    it('counts the attempts to start a trial and clears the reports of an earlier attempt', async () => {
      const id = await fresh();
      await storage.createTrial(id, 0, { C: 1 });
      const first = await storage.startTrial(id, 0, 'host:1');
      expect(first).to.include({ attempts: 1, worker: 'host:1' });
      expect(first!.startedAt).to.be.instanceOf(Date);
      await storage.reportIntermediate(id, 0, 0, 0.5);
      const second = await storage.startTrial(id, 0, 'host:2');
      expect(second).to.include({ attempts: 2, worker: 'host:2' });
      expect(second!.intermediate).to.deep.equal([]);
    });

    it('records an intermediate value once per step, in report order', async () => {
      const id = await fresh();
      await storage.createTrial(id, 0, { C: 1 });
      expect(await storage.reportIntermediate(id, 0, 1, 0.75)).to.equal(true);
      expect(await storage.reportIntermediate(id, 0, 0, 0.5)).to.equal(true);
      expect(await storage.reportIntermediate(id, 0, 1, 0.99)).to.equal(true);
      expect((await storage.getTrial(id, 0))!.intermediate).to.deep.equal([
        { step: 1, value: 0.75 },
        { step: 0, value: 0.5 },
      ]);
    });

    it('keeps every report when the folds of a trial finish at the same moment', async () => {
      const id = await fresh();
      await storage.createTrial(id, 0, { C: 1 });
      await Promise.all([0, 1, 2, 3, 4].map((step) => storage.reportIntermediate(id, 0, step, step / 10)));
      const steps = (await storage.getTrial(id, 0))!.intermediate.map((iv) => iv.step).sort();
      expect(steps).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it('finishes a trial once: the first teller wins and later reports are refused', async () => {
      const id = await fresh();
      await storage.createTrial(id, 0, { C: 1 });
      const cvMetrics = { accuracy: { mean: 0.9, std: 0.05, folds: [0.85, 0.95, null] } };
      const tells = await Promise.all([
        storage.finishTrial(id, 0, { state: 'complete', value: 0.9, cvMetrics }),
        storage.finishTrial(id, 0, { state: 'failed', error: 'late duplicate' }),
        storage.finishTrial(id, 0, { state: 'pruned', value: 0.1 }),
      ]);
      expect(tells.filter(Boolean)).to.have.length(1);
      const t = (await storage.getTrial(id, 0))!;
      expect(t.state).to.not.equal('running');
      expect(t.finishedAt).to.be.instanceOf(Date);
      expect(await storage.finishTrial(id, 0, { state: 'complete', value: 1 })).to.equal(false);
      expect(await storage.reportIntermediate(id, 0, 3, 0.2)).to.equal(false);
      expect(await storage.startTrial(id, 0, 'host:3')).to.equal(null);
    });

    it('stores a complete trial with its value and CV metrics', async () => {
      const id = await fresh();
      await storage.createTrial(id, 0, { C: 1 });
      const cvMetrics = { accuracy: { mean: 0.9, std: 0.05, folds: [0.85, 0.95] }, roc_auc: { mean: null, std: null, folds: [null, null] } };
      expect(await storage.finishTrial(id, 0, { state: 'complete', value: 0.9, cvMetrics })).to.equal(true);
      expect(await storage.getTrial(id, 0)).to.deep.include({ state: 'complete', value: 0.9, cvMetrics, error: null });
    });

    it('finishes a study once', async () => {
      const id = await fresh();
      expect(await storage.finishStudy(id, 'complete', 3)).to.equal(true);
      expect(await storage.finishStudy(id, 'cancelled')).to.equal(false);
      expect(await storage.getStudy(id)).to.include({ state: 'complete', bestTrial: 3 });
    });
  });
}
