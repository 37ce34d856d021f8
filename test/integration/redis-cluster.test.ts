import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { createRedis } from '../../queues/connection.js';
import { freePort, sampleCsv, slowCsv, slowModel, TestCluster } from './harness.js';
import { StoreProcess, waitPort } from './store-process.js';

const run = promisify(execFile);

/** Distinct free ports: the kernel may hand the same one out twice in a row. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/**
 * A local Redis Cluster of three masters (redis-server --cluster-enabled,
 * joined by redis-cli --cluster create), and the whole cluster of ours on
 * it: REDIS_URL lists the seed nodes, REDIS_CLUSTER=true, the queue prefix
 * hash-tagged so each queue's keys share a slot.
 */
describe('on a Redis Cluster (three masters)', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-rcluster-'));
  const nodes: StoreProcess[] = [];
  let ports: number[] = [];
  let cluster: TestCluster;
  let dataset: string;

  before(async () => {
    const all = await freePorts(6);
    ports = all.slice(0, 3);
    // the bus port set explicitly: port + 10000 may be past 65535 for a kernel-chosen port
    ports.forEach((port, i) => {
      const node = new StoreProcess(`redis-${port}`, 'redis-server', [
        '--port', String(port), '--cluster-port', String(all[3 + i]), '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`),
        '--dir', dir, '--save', '', '--appendonly', 'no',
      ]);
      node.start();
      nodes.push(node);
    });
    for (const port of ports) await waitPort(port);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const deadline = Date.now() + 30_000; ; ) {
      const states = await Promise.all(ports.map(async (p) => (await run('redis-cli', ['-p', String(p), 'cluster', 'info'])).stdout));
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error(`the cluster never came up:\n${states.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    cluster = new TestCluster({ redisUrl: `redis://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, redisCluster: true });
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=rc', sampleCsv(150), { 'content-type': 'text/csv' });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    dataset = up.body.id;
  });

  after(async () => {
    await cluster?.stop();
    for (const n of nodes) await n.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains a model through the cluster', async () => {
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'rc-train', dataset, target: 'label', model: { type: 'random_forest', hyperparameters: { n_estimators: 10 } }, cv: 2 });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed']);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    const pred = await cluster.request('POST', '/v1/models/rc-train/predict', { instances: [{ x1: 3, x2: 1, color: 'red', y: 4 }] });
    expect(pred.status, JSON.stringify(pred.body)).to.equal(200);
    expect(pred.body.predictions).to.have.length(1);
  });

  it('tunes through the cluster: trials go through the tune_trial queue and all finish', async () => {
    const res = await cluster.request('POST', '/v1/jobs', {
      type: 'tune',
      model_name: 'rc-tune',
      dataset,
      target: 'label',
      task: 'classification',
      model: { type: 'gradient_boosting' },
      search_space: { n_estimators: { type: 'int', low: 5, high: 30 } },
      sampler: { type: 'random', seed: 3 },
      metric: 'accuracy',
      n_trials: 4,
      parallelism: 2,
      cv: 2,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 180_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    expect(job.result.trials).to.have.length(4);
    expect(job.result.trials.every((t: { state: string }) => t.state === 'complete')).to.equal(true);
  });

  it('keeps every key of ours on the one master that owns the slot of the prefix\'s hash tag', async () => {
    expect(cluster.prefix).to.match(/^\{tytest-[0-9a-f]+\}$/);
    const redis = createRedis({ url: cluster.redisUrl, cluster: true }, 'trainyard-test');
    try {
      expect(redis).to.be.instanceOf(Cluster);
      await new Promise((r) => redis.once('ready', r));
      const owners = await Promise.all((redis as Cluster).nodes('master').map(async (n) => (await n.keys(`${cluster.prefix}:*`)).length));
      expect(owners).to.have.length(3);
      expect(owners.filter((n) => n > 0), `keys per master: ${owners.join(', ')}`).to.have.length(1);
    } finally {
      await redis.quit();
    }
  });

  it('cancels a running job through the cluster (the cancel travels on the cluster\'s pub/sub)', async () => {
    const up = await cluster.request('POST', '/v1/datasets?name=rc-slow', slowCsv(2000), { 'content-type': 'text/csv' });
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'rc-cancel', dataset: up.body.id, target: 'target', model: slowModel, cv: 3 });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    await cluster.waitForJob(res.body.id, ['active', 'completed', 'failed'], 60_000);
    // one job at a time per queue: this one waits behind the running one, and a bulk cancel takes it off
    const queued = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'rc-cancel2', dataset: up.body.id, target: 'target', model: slowModel, cv: 3 });
    const bulk = await cluster.request('DELETE', '/v1/jobs?state=queued&model=rc-cancel2');
    expect(bulk.status, JSON.stringify(bulk.body)).to.equal(202);
    expect(bulk.body).to.include({ matched: 1, cancelled: 1 });
    expect((await cluster.waitForJob(queued.body.id, ['cancelled', 'completed', 'failed'], 60_000)).state).to.equal('cancelled');
    const del = await cluster.request('DELETE', `/v1/jobs/${res.body.id}`);
    expect(del.status, JSON.stringify(del.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id, ['cancelled', 'completed', 'failed'], 60_000);
    expect(job.state).to.equal('cancelled');
  });
});
