import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { mongo } from 'mongoose';
import { sampleCsv, TestCluster } from './harness.js';

const ADMIN = 'admin-key-reg-0001';
const OPERATOR = 'operator-key-reg-0001';
const VIEWER = 'viewer-key-reg-0001';
const as = (key: string): Record<string, string> => ({ 'x-api-key': key });
const fingerprint = (role: string, key: string): string => `${role}:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

describe('registry: aliases, gates, lineage, compare, delete, clean-up (real Redis and MongoDB)', function () {
  this.timeout(180_000);
  const cluster = new TestCluster({ workers: 1, apiKeys: `${ADMIN}:admin,${OPERATOR}:operator,${VIEWER}:viewer` });
  let dataset: { id: string; sha256: string };
  const trainJobs: string[] = [];

  const req = (method: string, url: string, body?: unknown, key = ADMIN) => cluster.request(method, url, body, as(key));
  const waitFor = (id: string) => cluster.waitForJob(id, undefined, 120_000, as(ADMIN));

  async function train(C: number, threshold: number): Promise<string> {
    const res = await req('POST', '/v1/jobs', {
      type: 'train',
      model_name: 'churn',
      dataset: 'reg',
      target: 'label',
      features: ['x1', 'x2', 'color'],
      model: { type: 'logistic_regression', hyperparameters: { C }, monitoring: { performance_threshold: threshold } },
      cv: 2,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await waitFor(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    trainJobs.push(res.body.id);
    return job.result.version;
  }

  async function evaluate(version: string): Promise<any> {
    const res = await req('POST', '/v1/jobs', { type: 'evaluate', model_name: 'churn', version, dataset: 'reg', target: 'label' });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await waitFor(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    return job.result;
  }

  const gridFile = (id: string) => cluster.deps.db.conn.db!.collection('artifacts.files').findOne({ _id: new mongo.ObjectId(id) });
  const versionDoc = (version: string) => cluster.deps.db.modelVersions.findOne({ modelName: 'churn', version }).lean();

  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=reg', sampleCsv(150, 3), { ...as(OPERATOR), 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
    dataset = up.body;
    // versions 1 and 2 can pass a 0.6 accuracy threshold; version 3 cannot reach 0.999
    expect(await train(1, 0.6)).to.equal('1');
    expect(await train(0.1, 0.6)).to.equal('2');
    expect(await train(10, 0.999)).to.equal('3');
  });
  after(async () => {
    await cluster.stop();
  });

  describe('the model list', () => {
    it('pages through every model once, in name order, with the latest version of each (old registrations included)', async () => {
      const { db } = cluster.deps;
      const names = Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
      // registrations as older releases wrote them: no latest-version mark, versions only in model_versions
      await db.registeredModels.collection.insertMany(names.map((name) => ({ name, description: '', tags: [], task: 'regression', monitoring: {} })));
      await db.modelVersions.collection.insertMany(names.slice(0, 5).flatMap((name) => [1, 2].map((seq) => ({ modelName: name, version: seq === 2 ? 'v-two' : '1', seq, sourceJobId: `legacy-${name}-${seq}` }))));
      const seen: Array<{ name: string; latest_version: string | null }> = [];
      let after: string | null = 'page-';
      for (let pages = 0; after !== null; pages++) {
        expect(pages, 'pages').to.be.below(4);
        const res = await req('GET', `/v1/models?limit=10&after=${after}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.models.length).to.be.at.most(10);
        seen.push(...res.body.models.filter((m: { name: string }) => m.name.startsWith('page-')));
        after = res.body.next;
      }
      expect(seen.map((m) => m.name)).to.deep.equal(names);
      expect(seen.slice(0, 5).map((m) => m.latest_version)).to.deep.equal(Array(5).fill('v-two'));
      expect(seen.slice(5).every((m) => m.latest_version === null)).to.equal(true);
      expect((await req('GET', '/v1/models')).body.models.find((m: { name: string }) => m.name === 'churn')).to.include({ latest_version: '3' });
    });

    it('refuses a bad page size or an unknown parameter, naming it', async () => {
      for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'page=2']) {
        const res = await req('GET', `/v1/models?${q}`);
        expect(res.status, q).to.equal(400);
        expect(res.body.error.message, q).to.match(/limit|page/);
      }
    });
  });

  describe('description, tags and status', () => {
    it('sets a model description and tags, and removes a tag set to null', async () => {
      let res = await req('PATCH', '/v1/models/churn', { description: 'who leaves', tags: { team: 'growth', 'owner.email': 'a@b.c' } }, OPERATOR);
      expect(res.status).to.equal(200);
      res = await req('PATCH', '/v1/models/churn', { tags: { team: null, tier: 'gold' } }, OPERATOR);
      expect(res.body.tags).to.deep.equal({ 'owner.email': 'a@b.c', tier: 'gold' });
      const model = await req('GET', '/v1/models/churn', undefined, VIEWER);
      expect(model.body).to.include({ description: 'who leaves' });
      expect(model.body.tags).to.deep.equal({ 'owner.email': 'a@b.c', tier: 'gold' });
    });

    it('sets a version description and tags and shows its status', async () => {
      const res = await req('PATCH', '/v1/models/churn/versions/2', { description: 'strong penalty', tags: { reviewed: 'yes' } }, OPERATOR);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ version: '2', status: 'ready', description: 'strong penalty' });
      expect(res.body.tags).to.deep.equal({ reviewed: 'yes' });
      expect((await req('GET', '/v1/models/churn/versions/2', undefined, VIEWER)).body.tags).to.deep.equal({ reviewed: 'yes' });
    });

    it('rejects an unknown field and a viewer', async () => {
      expect((await req('PATCH', '/v1/models/churn', { colour: 'red' }, OPERATOR)).status).to.equal(400);
      expect((await req('PATCH', '/v1/models/churn', { description: 'x' }, VIEWER)).status).to.equal(403);
      expect((await req('PATCH', '/v1/models/nope', { description: 'x' }, OPERATOR)).status).to.equal(404);
    });
  });

  describe('aliases and their history', () => {
    it('refuses the reserved alias latest and unsafe alias names with 400', async () => {
      for (const alias of ['latest', 'LATEST', '1abc', 'has.dot']) {
        const res = await req('PUT', `/v1/models/churn/aliases/${encodeURIComponent(alias)}`, { version: '1' });
        expect(res.status, alias).to.equal(400);
      }
    });

    it('answers 404 for an unknown model or version when moving an alias', async () => {
      expect((await req('PUT', '/v1/models/nope/aliases/staging', { version: '1' })).status).to.equal(404);
      expect((await req('PUT', '/v1/models/churn/aliases/staging', { version: '99' })).status).to.equal(404);
    });

    it('moves an ungated alias and records who, when, from, to and why', async () => {
      const before = Date.now();
      let res = await req('PUT', '/v1/models/churn/aliases/staging', { version: '1', reason: 'first look' }, OPERATOR);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ alias: 'staging', version: '1', moved: true });
      expect(res.body.gates).to.equal(null);
      res = await req('PUT', '/v1/models/churn/aliases/staging', { version: 2 }, ADMIN);
      expect(res.body).to.include({ version: '2', revision: 2 });
      const history = await req('GET', '/v1/models/churn/aliases/staging/history', undefined, VIEWER);
      expect(history.status).to.equal(200);
      const moves = history.body.history;
      expect(moves.map((m: any) => [m.revision, m.from, m.to])).to.deep.equal([
        [2, '1', '2'],
        [1, null, '1'],
      ]);
      expect(moves[1]).to.include({ who: fingerprint('operator', OPERATOR), reason: 'first look', forced: false });
      expect(moves[0]).to.include({ who: fingerprint('admin', ADMIN), reason: null });
      expect(Date.parse(moves[1].at)).to.be.within(before - 1000, Date.now() + 1000);
    });

    it('does not record a move to the version the alias already points at', async () => {
      const res = await req('PUT', '/v1/models/churn/aliases/staging', { version: '2' }, OPERATOR);
      expect(res.body).to.include({ moved: false, revision: 2 });
      expect((await req('GET', '/v1/models/churn/aliases/staging/history')).body.history).to.have.length(2);
    });

    it('refuses production without an evaluation on record, listing the failed gate', async () => {
      const res = await req('PUT', '/v1/models/churn/aliases/production', { version: '1' }, OPERATOR);
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('gate_failed');
      expect(res.body.error.details.failed).to.deep.equal(['evaluation_on_record']);
      expect((await req('GET', '/v1/models/churn/aliases/production')).status).to.equal(404);
    });

    it('lets only an admin force, and only with a reason, and records the override', async () => {
      let res = await req('PUT', '/v1/models/churn/aliases/production', { version: '1', force: true, reason: 'hotfix' }, OPERATOR);
      expect(res.status).to.equal(403);
      res = await req('PUT', '/v1/models/churn/aliases/production', { version: '1', force: true }, ADMIN);
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/reason/);
      res = await req('PUT', '/v1/models/churn/aliases/production', { version: '1', force: true, reason: 'hotfix before the review' }, ADMIN);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.last_move).to.include({ forced: true, reason: 'hotfix before the review', who: fingerprint('admin', ADMIN) });
      expect(res.body.last_move.gates.failed).to.deep.equal(['evaluation_on_record']);
      const hist = await req('GET', '/v1/models/churn/aliases/production/history');
      expect(hist.body.history[0]).to.include({ from: null, to: '1', forced: true });
    });

    it('promotes an evaluated version that passes its gates', async () => {
      const ev = await evaluate('2');
      expect(ev.version).to.equal('2');
      expect(ev.gates.passed, JSON.stringify(ev.gates)).to.equal(true);
      const res = await req('PUT', '/v1/models/churn/aliases/production', { version: '2', reason: 'evaluated' }, OPERATOR);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.gates.passed).to.equal(true);
      expect(res.body.gates.evaluation_id).to.equal(ev.evaluation_id);
      expect(res.body.last_move).to.include({ from: '1', to: '2', forced: false });
    });

    it('refuses a version whose evaluation misses its threshold, naming the metric', async () => {
      const ev = await evaluate('3');
      expect(ev.primary_metric).to.include({ name: 'accuracy', threshold: 0.999 });
      expect(ev.gates.failed).to.include('primary_metric');
      const res = await req('PUT', '/v1/models/churn/aliases/production', { version: '3' }, OPERATOR);
      expect(res.status).to.equal(409);
      expect(res.body.error.details.failed).to.deep.equal(['primary_metric']);
      expect(res.body.error.message).to.match(/accuracy = [\d.]+, needs >= 0\.999/);
    });

    it('shows the aliases on the model and on each version', async () => {
      const model = await req('GET', '/v1/models/churn', undefined, VIEWER);
      expect(model.body.aliases).to.deep.equal({ production: '2', staging: '2' });
      const v2 = model.body.versions.find((v: any) => v.version === '2');
      expect(v2.aliases).to.deep.equal(['production', 'staging']);
      const alias = await req('GET', '/v1/models/churn/aliases/production', undefined, VIEWER);
      expect(alias.body).to.include({ version: '2', revision: 2 });
      expect(alias.body.history).to.have.length(2);
    });

    it('predicts with production by default, and with a named alias, version or latest', async () => {
      const instance = { x1: 5, x2: 0.5, color: 'red' };
      const byDefault = await req('POST', '/v1/models/churn/predict', { instances: [instance] }, VIEWER);
      expect(byDefault.status, JSON.stringify(byDefault.body)).to.equal(200);
      expect(byDefault.body.model).to.deep.equal({ name: 'churn', version: '2' });
      expect((await req('POST', '/v1/models/churn/predict', { instances: [instance], alias: 'staging' })).body.model.version).to.equal('2');
      expect((await req('POST', '/v1/models/churn/predict', { instances: [instance], alias: 'latest' })).body.model.version).to.equal('3');
      expect((await req('POST', '/v1/models/churn/predict', { instances: [instance], version: '1' })).body.model.version).to.equal('1');
    });

    it('answers 404 for an unknown alias, version or model at predict', async () => {
      const instances = [{ x1: 5, x2: 0.5, color: 'red' }];
      const alias = await req('POST', '/v1/models/churn/predict', { instances, alias: 'canary' });
      expect(alias.status).to.equal(404);
      expect(alias.body.error.message).to.match(/alias 'canary'/);
      expect((await req('POST', '/v1/models/churn/predict', { instances, version: '42' })).status).to.equal(404);
      expect((await req('POST', '/v1/models/ghost/predict', { instances })).status).to.equal(404);
    });

    it('rolls production back to the version before its last move and records it', async () => {
      await evaluate('1');
      const res = await req('POST', '/v1/models/churn/aliases/production/rollback', { reason: 'v2 misbehaves' }, OPERATOR);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ version: '1', revision: 3 });
      const hist = (await req('GET', '/v1/models/churn/aliases/production/history')).body.history;
      expect(hist.map((m: any) => [m.from, m.to, m.reason])).to.deep.equal([
        ['2', '1', 'v2 misbehaves'],
        ['1', '2', 'evaluated'],
        [null, '1', 'hotfix before the review'],
      ]);
      const predicted = await req('POST', '/v1/models/churn/predict', { instances: [{ x1: 1, x2: 0, color: 'blue' }] });
      expect(predicted.body.model.version).to.equal('1');
    });

    it('completes the history from the alias when the history write was lost', async () => {
      // simulate a crash between the pointer update and the history insert
      await cluster.deps.db.aliasHistory.deleteOne({ modelName: 'churn', alias: 'production', revision: 3 });
      const hist = (await req('GET', '/v1/models/churn/aliases/production/history')).body.history;
      expect(hist.map((m: any) => m.revision)).to.deep.equal([3, 2, 1]);
      expect(hist[0]).to.include({ from: '2', to: '1', reason: 'v2 misbehaves' });
    });
  });

  describe('compare', () => {
    it('puts metrics and parameters of three versions side by side', async () => {
      const res = await req('GET', '/v1/models/churn/compare?versions=1,2,3', undefined, VIEWER);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.versions.map((v: any) => v.version)).to.deep.equal(['1', '2', '3']);
      const C = res.body.parameters.find((p: any) => p.name === 'C');
      expect(C.values).to.deep.equal({ '1': 1, '2': 0.1, '3': 10 });
      expect(C.differs).to.equal(true);
      expect(res.body.parameters.find((p: any) => p.name === 'type')).to.include({ differs: false });
      const acc = res.body.metrics.find((m: any) => m.name === 'accuracy');
      for (const v of ['1', '2', '3']) {
        const stored = (await versionDoc(v))!.metrics as Record<string, number>;
        expect(acc.values[v]).to.equal(stored.accuracy);
      }
      const best = Object.entries(acc.values as Record<string, number>).sort((a, b) => b[1] - a[1])[0][0];
      expect(acc.best).to.equal(best);
      expect(res.body.versions[1].latest_evaluation.metrics).to.have.property('accuracy');
    });

    it('accepts aliases and needs at least two versions', async () => {
      const res = await req('GET', '/v1/models/churn/compare?versions=production,staging');
      expect(res.body.versions.map((v: any) => v.version)).to.deep.equal(['1', '2']);
      expect((await req('GET', '/v1/models/churn/compare?versions=1')).status).to.equal(400);
      expect((await req('GET', '/v1/models/churn/compare?versions=1,77')).status).to.equal(404);
    });
  });

  describe('lineage', () => {
    let output: { id: string; name: string };

    before(async () => {
      const res = await req('POST', '/v1/jobs', { type: 'batch_predict', model_name: 'churn', version: '2', dataset: 'reg' });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await waitFor(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      output = job.result.output_dataset;
    });

    it('traces a version to its dataset, job, parent, parameters and evaluations', async () => {
      const res = await req('GET', '/v1/models/churn/versions/2/lineage', undefined, VIEWER);
      expect(res.status).to.equal(200);
      expect(res.body.dataset).to.include({ id: dataset.id, sha256: dataset.sha256, name: 'reg', version: 1, still_registered: true });
      expect(res.body.source_job).to.include({ id: trainJobs[1], type: 'train', state: 'completed' });
      expect(res.body).to.include({ parent_version: '1', parent_source: 'previous_version' });
      expect(res.body.hyperparameters).to.deep.equal({ C: 0.1 });
      expect(res.body.package_version).to.be.a('string').and.not.empty;
      expect(res.body.study).to.equal(null);
      expect(res.body.aliases).to.deep.equal(['staging']);
      expect(res.body.evaluations).to.have.length(1);
      expect(res.body.evaluations[0].dataset).to.include({ id: dataset.id });
      expect(res.body.batch_outputs.map((d: any) => d.id)).to.deep.equal([output.id]);
    });

    it('lists everything derived from a dataset', async () => {
      const res = await req('GET', `/v1/datasets/${dataset.id}/lineage`, undefined, VIEWER);
      expect(res.status).to.equal(200);
      expect(res.body.dataset).to.include({ id: dataset.id, sha256: dataset.sha256 });
      expect(res.body.model_versions.map((v: any) => [v.model_name, v.version, v.job_id])).to.deep.equal([
        ['churn', '1', trainJobs[0]],
        ['churn', '2', trainJobs[1]],
        ['churn', '3', trainJobs[2]],
      ]);
      expect(res.body.evaluations.map((e: any) => e.version).sort()).to.deep.equal(['1', '2', '3']);
      expect(res.body.derived_datasets.map((d: any) => [d.id, d.source.kind, d.source.model.version])).to.deep.equal([[output.id, 'batch_predict', '2']]);
      expect((await req('GET', '/v1/datasets/reg/lineage')).body.dataset.id).to.equal(dataset.id);
      expect((await req('GET', '/v1/datasets/nothing/lineage')).status).to.equal(404);
    });
  });

  describe('artifacts', () => {
    it('downloads a version artifact whose bytes hash to the recorded sha256', async () => {
      const res = await fetch(`${cluster.baseUrl}/v1/models/churn/versions/1/artifact`, { headers: as(VIEWER) });
      expect(res.status).to.equal(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const view = (await req('GET', '/v1/models/churn/versions/1')).body;
      expect(createHash('sha256').update(bytes).digest('hex')).to.equal(view.artifact.sha256);
      expect(res.headers.get('x-artifact-sha256')).to.equal(view.artifact.sha256);
      expect(JSON.parse(gunzipSync(bytes).toString('utf8')).format).to.equal('trainyard.pipeline');
    });

    it('refuses to serve or evaluate an artifact with one flipped byte', async () => {
      const doc = (await versionDoc('3'))!;
      const chunks = cluster.deps.db.conn.db!.collection('artifacts.chunks');
      const chunk = (await chunks.findOne({ files_id: doc.artifact.fileId, n: 0 }))!;
      const data = Buffer.from((chunk.data as mongo.Binary).buffer);
      data[data.length >> 1] ^= 0x01;
      await chunks.updateOne({ _id: chunk._id }, { $set: { data: new mongo.Binary(data) } });

      const dl = await req('GET', '/v1/models/churn/versions/3/artifact');
      expect(dl.status).to.be.oneOf([409, 500]);
      expect(dl.body.error.message).to.match(/corrupted/);
      expect(dl.body.error.message).to.include(doc.artifact.sha256);
      // version 3 is already loaded by the API (verified when it was read); a worker reads it afresh
      const job = await req('POST', '/v1/jobs', { type: 'evaluate', model_name: 'churn', version: '3', dataset: 'reg' });
      const done = await waitFor(job.body.id);
      expect(done.state).to.equal('failed');
      expect(done.attempts).to.equal(1);
      expect(done.error.message).to.match(/corrupted/);
    });
  });

  describe('archive and delete', () => {
    it('refuses to delete or archive a version an alias points at', async () => {
      const del = await req('DELETE', '/v1/models/churn/versions/1');
      expect(del.status).to.equal(409);
      expect(del.body.error.details.aliases).to.deep.equal(['production']);
      expect((await req('PATCH', '/v1/models/churn/versions/2', { status: 'archived' })).status).to.equal(409);
    });

    it('needs the admin role to delete', async () => {
      expect((await req('DELETE', '/v1/models/churn/versions/3', undefined, OPERATOR)).status).to.equal(403);
    });

    it('deletes a version with its evaluations and removes its artifact from GridFS', async () => {
      const doc = (await versionDoc('3'))!;
      expect(await gridFile(String(doc.artifact.fileId))).to.not.equal(null);
      const res = await req('DELETE', '/v1/models/churn/versions/3');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ version: '3', artifact_removed: true, evaluations_removed: 1 });
      expect(await gridFile(String(doc.artifact.fileId))).to.equal(null);
      expect(await cluster.deps.db.conn.db!.collection('artifacts.chunks').countDocuments({ files_id: doc.artifact.fileId })).to.equal(0);
      expect((await req('GET', '/v1/models/churn/versions/3')).status).to.equal(404);
      expect((await req('DELETE', '/v1/models/churn/versions/3')).status).to.equal(404);
      // the list's latest version moved back with the delete
      const list = await req('GET', '/v1/models?limit=1000');
      expect(list.body.models.find((m: { name: string }) => m.name === 'churn').latest_version).to.equal('2');
    });

    it('archives a version: the record stays, the artifact goes, it can no longer be served or aliased', async () => {
      await req('PUT', '/v1/models/churn/aliases/staging', { version: '1' });
      const doc = (await versionDoc('2'))!;
      expect((await req('PATCH', '/v1/models/churn/versions/2', { status: 'archived' }, OPERATOR)).status).to.equal(403);
      const res = await req('PATCH', '/v1/models/churn/versions/2', { status: 'archived' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.status).to.equal('archived');
      expect(res.body.archived_at).to.be.a('string');
      expect(await gridFile(String(doc.artifact.fileId))).to.equal(null);
      expect((await req('GET', '/v1/models/churn/versions/2/lineage')).body.artifact.removed).to.equal(true);
      const predict = await req('POST', '/v1/models/churn/predict', { instances: [{ x1: 5, x2: 0.5, color: 'red' }], version: '2' });
      expect(predict.status).to.equal(409);
      expect(predict.body.error.message).to.match(/archived/);
      expect((await req('PUT', '/v1/models/churn/aliases/staging', { version: '2' })).status).to.equal(409);
      expect((await req('PATCH', '/v1/models/churn/versions/2', { status: 'ready' })).status).to.equal(409);
      expect((await req('POST', '/v1/models/churn/predict', { instances: [{ x1: 5, x2: 0.5, color: 'red' }], alias: 'latest' })).body.model.version).to.equal('1');
    });
  });

  describe('orphaned artifact clean-up', () => {
    const files = () => cluster.deps.db.conn.db!.collection('artifacts.files');
    const chunks = () => cluster.deps.db.conn.db!.collection('artifacts.chunks');
    let killedUpload: mongo.ObjectId;
    let oldOrphan: mongo.ObjectId;
    let unreferenced: string;

    before(async () => {
      // an upload killed half-way: chunks written, the files document never
      const bucket = new mongo.GridFSBucket(cluster.deps.db.conn.db!, { bucketName: 'artifacts', chunkSizeBytes: 1024 });
      const upload = bucket.openUploadStream('killed.csv');
      killedUpload = upload.id as mongo.ObjectId;
      await new Promise<void>((resolve, reject) => upload.write(Buffer.alloc(5000, 7), (err) => (err ? reject(err) : resolve())));
      for (let i = 0; i < 50 && (await chunks().countDocuments({ files_id: killedUpload })) < 4; i++) await new Promise((r) => setTimeout(r, 50));
      // chunks of an upload that died two hours ago
      const twoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
      oldOrphan = mongo.ObjectId.createFromTime(twoHoursAgo);
      await chunks().insertMany([0, 1].map((n) => ({ _id: mongo.ObjectId.createFromTime(twoHoursAgo + n), files_id: oldOrphan, n, data: new mongo.Binary(Buffer.alloc(10, n)) })));
      // a complete file nobody registered
      unreferenced = (await cluster.deps.db.artifacts.put('stray.bin', Buffer.from('stray bytes'))).id;
    });

    it('has chunks without a files document after the killed upload', async () => {
      expect(await chunks().countDocuments({ files_id: killedUpload })).to.be.at.least(4);
      expect(await files().findOne({ _id: killedUpload })).to.equal(null);
    });

    it('needs the admin role', async () => {
      expect((await req('POST', '/v1/admin/cleanup', {}, OPERATOR)).status).to.equal(403);
    });

    it('leaves anything younger than the grace period alone and removes older orphaned chunks', async () => {
      const res = await req('POST', '/v1/admin/cleanup', {});
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.grace_minutes).to.equal(60);
      expect(res.body.files_removed).to.deep.equal([]);
      expect(res.body.orphan_chunks_removed.map((c: any) => [c.files_id, c.chunks])).to.deep.equal([[String(oldOrphan), 2]]);
      expect(await chunks().countDocuments({ files_id: oldOrphan })).to.equal(0);
      expect(await chunks().countDocuments({ files_id: killedUpload })).to.be.at.least(4);
      expect(await cluster.deps.db.artifacts.exists(unreferenced)).to.equal(true);
    });

    it('reports without removing on a dry run', async () => {
      const res = await req('POST', '/v1/admin/cleanup', { grace_minutes: 0, dry_run: true });
      expect(res.body.dry_run).to.equal(true);
      expect(res.body.files_removed.map((f: any) => f.id)).to.deep.equal([unreferenced]);
      expect(await cluster.deps.db.artifacts.exists(unreferenced)).to.equal(true);
    });

    it('removes the killed upload and the unregistered file but nothing a record points at', async () => {
      const referenced = (await cluster.deps.db.modelVersions.find({ status: 'ready' }).lean()).map((v) => String(v.artifact.fileId));
      const res = await req('POST', '/v1/admin/cleanup', { grace_minutes: 0 });
      expect(res.status).to.equal(200);
      expect(res.body.files_removed.map((f: any) => f.id)).to.deep.equal([unreferenced]);
      expect(res.body.orphan_chunks_removed.map((c: any) => c.files_id)).to.deep.equal([String(killedUpload)]);
      expect(await chunks().countDocuments({ files_id: killedUpload })).to.equal(0);
      expect(await cluster.deps.db.artifacts.exists(unreferenced)).to.equal(false);
      for (const id of referenced) expect(await cluster.deps.db.artifacts.exists(id)).to.equal(true);
      const dl = await fetch(`${cluster.baseUrl}/v1/datasets/${dataset.id}/download`, { headers: as(VIEWER) });
      expect(createHash('sha256').update(Buffer.from(await dl.arrayBuffer())).digest('hex')).to.equal(dataset.sha256);
      const again = await req('POST', '/v1/admin/cleanup', { grace_minutes: 0 });
      expect(again.body.files_removed).to.deep.equal([]);
      expect(again.body.orphan_chunks_removed).to.deep.equal([]);
    });

    it('runs as the scheduled orphan_cleanup job on the monitoring queue', async () => {
      const stray = (await cluster.deps.db.artifacts.put('stray-2.bin', Buffer.from('more stray bytes'))).id;
      const queue = cluster.deps.queues.get('monitoring');
      const job = await queue.add('orphan_cleanup', { type: 'orphan_cleanup', tick: new Date().toISOString(), grace_minutes: 0 }, { jobId: `orphan_cleanup-${Date.now()}` });
      let state = await job.getState();
      for (let i = 0; i < 200 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = await job.getState();
      }
      expect(state).to.equal('completed');
      const done = await queue.getJob(job.id!);
      expect(done!.returnvalue.files_removed.map((f: any) => f.id)).to.deep.equal([stray]);
      expect(await cluster.deps.db.artifacts.exists(stray)).to.equal(false);
    });
  });
});
