import { expect } from 'chai';
import { sendRaw } from '../fuzz/fuzz-cluster.js';
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

  const port = (): number => Number(new URL(cluster.baseUrl).port);
  const isJsonError = (body: Buffer): boolean => {
    const e = JSON.parse(body.toString('utf8')).error;
    return typeof e?.code === 'string' && typeof e?.message === 'string' && e.message.length > 0;
  };

  it('answers what the HTTP parser refuses with the JSON error shape: bytes after a short Content-Length, bad framing, huge headers', async () => {
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const body = Buffer.from('{"grace_minutes": 60, "dry_run": true}');
    // a Content-Length of half the body: the rest is read as a second, malformed request
    const short = await sendRaw(port(), { method: 'POST', path: '/v1/admin/cleanup', headers: admin, body, framing: 'short', route: '' });
    expect(short!.statuses.every((s) => s >= 400 && s < 500), String(short!.statuses)).to.equal(true);
    expect(short!.headers['content-type']).to.match(/^application\/json/);
    expect(isJsonError(short!.body)).to.equal(true);
    // two framings at once
    const both = await sendRaw(port(), { method: 'POST', path: '/v1/admin/cleanup', headers: { ...admin, 'transfer-encoding': 'chunked', 'content-length': '3' }, body, framing: 'none', route: '' });
    expect(both!.status).to.equal(400);
    expect(both!.headers['content-type']).to.match(/^application\/json/);
    expect(JSON.parse(both!.body.toString()).error.message).to.match(/^malformed HTTP request: HPE_/);
    const huge = await sendRaw(port(), { method: 'GET', path: '/v1/jobs', headers: { ...admin, 'x-filler': 'x'.repeat(40_000) }, body: Buffer.alloc(0), framing: 'none', route: '' });
    expect(huge!.status).to.equal(431);
    expect(JSON.parse(huge!.body.toString()).error.code).to.equal('headers_too_large');
  });

  it('says a job or dataset request has no body, rather than that its declared type is wrong', async () => {
    for (const path of ['/v1/jobs', '/v1/datasets?name=d']) {
      for (const type of ['application/json', 'application/yaml', 'text/csv']) {
        const res = await cluster.request('POST', path, undefined, { 'content-type': type, authorization: `Bearer ${ADMIN}` });
        expect(res.status, `${path} ${type}: ${JSON.stringify(res.body)}`).to.equal(400);
        expect(res.body.error.message).to.match(/^the request has no body: send /);
      }
    }
  });

  it('still answers /healthz after all of it', async () => {
    expect((await cluster.request('GET', '/healthz')).status).to.equal(200);
  });
});
