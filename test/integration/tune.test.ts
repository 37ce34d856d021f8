import { expect } from 'chai';
import { MongoStudyStorage } from '../../src/training/tuning/storage/mongo-study-storage.js';
import { sampleCsv, TestCluster } from './harness.js';

describe('tune jobs through HTTP', function () {
  this.timeout(240_000);
  const cluster = new TestCluster({ workers: 1 });
  let dataset: string;
  const tune = (extra: Record<string, unknown>) => ({
    type: 'tune',
    model_name: 'tuned',
    dataset,
    target: 'y',
    task: 'regression',
    model: { type: 'ridge' },
    search_space: { alpha: { type: 'float', low: 0.001, high: 100, log: true } },
    sampler: 'random',
    n_trials: 4,
    cv: 3,
    ...extra,
  });
  const submit = async (body: Record<string, unknown>) => {
    const res = await cluster.request('POST', '/v1/jobs', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed', 'cancelled'], 180_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    return job;
  };

  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=sample', sampleCsv(150), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
    dataset = up.body.id;
  });
  after(async () => {
    await cluster.stop();
  });

  it('runs a grid study over every grid point once and registers the best with lineage to the study and trial', async () => {
    const job = await submit(
      tune({
        model_name: 'grid-ridge',
        sampler: 'grid',
        n_trials: undefined,
        search_space: { alpha: { type: 'float', low: 0.5, high: 2, step: 0.5 }, fit_intercept: { type: 'categorical', choices: [true, false] } },
        metric: 'rmse',
      }),
    );
    const r = job.result;
    expect(r.trials).to.have.length(8);
    const points = r.trials.map((t: any) => `${t.params.alpha}/${t.params.fit_intercept}`).sort();
    expect(points).to.deep.equal(['0.5/false', '0.5/true', '1/false', '1/true', '1.5/false', '1.5/true', '2/false', '2/true'].sort());
    for (const t of r.trials) expect(t, JSON.stringify(t)).to.deep.include({ state: 'complete' }) && expect(t.values, JSON.stringify(t)).to.have.length(3) && expect(t.duration_ms).to.be.at.least(0);
    expect(r.direction).to.equal('minimize');
    const values = r.trials.map((t: any) => t.value);
    expect(r.best_value).to.equal(Math.min(...values));
    expect(r.best_params).to.deep.equal(r.trials.find((t: any) => t.number === r.best_trial).params);
    expect(r.best_params.fit_intercept).to.equal(true);
    expect(job.progress).to.deep.include({ stage: 'registered', done: 8, total: 8 });

    const v = await cluster.request('GET', `/v1/models/grid-ridge/versions/${r.version}`);
    expect(v.status).to.equal(200);
    expect(v.body.lineage).to.include({ job_type: 'tune', study_id: r.study_id, trial_number: r.best_trial, job_id: job.id });
    expect(v.body.hyperparameters).to.deep.include(r.best_params);
    expect(v.body.metrics.rmse).to.be.closeTo(r.best_value, 1e-9);
    const pred = await cluster.request('POST', '/v1/models/grid-ridge/predict', { instances: [{ x1: 1, x2: 0.5, color: 'red', label: 'no' }] });
    expect(pred.status, JSON.stringify(pred.body)).to.equal(200);
  });

  it('runs a seeded random study with trials in parallel and maximises accuracy', async () => {
    const body = tune({
      model_name: 'random-logit',
      target: 'label',
      features: ['x1', 'x2', 'color'],
      task: 'classification',
      model: { type: 'logistic_regression' },
      search_space: { C: { type: 'float', low: 0.0001, high: 100, log: true } },
      sampler: { type: 'random', seed: 11 },
      n_trials: 6,
      parallelism: 3,
      metric: 'accuracy',
    });
    const first = (await submit(body)).result;
    expect(first.direction).to.equal('maximize');
    expect(first.trials).to.have.length(6);
    expect(first.best_value).to.equal(Math.max(...first.trials.map((t: any) => t.value)));
    for (const t of first.trials) expect(t.params.C).to.be.within(0.0001, 100);
    // the same seed proposes the same parameters
    const second = (await submit({ ...body, model_name: 'random-logit-2' })).result;
    expect(second.trials.map((t: any) => t.params)).to.deep.equal(first.trials.map((t: any) => t.params));
  });

  it('runs a TPE study over int and categorical parameters', async () => {
    const r = (
      await submit(
        tune({
          model_name: 'tpe-tree',
          target: 'label',
          task: 'classification',
          metric: 'balanced_accuracy',
          model: { type: 'decision_tree' },
          search_space: {
            max_depth: { type: 'int', low: 1, high: 8 },
            min_samples_leaf: { type: 'int', low: 1, high: 32, log: true },
            max_features: { type: 'categorical', choices: ['sqrt', null] },
          },
          sampler: { type: 'tpe', seed: 3, n_startup_trials: 4 },
          n_trials: 10,
          parallelism: 2,
        }),
      )
    ).result;
    expect(r.metric).to.equal('balanced_accuracy');
    expect(r.trials.map((t: any) => t.number)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const t of r.trials) {
      expect(t.state).to.equal('complete');
      expect(Number.isInteger(t.params.max_depth) && t.params.max_depth >= 1 && t.params.max_depth <= 8).to.equal(true);
      expect(['sqrt', null]).to.include(t.params.max_features);
    }
    expect(r.best_value).to.equal(Math.max(...r.trials.map((t: any) => t.value)));
  });

  it('prunes trials whose folds score worse than the median', async () => {
    const r = (
      await submit(
        tune({
          model_name: 'pruned-ridge',
          search_space: { alpha: { type: 'float', low: 0.001, high: 100_000, log: true } },
          sampler: { type: 'random', seed: 5 },
          pruner: { type: 'median', n_startup_trials: 3 },
          n_trials: 12,
          cv: 4,
        }),
      )
    ).result;
    const pruned = r.trials.filter((t: any) => t.state === 'pruned');
    expect(pruned.length).to.be.greaterThan(0);
    for (const t of pruned) expect(t.values.length).to.be.lessThan(4);
    expect(r.trials.filter((t: any) => t.state === 'complete').length + pruned.length).to.equal(12);
    const best = r.trials.find((t: any) => t.number === r.best_trial);
    expect(best.state).to.equal('complete');
    const storage = new MongoStudyStorage(cluster.deps.db.conn);
    expect((await storage.getStudy(r.study_id))!.state).to.equal('complete');
  });

  describe('refuses bad search spaces with a 400 naming the parameter', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['an unknown parameter for the model type', { search_space: { max_depth: { type: 'int', low: 1, high: 5 } } }, /max_depth/],
      ['low >= high', { search_space: { alpha: { type: 'float', low: 5, high: 1 } } }, /alpha.*low \(5\) must be less than high \(1\)/],
      ['a log scale with low <= 0', { search_space: { alpha: { type: 'float', low: 0, high: 1, log: true } } }, /alpha.*low > 0/],
      ['empty choices', { search_space: { fit_intercept: { type: 'categorical', choices: [] } } }, /fit_intercept.*empty/],
      ['a bound the model refuses', { search_space: { alpha: { type: 'float', low: -1, high: 1 } } }, /alpha/],
      ['a grid over a float without a step', { sampler: 'grid', n_trials: undefined, search_space: { alpha: { type: 'float', low: 0.1, high: 1 } } }, /alpha.*step/],
      ['an unknown distribution type', { search_space: { alpha: { type: 'normal', low: 0, high: 1 } } }, /alpha/],
      ['a metric of the wrong task', { metric: 'roc_auc' }, /roc_auc/],
    ];
    for (const [what, extra, message] of cases) {
      it(`refuses ${what}`, async () => {
        const res = await cluster.request('POST', '/v1/jobs', tune(extra));
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.message).to.match(message);
      });
    }
  });
});
