import { expect } from 'chai';
import { sampleCsv, TestCluster } from './harness.js';

const ADMIN = 'admin-key-123456';
const OPERATOR = 'operator-key-123456';
const VIEWER = 'viewer-key-123456';

describe('API keys and roles', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0, apiKeys: `${ADMIN}:admin,${OPERATOR}:operator,${VIEWER}:viewer` });
  before(async () => {
    await cluster.start();
  });
  after(async () => {
    await cluster.stop();
  });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('refuses a request without a key with 401', async () => {
    const res = await cluster.request('GET', '/v1/datasets');
    expect(res.status).to.equal(401);
    expect(res.body.error.message).to.match(/missing API key/);
  });

  it('refuses an unknown key with 401', async () => {
    expect((await cluster.request('GET', '/v1/datasets', undefined, bearer('wrong-key-000000'))).status).to.equal(401);
  });

  it('lets a viewer read but not write', async () => {
    expect((await cluster.request('GET', '/v1/datasets', undefined, { 'x-api-key': VIEWER })).status).to.equal(200);
    const res = await cluster.request('POST', '/v1/datasets?name=a', sampleCsv(10), { ...bearer(VIEWER), 'content-type': 'text/csv' });
    expect(res.status).to.equal(403);
    expect(res.body.error.message).to.match(/operator/);
  });

  it('lets an operator upload datasets', async () => {
    const res = await cluster.request('POST', '/v1/datasets?name=a', sampleCsv(10), { ...bearer(OPERATOR), 'content-type': 'text/csv' });
    expect(res.status).to.equal(201);
  });

  it('keeps health endpoints open', async () => {
    expect((await cluster.request('GET', '/healthz')).status).to.equal(200);
  });

  it('protects Bull Board: no key 401 with a basic-auth challenge, operator 401, admin key 200', async () => {
    const none = await fetch(`${cluster.baseUrl}/admin/queues`);
    expect(none.status).to.equal(401);
    expect(none.headers.get('www-authenticate')).to.match(/Basic/);
    expect((await fetch(`${cluster.baseUrl}/admin/queues`, { headers: bearer(OPERATOR) })).status).to.equal(401);
    const ok = await fetch(`${cluster.baseUrl}/admin/queues`, { headers: bearer(ADMIN) });
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.match(/<html/i);
  });

  it('lets a browser into Bull Board with basic auth whose password is the admin key', async () => {
    const basic = Buffer.from(`admin:${ADMIN}`).toString('base64');
    const res = await fetch(`${cluster.baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name)).to.include('train');
  });
});

describe('API without keys (development)', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0 });
  before(async () => {
    await cluster.start();
  });
  after(async () => {
    await cluster.stop();
  });

  it('serves the API and Bull Board without credentials', async () => {
    expect((await cluster.request('GET', '/v1/datasets')).status).to.equal(200);
    const board = await fetch(`${cluster.baseUrl}/admin/queues`);
    expect(board.status).to.equal(200);
  });
});
