import { expect } from 'chai';
import { TestCluster } from './harness.js';

const ADMIN = 'admin-key-123456';
const VIEWER = 'viewer-key-123456';

/** Every route that takes a body, with the least role it needs. */
const BODY_ROUTES: Array<{ method: string; path: string }> = [
  { method: 'POST', path: '/v1/jobs' },
  { method: 'POST', path: '/v1/datasets' },
  { method: 'POST', path: '/v1/models/m/predict' },
  { method: 'POST', path: '/v1/models/m/feedback' },
  { method: 'POST', path: '/v1/models/m/monitoring/check' },
  { method: 'PATCH', path: '/v1/models/m' },
  { method: 'PATCH', path: '/v1/models/m/versions/1' },
  { method: 'PUT', path: '/v1/models/m/aliases/staging' },
  { method: 'POST', path: '/v1/models/m/aliases/staging/rollback' },
  { method: 'POST', path: '/v1/alerts/a/ack' },
  { method: 'POST', path: '/v1/admin/cleanup' },
];

describe('request bodies: read only after auth, bounded in depth', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0, apiKeys: `${ADMIN}:admin,${VIEWER}:viewer` });
  before(() => cluster.start());
  after(() => cluster.stop());

  for (const r of BODY_ROUTES) {
    it(`${r.method} ${r.path} refuses a request without a valid key before reading its body`, async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong-key-123456' }] as Array<Record<string, string>>) {
        const res = await cluster.request(r.method, r.path, '{"not json', { 'content-type': 'application/json', ...headers });
        expect(res.status, JSON.stringify(res.body)).to.equal(401);
        expect(res.body.error.code).to.equal('unauthorized');
      }
      // an admin's malformed body is parsed, and refused as such
      const admin = await cluster.request(r.method, r.path, '{"not json', { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` });
      expect(admin.status, JSON.stringify(admin.body)).to.equal(400);
    });
  }

  for (const r of BODY_ROUTES.filter((x) => x.path !== '/v1/datasets')) {
    it(`${r.method} ${r.path} refuses a body nested deeper than api.max_body_depth without parsing it`, async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const res = await cluster.request(r.method, r.path, `{"a": ${deep}}`, { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.message).to.include('api.max_body_depth');
    });
  }

  it('refuses a YAML job nested too deep, in flow or block style', async () => {
    const flow = `model: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    let block = 'model:\n';
    for (let i = 1; i <= 40; i++) block += `${'  '.repeat(i)}k${i}:\n`;
    block += `${'  '.repeat(41)}v: 1\n`;
    for (const body of [flow, block]) {
      const res = await cluster.request('POST', '/v1/jobs', body, { 'content-type': 'application/yaml', authorization: `Bearer ${ADMIN}` });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.message).to.include('api.max_body_depth');
    }
  });

  it('still takes a body nested within the limit', async () => {
    const res = await cluster.request('POST', '/v1/models/nothing/feedback', { labels: [{ id: 'x', label: 1 }], extra: [[[[1]]]] }, { authorization: `Bearer ${VIEWER}` });
    expect(res.status).to.be.within(400, 499);
    expect(res.body.error.message).to.not.include('api.max_body_depth');
  });

  it('still answers /healthz after all of it', async () => {
    expect((await cluster.request('GET', '/healthz')).status).to.equal(200);
  });
});
