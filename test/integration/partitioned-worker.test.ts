import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, slowCsv, slowModel, TestCluster } from './harness.js';
import { ferretdbArgs, ferretdbBinary, StoreProcess, waitPort } from './store-process.js';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when this process may make network namespaces (root with iproute2). */
function canMakeNamespaces(): boolean {
  try {
    const probe = `typrobe${randomBytes(3).toString('hex')}`;
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * A worker on another host: a network namespace of the test's own joined to
 * this one by a veth pair (addresses in a /30 local to the test). Redis and
 * MongoDB (the test's own, listening on this side's address) serve the API
 * and a worker here and the worker over there. Its link is cut while it runs
 * a job: the job's lock lapses, a worker here takes the job over and
 * finishes it; the link heals and the partitioned worker's late result
 * changes nothing (one version, the record as the finisher left it).
 */
describe('a worker on another host, partitioned mid-job', function () {
  this.timeout(300_000);
  const tag = randomBytes(3).toString('hex');
  const ns = `ty${tag}`;
  const here = `tyh${tag}`;
  const there = `tyt${tag}`;
  const net = `10.213.${randomInt(0, 64) * 4}`;
  const [hostAddr, farAddr] = [`${net}.1`, `${net}.2`];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-netns-'));
  const password = randomBytes(12).toString('hex');
  const stores: StoreProcess[] = [];
  let cluster: TestCluster;
  let far: ChildProcess;

  before(async function () {
    if (!canMakeNamespaces() || !existsSync(ferretdbBinary())) this.skip();
    ip('netns', 'add', ns);
    ip('link', 'add', here, 'type', 'veth', 'peer', 'name', there);
    ip('link', 'set', there, 'netns', ns);
    ip('addr', 'add', `${hostAddr}/30`, 'dev', here);
    ip('link', 'set', here, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${farAddr}/30`, 'dev', there);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', there, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');

    const redisPort = await freePort();
    const mongoPort = await freePort();
    const redis = new StoreProcess('redis', 'redis-server', ['--port', String(redisPort), '--bind', hostAddr, '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir]);
    const mongo = new StoreProcess('mongodb', ferretdbBinary(), ferretdbArgs(dir, hostAddr, mongoPort));
    stores.push(redis, mongo);
    redis.start();
    mongo.start();
    await waitPort(redisPort, hostAddr);
    await waitPort(mongoPort, hostAddr);
    cluster = new TestCluster({
      workers: 0,
      redisUrl: `redis://:${password}@${hostAddr}:${redisPort}`,
      mongoBase: `mongodb://${hostAddr}:${mongoPort}`,
      workerEnv: { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000', POOL_THREADS: '1' },
    });
    await cluster.start();
    far = await cluster.startWorker({}, [], { netns: ns });
  });

  after(async () => {
    await cluster?.stop().catch(() => undefined);
    for (const s of stores) await s.kill();
    try {
      ip('netns', 'del', ns);
    } catch {
      // never made
    }
    try {
      ip('link', 'del', here);
    } catch {
      // gone with the namespace
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the job to a worker here once the lock lapses, finishes it once, and discards the late result', async () => {
    const up = await cluster.request('POST', '/v1/datasets?name=far', slowCsv(4000), { 'content-type': 'text/csv' });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'far', dataset: up.body.id, target: 'target', model: slowModel, cv: 3 });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const id = res.body.id;
    const queue = cluster.deps.queues.get('train');
    for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
      const job = await queue.getJob(id);
      if (job?.processedBy && (await job.getState()) === 'active') break;
      if (Date.now() > deadline) throw new Error('the far worker never took the job');
    }
    expect((await queue.getJob(id))!.processedBy).to.match(new RegExp(`:${far.pid}$`));
    // the far worker runs a fold, then its link goes
    await sleep(1500);
    const near = await cluster.startWorker();
    ip('netns', 'exec', ns, 'ip', 'link', 'set', there, 'down');

    const done = await cluster.waitForJob(id, ['completed', 'failed'], 240_000);
    expect(done.state, JSON.stringify(done.error)).to.equal('completed');
    expect((await queue.getJob(id))!.processedBy).to.match(new RegExp(`:${near.pid}$`));
    expect(far.exitCode, 'the partitioned worker is alive, only cut off').to.equal(null);

    ip('netns', 'exec', ns, 'ip', 'link', 'set', there, 'up');
    // the far worker reaches the stores again, ends its attempt and finds its writes fenced off
    const farLog = cluster.workerLogs.get(far)!;
    for (const deadline = Date.now() + 120_000; ; await sleep(250)) {
      const text = farLog.join('');
      if (new RegExp(`"job":"${id}"[^\\n]*result discarded`).test(text)) break;
      if (Date.now() > deadline) throw new Error(`the far worker never ended its attempt:\n${text.slice(-3000)}`);
    }
    await sleep(1000);
    if (process.env.SHOW_FAR_LOG) console.log(farLog.join(''));

    const after = await cluster.request('GET', `/v1/jobs/${id}`);
    expect(after.body.state).to.equal('completed');
    expect(after.body.finished_at).to.equal(done.finished_at);
    expect(after.body.result).to.deep.equal(done.result);
    expect(await (await queue.getJob(id))!.getState()).to.equal('completed');
    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: 'far' })).to.equal(1);
    const files = await cluster.deps.db.conn.collection('artifacts.files').countDocuments({ 'metadata.model': 'far' });
    expect(files, 'one model artifact: the late attempt left no orphan').to.equal(1);
  });
});
