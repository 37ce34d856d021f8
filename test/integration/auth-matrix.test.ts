import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import type { Role } from '../../config/index.js';
import { createApp } from '../../src/api/app.js';
import { routeTable, type RouteEntry } from '../../src/api/route-table.js';
import { TestCluster } from './harness.js';

const KEYS: Record<Role, string> = { admin: 'matrix-admin-key-0001', operator: 'matrix-operator-key-0001', viewer: 'matrix-viewer-key-0001' };
const RANK: Record<Role | 'open', number> = { open: 0, viewer: 1, operator: 2, admin: 3 };
type Caller = 'none' | 'bad' | Role;
const CALLERS: Caller[] = ['none', 'bad', 'viewer', 'operator', 'admin'];
const BOARD = '/admin/queues';

/** The README's endpoint tables: `| METHOD /path | role | ... |`, or `| /prefix | role |` for everything under a prefix. */
function documentedRoutes(): Array<{ method: string | null; path: string; role: string }> {
  const out: Array<{ method: string | null; path: string; role: string }> = [];
  for (const line of readFileSync('README.md', 'utf8').split('\n')) {
    const m = /^\|\s*((?:GET|POST|PUT|PATCH|DELETE)\s+\/[^|]*|\/[^|\s]*)\s*\|\s*(\w+)/.exec(line);
    if (!m) continue;
    const [method, path] = m[1].includes(' ') ? m[1].trim().split(/\s+/, 2) : [null, m[1]];
    out.push({ method, path: path.split('?')[0], role: m[2] });
  }
  return out;
}

/** Route paths compared without parameter names (`:id` and `:ref` are the same slot). */
const shape = (path: string): string => path.replace(/:\w+/g, ':p').toLowerCase();

/** A concrete path for a route: every parameter a value no record has. */
const concrete = (path: string): string => path.replace(/:\w+/g, 'nosuch-1');

function headersFor(caller: Caller): Record<string, string> {
  if (caller === 'none') return {};
  if (caller === 'bad') return { authorization: 'Bearer not-a-key-at-all-0000' };
  return { authorization: `Bearer ${KEYS[caller]}` };
}

/** One request with its path sent exactly as given (no client-side normalisation of `//`, `.`, `%`). */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(baseUrl);
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': '2' } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What a caller must get: 401, 403, or anything else ('allowed', which must not be a 5xx either). */
function expected(route: RouteEntry, caller: Caller): 401 | 403 | 'allowed' {
  if (route.role === 'open') return 'allowed';
  if (caller === 'none' || caller === 'bad') return 401;
  if (RANK[caller] >= RANK[route.role]) return 'allowed';
  // Bull Board answers a key without the admin role with a basic-auth challenge (401), the API with 403
  return route.path.startsWith(BOARD) ? 401 : 403;
}

describe('auth matrix: every route of the route table x every kind of caller', function () {
  this.timeout(120_000);
  const cluster = new TestCluster({ workers: 0, apiKeys: Object.entries(KEYS).map(([role, key]) => `${key}:${role}`).join(',') });
  let routes: RouteEntry[] = [];
  before(async () => {
    await cluster.start();
    routes = routeTable(createApp(cluster.deps));
  });
  after(async () => {
    await cluster.stop();
  });

  it('reads the whole app: API routes, the predict hot path and Bull Board API paths', () => {
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const k of ['POST /v1/models/:name/predict', 'POST /v1/jobs', 'GET /healthz', 'GET /admin/queues/api/queues', 'PUT /admin/queues/api/queues/:queueName/obliterate']) {
      expect(keys, k).to.include(k);
    }
    expect(routes.length).to.be.greaterThan(60);
    const unguarded = routes.filter((r) => r.role === 'open').map((r) => `${r.method} ${r.path}`);
    expect(unguarded.sort(), 'only health and metrics are open').to.deep.equal(['GET /healthz', 'GET /metrics', 'GET /readyz']);
  });

  it('documents every route with its role in the README', () => {
    const docs = documentedRoutes();
    const missing: string[] = [];
    for (const r of routes) {
      const doc =
        docs.find((d) => d.method === r.method && shape(d.path) === shape(r.path)) ??
        docs.find((d) => d.method === null && (r.path === d.path || r.path.startsWith(`${d.path}/`)));
      if (!doc) missing.push(`${r.method} ${r.path}: not in the README`);
      else if (doc.role !== r.role) missing.push(`${r.method} ${r.path}: README says ${doc.role}, the route needs ${r.role}`);
    }
    for (const d of docs.filter((x) => x.method)) {
      if (!routes.some((r) => r.method === d.method && shape(r.path) === shape(d.path))) missing.push(`README documents ${d.method} ${d.path}, which the app does not serve`);
    }
    expect(missing).to.deep.equal([]);
  });

  for (const caller of CALLERS) {
    it(`answers every route as documented for caller: ${caller}`, async () => {
      const wrong: string[] = [];
      for (const route of routes) {
        const status = await send(cluster.baseUrl, route.method, concrete(route.path), headersFor(caller));
        const want = expected(route, caller);
        const ok = want === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === want;
        if (!ok) wrong.push(`${route.method} ${route.path}: ${status}, expected ${want}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }

  it('lets no spelling of a guarded path past the guard (case, slashes, dot segments, escapes, HEAD)', async () => {
    const wrong: string[] = [];
    const variants = (p: string): string[] => [
      p.toUpperCase(),
      `${p}/`,
      p.replace(/^\//, '//'),
      p.replace('/', '//').replace(/\/([^/]+)$/, '//$1'),
      p.replace(/^\/(\w+)\//, '/$1/./'),
      p.replace(/^\/(\w+)\//, '/$1/x/../'),
      p.replace(/([a-z])/, (c) => `%${c.charCodeAt(0).toString(16)}`),
      `${p}?x=1`,
      `${p};x=1`,
      `${p}%00`,
      `${p}/%2e%2e/`,
    ];
    for (const route of routes.filter((r) => r.role !== 'open')) {
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        for (const path of variants(concrete(route.path))) {
          for (const caller of ['none', 'bad'] as const) {
            const status = await send(cluster.baseUrl, method, path, headersFor(caller));
            // refused, or not a route at all; never served and never a server error
            if (![400, 401, 404].includes(status)) wrong.push(`${caller} ${method} ${path}: ${status}`);
          }
        }
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
