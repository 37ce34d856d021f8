import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { parseCsv } from '../../src/ml/data/csv.js';
import { ModelPipeline } from '../../src/ml/pipeline/model-pipeline.js';
import { registerVersion } from '../../src/registry/model-registry.js';
import { createModelServer } from '../../src/serving/create-model-server.js';
import { createLogger } from '../../src/utils/logger.js';
import { sampleCsv, TestCluster } from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('serving across API processes (real Redis and MongoDB)', function () {
  this.timeout(90_000);
  const cluster = new TestCluster({ workers: 0, overrides: { serving: { resolveTtlMs: 60_000 } } });
  const pipeline = new ModelPipeline({ type: 'logistic_regression', task: 'classification', target: 'label', features: ['x1', 'x2', 'color'] }).fit(parseCsv(sampleCsv(100)));
  const instance = { x1: 9, x2: 2, color: 'red' };

  before(async () => {
    await cluster.start();
    await registerVersion(cluster.deps.db, {
      modelName: 'churn',
      task: 'classification',
      type: 'logistic_regression',
      target: 'label',
      features: ['x1', 'x2', 'color'],
      featureSchema: pipeline.featureSchema.map((f) => ({ ...f })),
      classes: pipeline.classes ?? null,
      hyperparameters: {},
      config: { type: 'logistic_regression' },
      metrics: {},
      cvMetrics: {},
      model: JSON.stringify(pipeline.toJSON()),
      lineage: { dataset: { id: 'x', name: 'x', version: 1, sha256: 'x' }, job_id: 'j', job_type: 'train', hyperparameters: {}, package_version: '0' },
      sourceJobId: 'job-cluster-1',
    });
  });
  after(async () => {
    await cluster.stop();
  });

  it('serves predictions from several processes behind one port and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const primary: ChildProcess = spawn(process.execPath, [path.resolve('dist/src/api/cluster.js')], {
      env: { ...process.env, ...cluster.env(), PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: '2', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => primary.on('exit', (code) => resolve(code)));
    try {
      let ok = 0;
      for (let i = 0; i < 200 && ok < 10; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/models/churn/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances: [instance] }),
        }).catch(() => null);
        if (res?.status === 200) {
          expect(((await res.json()) as { predictions: unknown }).predictions).to.deep.equal(pipeline.predictRecords([instance]).predictions);
          ok++;
        } else await new Promise((r) => setTimeout(r, 100));
      }
      expect(ok).to.equal(10);
      expect(children(primary.pid!)).to.have.length(2);
    } finally {
      primary.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });

  it("makes the other API processes forget a changed model's lookups", async () => {
    const other = await createModelServer({ config: cluster.config, db: cluster.deps.db, redis: cluster.deps.redis, logger: createLogger('silent', 'test') });
    try {
      let lookups = 0;
      const resolve = other.resolve.bind(other);
      other.resolve = (name, req) => {
        lookups++;
        return resolve(name, req);
      };
      await other.predict('churn', { instances: [instance] });
      await other.predict('churn', { instances: [instance] });
      expect(lookups).to.equal(1);
      await cluster.deps.models.modelChanged('churn');
      for (let i = 0; i < 50 && lookups < 2; i++) {
        await new Promise((r) => setTimeout(r, 40));
        await other.predict('churn', { instances: [instance] });
      }
      expect(lookups).to.equal(2);
    } finally {
      await other.close();
    }
  });
});
