import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { sampleCsv, slowCsv, slowModel, TestCluster } from './harness.js';

/** Sends a raw body with the given headers; resolves with status and parsed body, or the socket error. */
function rawPost(baseUrl: string, path: string, headers: Record<string, string>, body: Buffer | string, endEarly = false): Promise<{ status: number; body: any } | { error: string }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep text
        }
        resolve({ status: res.statusCode!, body: parsed });
      });
    });
    req.on('error', (err) => resolve({ error: err.message }));
    req.write(body);
    if (endEarly) setTimeout(() => req.destroy(), 200);
    else req.end();
  });
}

function multipart(boundary: string, parts: Array<{ name: string; filename?: string; value: string }>, close = true): string {
  let out = '';
  for (const p of parts) {
    out += `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n`;
    if (p.filename) out += 'Content-Type: text/csv\r\n';
    out += `\r\n${p.value}\r\n`;
  }
  if (close) out += `--${boundary}--\r\n`;
  return out;
}

describe('crash classes: no input takes a process down', function () {
  this.timeout(300_000);
  const cluster = new TestCluster({ workers: 1, overrides: { api: { multipartFields: 4, multipartFieldBytes: 1024 } } });
  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=sample', sampleCsv(), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
  });
  after(() => cluster.stop());

  const boundary = 'fuzzboundary123';
  const type = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  const csv = sampleCsv(20);

  const cases: Array<{ name: string; body: string; status: number[] }> = [
    { name: 'a body that ends before its closing boundary', body: multipart(boundary, [{ name: 'file', filename: 'a.csv', value: csv }], false), status: [400] },
    { name: 'a body cut inside the file part', body: multipart(boundary, [{ name: 'file', filename: 'a.csv', value: csv }]).slice(0, 200), status: [400] },
    { name: 'a body with only a preamble', body: 'garbage without any boundary', status: [400] },
    { name: 'a field part cut before its value', body: `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nabc`, status: [400] },
    { name: 'more fields than allowed', body: multipart(boundary, [...Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, value: 'x' })), { name: 'file', filename: 'a.csv', value: csv }]), status: [413] },
    { name: 'a field larger than allowed', body: multipart(boundary, [{ name: 'name', value: 'x'.repeat(5000) }, { name: 'file', filename: 'a.csv', value: csv }]), status: [413] },
    { name: 'two file parts', body: multipart(boundary, [{ name: 'file', filename: 'a.csv', value: csv }, { name: 'file', filename: 'b.csv', value: csv }]), status: [413] },
  ];
  for (const c of cases) {
    it(`answers a multipart upload with ${c.name} with a JSON 4xx and keeps serving`, async () => {
      const res = await rawPost(cluster.baseUrl, '/v1/datasets?name=mp', type, c.body);
      expect(res, JSON.stringify(res)).to.have.property('status');
      const r = res as { status: number; body: any };
      expect(c.status, JSON.stringify(r.body)).to.include(r.status);
      expect(r.body.error, JSON.stringify(r.body)).to.have.property('code');
      expect(r.body.error.message).to.be.a('string').and.not.empty;
      const health = await cluster.request('GET', '/v1/datasets');
      expect(health.status).to.equal(200);
    });
  }

  it('survives a client that hangs up in the middle of a multipart upload', async () => {
    const res = await rawPost(cluster.baseUrl, '/v1/datasets?name=mp', { ...type, 'content-length': '100000' }, multipart(boundary, [{ name: 'file', filename: 'a.csv', value: csv }], false), true);
    expect(res).to.have.property('error');
    await new Promise((r) => setTimeout(r, 300));
    const health = await cluster.request('GET', '/v1/datasets');
    expect(health.status).to.equal(200);
  });

  it('still takes a good multipart upload', async () => {
    const res = await rawPost(cluster.baseUrl, '/v1/datasets', type, multipart(boundary, [{ name: 'name', value: 'good-mp' }, { name: 'file', filename: 'a.csv', value: csv }]));
    expect((res as { status: number }).status, JSON.stringify(res)).to.equal(201);
  });

  it('fails only the job whose folds fail fast, with the reason; the worker lives and takes the next job', async () => {
    const worker = cluster.workers[0];
    for (let round = 0; round < 5; round++) {
      const bad = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: `bad-${round}`, dataset: 'sample', target: 'color', task: 'regression', model: { type: 'gradient_boosting', hyperparameters: { n_estimators: 5 } }, cv: 2 });
      expect(bad.status, JSON.stringify(bad.body)).to.equal(202);
      const job = await cluster.waitForJob(bad.body.id, ['completed', 'failed'], 60_000);
      expect(job.state).to.equal('failed');
      expect(JSON.stringify(job.error)).to.match(/color|numeric|number|regression/i);
      const bullJob = await cluster.deps.queues.get('train').getJob(bad.body.id);
      expect(await bullJob!.getState(), cluster.workerLogs.get(cluster.workers[0])!.join('').slice(-3000)).to.equal('failed');
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(worker.exitCode, cluster.workerLogs.get(worker)!.join('')).to.equal(null);
    const good = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'good', dataset: 'sample', target: 'label', task: 'classification', model: { type: 'logistic_regression' }, cv: 2 });
    const done = await cluster.waitForJob(good.body.id, ['completed', 'failed'], 60_000);
    expect(done.state, JSON.stringify(done.error)).to.equal('completed');
    expect(worker.exitCode).to.equal(null);
  });
});

describe('a job that takes its worker down twice', function () {
  this.timeout(300_000);
  const cluster = new TestCluster({ workers: 0, workerEnv: { LOCK_DURATION_MS: '3000', STALLED_INTERVAL_MS: '1500', SHUTDOWN_GRACE_MS: '1000' } });
  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=slow', slowCsv(), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
  });
  after(() => cluster.stop());

  async function killWhenRunning(worker: ChildProcess, jobId: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!cluster.workerLogs.get(worker)!.join('').includes(`"job":"${jobId}"`)) {
      if (Date.now() > deadline) throw new Error(`job ${jobId} never started on the worker:\n${cluster.workerLogs.get(worker)!.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
  }

  it('fails visibly as poisoned instead of being handed out a third time', async () => {
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'poison', dataset: 'slow', target: 'target', task: 'classification', model: { ...slowModel, hyperparameters: { ...slowModel.hyperparameters, epochs: 200 } }, cv: 3 });
    expect(res.status).to.equal(202);
    await killWhenRunning(await cluster.startWorker(), res.body.id);
    await killWhenRunning(await cluster.startWorker(), res.body.id);
    const third = await cluster.startWorker();
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 120_000);
    expect(job.state, cluster.workerLogs.get(third)!.join('')).to.equal('failed');
    expect(job.error.code).to.equal('poisoned');
    expect(job.error.message).to.match(/twice/);
    const bullJob = await cluster.deps.queues.get('train').getJob(res.body.id);
    expect(await bullJob!.getState()).to.equal('failed');
    expect(third.exitCode).to.equal(null);
    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: 'poison' })).to.equal(0);
  });
});
