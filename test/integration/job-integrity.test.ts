import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { canonicalJson } from '../../src/utils/canonical-json.js';
import { sampleCsv, TestCluster } from './harness.js';

const OPS_A = 'operator-a-key-123456';
const OPS_B = 'operator-b-key-123456';
const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** What a client may put in a job: version labels, Idempotency-Key replays, and nothing that is the scheduler's. */
describe('job integrity: version labels, idempotency keys, scheduler-only fields', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0, apiKeys: `${OPS_A}:operator,${OPS_B}:operator` });
  const train = (extra: Record<string, unknown> = {}) => ({ type: 'train', model_name: 'm', dataset: 'd', target: 'label', model: { type: 'logistic_regression', ...extra } });

  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=d', sampleCsv(40), { 'content-type': 'text/csv', ...as(OPS_A) });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
  });
  after(() => cluster.stop());

  it('refuses a version label that is all digits or has characters unsafe in a header or URL, and takes a safe one', async () => {
    for (const version of ['7', '0012', 'a b', 'v1\r\nX-Evil: 1', 'v"1', "v'1", '-v1', '.v1', 'v/1', 'x'.repeat(65), '']) {
      const res = await cluster.request('POST', '/v1/jobs', train({ version }), as(OPS_A));
      expect(res.status, `${JSON.stringify(version)}: ${JSON.stringify(res.body)}`).to.equal(400);
      expect(res.body.error.message).to.include('model.version');
    }
    const number = await cluster.request('POST', '/v1/jobs', train({ version: 7 }), as(OPS_A));
    expect(number.status).to.equal(400);
    for (const version of ['v7', '1.2.0', 'release-2026_12+b1']) {
      const res = await cluster.request('POST', '/v1/jobs', train({ version }), as(OPS_A));
      expect(res.status, `${version}: ${JSON.stringify(res.body)}`).to.equal(202);
    }
  });

  it('replays an Idempotency-Key only for the same caller and the same body; another body is a 422', async () => {
    const key = { 'idempotency-key': 'nightly-2026-12-06' };
    const first = await cluster.request('POST', '/v1/jobs', train(), { ...as(OPS_A), ...key });
    expect(first.status).to.equal(202);
    // the same body with its keys in another order is the same body
    const again = await cluster.request('POST', '/v1/jobs', { model: { type: 'logistic_regression' }, target: 'label', dataset: 'd', model_name: 'm', type: 'train' }, { ...as(OPS_A), ...key });
    expect(again.status).to.equal(202);
    expect(again.body.id).to.equal(first.body.id);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    const other = await cluster.request('POST', '/v1/jobs', train({ hyperparameters: { C: 2 } }), { ...as(OPS_A), ...key });
    expect(other.status, JSON.stringify(other.body)).to.equal(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    expect(other.body.error.message).to.include('nightly-2026-12-06');
    // another caller's equal key is its own key
    const b = await cluster.request('POST', '/v1/jobs', train(), { ...as(OPS_B), ...key });
    expect(b.status).to.equal(202);
    expect(b.body.id).to.not.equal(first.body.id);
    expect(b.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('lets a key whose job was never made (its request failed half-way) be taken again after a minute, not refused forever', async () => {
    const old = new Date(Date.now() - 120_000);
    const key = 'half-made-1';
    // what a request that took the key and then lost its store leaves behind
    const callerA = (await cluster.request('POST', '/v1/jobs', train(), { ...as(OPS_A), 'idempotency-key': 'probe-caller' })).body.id;
    const probe = await cluster.deps.db.idempotency.findOne({ jobId: callerA }).lean();
    const scope = probe!._id.slice(0, probe!._id.length - ' probe-caller'.length);
    const bodyHash = createHash('sha256').update(canonicalJson(train())).digest('hex');
    await cluster.deps.db.idempotency.collection.insertOne({ _id: `${scope} ${key}` as never, jobId: 'never-made', bodyHash, createdAt: old, updatedAt: old });
    const res = await cluster.request('POST', '/v1/jobs', train(), { ...as(OPS_A), 'idempotency-key': key });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const again = await cluster.request('POST', '/v1/jobs', train(), { ...as(OPS_A), 'idempotency-key': key });
    expect(again.body.id).to.equal(res.body.id);
  });

  it("refuses a monitor job that sets the scheduler's tick", async () => {
    const res = await cluster.request('POST', '/v1/jobs', { type: 'monitor', model_name: 'm', tick: '2026-12-06T00:00:00.000Z' }, as(OPS_A));
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.message).to.include('tick');
  });
});
