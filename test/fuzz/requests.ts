import fc from 'fast-check';
import { z } from 'zod';
import type { Role } from '../../config/index.js';
import { JOB_SCHEMAS } from '../../queues/job-schemas.js';
import type { RouteEntry } from '../../src/api/route-table.js';
import { cleanupSchema } from '../../src/api/routes/admin.routes.js';
import { alertQuerySchema } from '../../src/api/routes/alerts.routes.js';
import { jsonDatasetSchema } from '../../src/api/routes/datasets.routes.js';
import { historySchema, seriesQuerySchema } from '../../src/api/routes/monitoring.routes.js';
import { aliasPutSchema, rollbackSchema } from '../../src/api/routes/registry.routes.js';
import { jobQuerySchema } from '../../src/jobs/job-service.js';
import { feedbackRequestSchema } from '../../src/monitoring/feedback.js';
import { modelPatchSchema, versionPatchSchema } from '../../src/registry/version-lifecycle.js';
import { predictRequestSchema } from '../../src/serving/model-server.js';
import { arbitraryFrom, hostileValue, maybe, type JsonSchema, type SchemaArbitraryOptions } from './schema-arbitrary.js';

/** One generated request, framed as it goes on the wire. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** exact: right Content-Length; chunked; short/long: a Content-Length below/above the bytes sent; none: no length at all */
  framing: 'exact' | 'chunked' | 'short' | 'long' | 'none';
  route: string;
}

const json = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/**
 * The schema of each route's body and query, from the schemas the routes
 * themselves parse with. A body route of the route table without one here
 * fails the fuzz test, so a new route is fuzzed from its schema too.
 */
export function routeSchemas(): Record<string, { body?: JsonSchema; query?: JsonSchema; csv?: boolean }> {
  const jobs: JsonSchema = { anyOf: Object.values(JOB_SCHEMAS).map((s) => json(s as z.ZodType)) };
  return {
    'POST /v1/datasets': { body: json(jsonDatasetSchema), csv: true, query: { type: 'object', properties: { name: { type: 'string' }, types: { type: 'string' } } } },
    'GET /v1/datasets': { query: { type: 'object', properties: { name: { type: 'string' } } } },
    'POST /v1/jobs': { body: jobs },
    'GET /v1/jobs': { query: json(jobQuerySchema) },
    'POST /v1/models/:name/predict': { body: json(predictRequestSchema) },
    'POST /v1/models/:name/feedback': { body: json(feedbackRequestSchema) },
    'GET /v1/models/:name/monitoring': { query: json(historySchema) },
    'POST /v1/models/:name/monitoring/check': { body: { type: 'object' } },
    'GET /v1/alerts': { query: json(alertQuerySchema) },
    'POST /v1/alerts/:id/ack': { body: { type: 'object' } },
    'POST /v1/alerts/:id/resolve': { body: { type: 'object' } },
    'GET /v1/monitoring/series': { query: json(seriesQuerySchema) },
    'PATCH /v1/models/:name': { body: json(modelPatchSchema) },
    'PATCH /v1/models/:name/versions/:version': { body: json(versionPatchSchema) },
    'PUT /v1/models/:name/aliases/:alias': { body: json(aliasPutSchema) },
    'POST /v1/models/:name/aliases/:alias/rollback': { body: json(rollbackSchema) },
    'GET /v1/models/:name/compare': { query: { type: 'object', properties: { versions: { type: 'string' } } } },
    'POST /v1/admin/cleanup': { body: json(cleanupSchema) },
  };
}

/** Names the fuzzer's own good requests create, so generated requests often hit real records. */
export const WORDS = ['fz-data', 'fz-model', 'x1', 'x2', 'color', 'label', 'y', 'production', 'staging', 'latest', '1', '2', 'fz-data@1', 'classification', 'regression', 'xgboost', 'random_forest', 'mlp', 'grid', 'tpe'];
const RECORD_KEYS = ['', ' ', '$gt', 'a.b', '__proto__', 'constructor', 'n_estimators', 'max_depth', 'epochs', 'hidden_layer_sizes', 'layers', 'units', 'lags', 'n_jobs', 'learning_rate', 'max_iter', 'estimators', 'final_estimator', 'windows', 'seasonal_periods', 'batch_size', 'max_bin', 'min_samples_leaf', 'C', 'alpha', 'seed', 'owner', 'x1', 'x2', 'color'];
const OPTIONS: SchemaArbitraryOptions = { words: WORDS, recordKeys: RECORD_KEYS };

/** Percent-encodes every byte of the string's UTF-8 that is not unreserved; a lone surrogate becomes U+FFFD's bytes (encodeURIComponent would throw). */
const escape = (s: string): string => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** A path parameter: a real name now and then, else something a router or a database might choke on. */
const REAL_PARAMS: Record<string, string[]> = {
  name: ['fz-model', 'fz-model@1', 'fz-model@production'],
  id: ['fz-data', 'fz-data@1'],
  ref: ['fz-data', 'fz-data@1'],
  version: ['1', 'latest'],
  alias: ['production', 'staging', 'latest'],
};
const param = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(REAL_PARAMS[name] ?? ['fz-model'])), weight: 8 },
    { arbitrary: fc.constantFrom('fz-model', 'fz-data', '1', 'production', 'latest', 'fz-data@1', 'fz-model@999'), weight: 3 },
    { arbitrary: fc.string({ maxLength: 30 }).map(escape), weight: 3 },
    { arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '..', '.', '%2e%2e', '$gt', '[object Object]', 'a'.repeat(5000), '0x1', '-1', '1e400', '%C0%AF'), weight: 2 },
  );

function queryString(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const known = Object.keys(schema?.properties ?? {});
  const key = known.length ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 }) : fc.string({ maxLength: 8 });
  const value = fc.oneof(
    ...known.filter((k) => schema!.properties![k]).map((k) => arbitraryFrom(schema!.properties![k], OPTIONS).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''))),
    fc.constantFrom('', '-1', '0', '1e9', 'NaN', 'not-a-date', '2026-13-45', 'a'.repeat(3000)),
  );
  const pairs = fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 4 });
  return fc.oneof(
    { arbitrary: pairs.map((ps) => ps.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${escape(k)}=${escape(v)}`)).join('&')), weight: 5 },
    { arbitrary: fc.constantFrom('a[b]=1', 'a=1&a=2', '%', '=&=&', 'limit[$gt]=0', 'x'.repeat(9000)), weight: 1 },
  );
}

/** Drops bytes outside the request line's grammar that Node's parser would refuse outright (that is tested on its own). */
const safeUrl = (s: string): string => s.replace(/[\s#\u0080-\uffff]/g, escape);

/** A CSV body: a real small table, one with too many columns, broken quoting, odd line ends, or noise. */
const csvBody = fc.oneof(
  fc.constant('x1,x2,color,label,y\n1,2,red,yes,3\n2,3,blue,no,4\n3,1,red,yes,5\n'),
  fc.array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.double().map(String)), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
  fc.integer({ min: 1500, max: 3000 }).map((n) => `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: n }, () => '1').join(',')}\n`),
  fc.constantFrom('"a,b\n1,2', 'a,b\r1,2\r', '\ufeffa,b\n1,2\n', 'a,a,a\n1,2,3\n', '\n\n\n', ',,,\n', 'a\n' + '"'.repeat(1000)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** A YAML job: JSON as YAML, an alias bomb, tags and anchors, or a document too deep. */
const yamlBody = fc.oneof(
  fc.constant('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'),
  fc.constantFrom('!!js/function "function(){}"', 'type: train\nmodel: !!binary aGVsbG8=', '- a\n- b', '"unterminated', 'a: 1\na: 2', '? [a, b]\n: c', '%YAML 1.2\n---\na: 1\n...\n---\nb: 2'),
  fc.integer({ min: 30, max: 300 }).map((n) => `${'['.repeat(n)}1${']'.repeat(n)}`),
);

function multipartBody(csv: string, name: string | null, variant: number): { body: string; type: string } {
  const boundary = 'fzboundary7MA4YWxk';
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="d.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`;
  const field = name === null ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n`;
  const whole = `${field}${file}--${boundary}--\r\n`;
  switch (variant) {
    case 0:
      return { body: whole, type: `multipart/form-data; boundary=${boundary}` };
    case 1:
      return { body: whole.slice(0, Math.floor(whole.length / 2)), type: `multipart/form-data; boundary=${boundary}` }; // cut before the closing boundary
    case 2:
      return { body: whole, type: 'multipart/form-data' }; // no boundary
    case 3:
      return { body: whole, type: 'multipart/form-data; boundary=otherboundary' };
    case 4:
      return { body: `${field.repeat(40)}${file}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` }; // too many parts
    case 5:
      return { body: `${file}${file}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` }; // two files
    default:
      return { body: `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${'n'.repeat(100_000)}\r\n--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
  }
}

/** Turns good bytes bad: cut short, bytes flipped, invalid UTF-8, a BOM, NULs. */
const mutation = fc.oneof(
  { arbitrary: fc.constant((b: Buffer) => b), weight: 12 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (b: Buffer) => b.subarray(0, Math.floor(b.length * f))), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 1000 }).map((i) => (b: Buffer) => { const c = Buffer.from(b); if (c.length) c[i % c.length] ^= 0xff; return c; }), weight: 1 },
  { arbitrary: fc.constant((b: Buffer) => Buffer.concat([b.subarray(0, b.length >> 1), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), b.subarray(b.length >> 1)])), weight: 1 },
  { arbitrary: fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }).map((r) => () => Buffer.from(r)), weight: 1 },
);

/**
 * Good bodies on the fuzz's own dataset and model, by route: one field at a
 * time is then pushed out of bounds, retyped or dropped, so the requests get
 * past the first check and into the code behind it.
 */
const TEMPLATES: Record<string, Array<Record<string, unknown>>> = {
  'POST /v1/jobs': [
    { type: 'train', model_name: 'fz-t', dataset: 'fz-data', target: 'label', model: { type: 'random_forest', hyperparameters: { n_estimators: 5, max_depth: 3 } }, cv: 2 },
    { type: 'train', model_name: 'fz-x', dataset: 'fz-data', target: 'y', task: 'regression', model: { type: 'xgboost', hyperparameters: { n_estimators: 5, max_depth: 2 } }, cv: { folds: 2, shuffle: true, seed: 1 } },
    { type: 'train', model_name: 'fz-m', dataset: 'fz-data', target: 'label', features: ['x1', 'x2'], model: { type: 'mlp', hyperparameters: { hidden_layer_sizes: [4], max_iter: 5 } }, cv: 2 },
    { type: 'tune', model_name: 'fz-u', dataset: 'fz-data', target: 'label', model: { type: 'decision_tree' }, search_space: { max_depth: { type: 'int', low: 1, high: 4 }, min_samples_leaf: { type: 'categorical', choices: [1, 2] } }, sampler: { type: 'random', seed: 1 }, n_trials: 2, cv: 2 },
    { type: 'evaluate', model_name: 'fz-model', alias: 'latest', dataset: 'fz-data', target: 'label', slices: ['color'] },
    { type: 'batch_predict', model_name: 'fz-model', dataset: 'fz-data', output_name: 'fz-out' },
  ],
  'POST /v1/models/:name/predict': [{ instances: [{ x1: 1, x2: 2, color: 'red', y: 3 }, { x1: 0.5, x2: -1, color: 'blue', y: 1 }] }, { instances: [{ x1: 1, x2: 2, color: 'red', y: 3 }], version: 1 }],
  'POST /v1/models/:name/feedback': [{ items: [{ prediction_id: 'p-1', label: 'yes' }, { prediction_id: 'p-2', label: 'no' }] }],
  'PUT /v1/models/:name/aliases/:alias': [{ version: 1, reason: 'fuzz' }],
  'PATCH /v1/models/:name': [{ description: 'fuzzed', tags: { team: 'fz', gone: null } }],
  'PATCH /v1/models/:name/versions/:version': [{ description: 'fuzzed', tags: { team: 'fz' }, status: 'ready' }],
  'POST /v1/admin/cleanup': [{ grace_minutes: 60, dry_run: true }],
};

function subPaths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  return [prefix, ...Object.keys(v as object).flatMap((k) => subPaths((v as Record<string, unknown>)[k], [...prefix, k]))];
}

/** One of the templates with the value at one of its paths replaced (undefined: the key dropped), or left whole. */
function nearValid(templates: Array<Record<string, unknown>>): fc.Arbitrary<unknown> {
  const value = fc.oneof(hostileValue(), fc.constantFrom(undefined, 0, -1, 1e9, 2 ** 31, 0.5, 'x', [], {}, 'fz-data', 'fz-model', 'label', 'production', 1, '1'));
  return fc.tuple(fc.nat({ max: templates.length - 1 }), fc.nat(), value, fc.nat({ max: 4 })).map(([t, p, v, whole]) => {
    const body = structuredClone(templates[t]);
    if (whole === 0) return body;
    const paths = subPaths(body).filter((x) => x.length > 0 && !(x.length === 1 && x[0] === 'type'));
    const at = paths[p % paths.length];
    let node = body as Record<string, unknown>;
    for (const k of at.slice(0, -1)) node = node[k] as Record<string, unknown>;
    if (v === undefined) delete node[at[at.length - 1]];
    else node[at[at.length - 1]] = v;
    return body;
  });
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'application/yaml', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/vnd.api+json', 'image/png', 'application/json, text/csv', ';;;', ''];

/**
 * Requests for every route of the table (Bull Board's only without the admin
 * key: its own API is not ours to fuzz): bodies and queries generated from
 * the route's schema with values pushed past their bounds, wrong types, huge
 * and deep values, random bytes, truncated and mis-declared bodies, bad
 * encodings, and every kind of caller.
 */
export function requestArbitrary(routes: RouteEntry[], keys: Record<Role, string>): fc.Arbitrary<FuzzRequest> {
  const schemas = routeSchemas();
  const auth = fc.oneof(
    { arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${keys.admin}` }), weight: 12 },
    { arbitrary: fc.constantFrom<Record<string, string>>({ 'x-api-key': keys.operator }, { 'x-api-key': keys.viewer }), weight: 2 },
    { arbitrary: fc.constantFrom<Record<string, string>>({}, { authorization: 'Bearer wrong' }, { authorization: 'Basic !!!' }, { authorization: `bearer  ${keys.admin} ` }, { authorization: 'Bearer ' }), weight: 1 },
  );
  const framing = fc.oneof(
    { arbitrary: fc.constant<FuzzRequest['framing']>('exact'), weight: 16 },
    { arbitrary: fc.constantFrom<FuzzRequest['framing']>('chunked', 'short', 'long', 'none'), weight: 2 },
  );
  const perRoute = routes.map((route) => {
    const key = `${route.method} ${route.path}`;
    const s = schemas[key];
    const board = route.path.startsWith('/admin/queues');
    const path = fc.tuple(...route.path.split('/').map((seg) => (seg.startsWith(':') ? param(seg.slice(1)) : fc.constant(seg)))).map((segs) => segs.join('/'));
    const query = maybe(queryString(s?.query), route.method === 'GET' ? 0.6 : (s?.query ? 0.5 : 0.1));
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
    const jsonValue = s?.body ? arbitraryFrom(s.body, OPTIONS) : fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileValue());
    const body: fc.Arbitrary<{ bytes: Buffer; type: string }> = !hasBody
      ? fc.oneof({ arbitrary: fc.constant({ bytes: Buffer.alloc(0), type: '' }), weight: 8 }, { arbitrary: fc.jsonValue().map((v) => ({ bytes: Buffer.from(JSON.stringify(v) ?? ''), type: 'application/json' })), weight: 1 })
      : fc.oneof(
          { arbitrary: fc.tuple(jsonValue, mutation).map(([v, m]) => ({ bytes: m(Buffer.from(JSON.stringify(v) ?? 'null')), type: 'application/json' })), weight: 10 },
          ...(s?.csv
            ? [
                { arbitrary: csvBody.map((c) => ({ bytes: Buffer.from(c), type: 'text/csv' })), weight: 3 },
                { arbitrary: fc.tuple(csvBody, maybe(fc.constantFrom('fz-data', 'bad name!', ''), 0.7), fc.integer({ min: 0, max: 6 })).map(([c, n, v]) => { const m = multipartBody(c, n, v); return { bytes: Buffer.from(m.body), type: m.type }; }), weight: 3 },
              ]
            : []),
          ...(key === 'POST /v1/jobs' ? [{ arbitrary: yamlBody.map((y) => ({ bytes: Buffer.from(y), type: 'application/yaml' })), weight: 2 }] : []),
          ...(TEMPLATES[key] ? [{ arbitrary: nearValid(TEMPLATES[key]).map((j) => ({ bytes: Buffer.from(JSON.stringify(j)), type: 'application/json' })), weight: 10 }] : []),
          { arbitrary: fc.tuple(jsonValue, fc.constantFrom(...CONTENT_TYPES)).map(([v, t]) => ({ bytes: Buffer.from(JSON.stringify(v) ?? ''), type: t })), weight: 2 },
          { arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => ({ bytes: Buffer.from(b), type: 'application/json' })), weight: 1 },
        );
    const who = board ? fc.constantFrom<Record<string, string>>({}, { authorization: 'Bearer wrong' }, { 'x-api-key': keys.operator }, { authorization: 'Basic YWRtaW46d3Jvbmc=' }) : auth;
    const request = fc
      .record({ path, query, body, who, framing, idem: maybe(fc.oneof(fc.string({ maxLength: 10 }), fc.constant('k'.repeat(300))), 0.15) })
      .map(({ path: p, query: q, body: b, who: w, framing: f, idem }) => {
        const headers: Record<string, string> = { ...w };
        if (b.type) headers['content-type'] = b.type;
        if (idem !== null && key === 'POST /v1/jobs') headers['idempotency-key'] = idem.replace(/[^\x20-\x7e]/g, '');
        return { method: route.method, path: safeUrl(q ? `${p}?${q}` : p), headers, body: b.bytes, framing: f, route: key };
      });
    // Bull Board's many API paths are only tried for their guard; our routes get the requests
    return { arbitrary: request, weight: board ? 1 : hasBody ? 12 : 6 };
  });
  return fc.oneof(...perRoute);
}
