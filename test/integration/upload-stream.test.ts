import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, TestCluster } from './harness.js';

const MB = 1024 * 1024;
/** The big upload's size: the acceptance figure by default; UPLOAD_TEST_MB makes it smaller or larger. */
const UPLOAD_MB = Number(process.env.UPLOAD_TEST_MB ?? 200);


/** Peak resident memory of a process so far (Linux VmHWM), in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** CSV text in 1 MB pieces: a header, then rows of a number, a decimal, a category and some text (about 55 bytes), to about `bytes`. */
function* csvPieces(bytes: number): Generator<Buffer> {
  yield Buffer.from('id,x,color,note\n');
  let sent = 0;
  let i = 0;
  const colors = ['red', 'green', 'blue'];
  while (sent < bytes) {
    const rows: string[] = [];
    let size = 0;
    while (size < MB) {
      const row = `${i},${((i * 7919) % 10007) / 100},${colors[i % 3]},lorem ipsum dolor sit amet\n`;
      rows.push(row);
      size += row.length;
      i++;
    }
    sent += size;
    yield Buffer.from(rows.join(''));
  }
}

/** POSTs the pieces as a chunked text/csv body; `cutAfter` bytes, then the client hangs up. */
function upload(port: number, pathAndQuery: string, pieces: Iterable<Buffer>, cutAfter = Infinity): Promise<{ status: number; body: any; sent: number; sha256: string; rows: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let sent = 0;
    let newlines = 0;
    const req = request({ host: '127.0.0.1', port, path: pathAndQuery, method: 'POST', headers: { 'content-type': 'text/csv' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), sent, sha256: hash.digest('hex'), rows: newlines - 1 }));
    });
    req.on('error', (err) => (cutAfter < Infinity ? resolve({ status: 0, body: null, sent, sha256: '', rows: 0 }) : reject(err)));
    const it = pieces[Symbol.iterator]();
    const next = (): void => {
      for (;;) {
        const { value, done } = it.next();
        if (done) return void req.end();
        if (sent + value.length > cutAfter) return void req.destroy();
        sent += value.length;
        hash.update(value);
        for (let k = 0; k < value.length; k++) if (value[k] === 10) newlines++;
        if (!req.write(value)) return void req.once('drain', next);
      }
    };
    next();
  });
}

describe('streamed uploads: a big CSV never sits in the API\'s memory, and a cut-off one leaves nothing', function () {
  this.timeout(600_000);
  const cluster = new TestCluster({ workers: 0 });
  let api: ChildProcess;
  let port = 0;
  const gridfs = async () => ({
    files: await cluster.deps.db.conn.db!.collection('artifacts.files').countDocuments(),
    chunks: await cluster.deps.db.conn.db!.collection('artifacts.chunks').countDocuments(),
  });

  before(async () => {
    await cluster.start();
    port = await freePort();
    api = spawn(process.execPath, [path.resolve('dist/src/api/server.js')], {
      env: { ...process.env, ...cluster.env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', UPLOAD_LIMIT: `${UPLOAD_MB + 50}mb` },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; ; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok) break;
      if (i > 200) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    api?.kill('SIGTERM');
    await cluster.stop();
  });

  it('leaves no GridFS file or chunk behind when the client hangs up mid-upload, and keeps serving', async () => {
    const before = await gridfs();
    const res = await upload(port, '/v1/datasets?name=cut', csvPieces(40 * MB), 20 * MB);
    expect(res.status).to.equal(0);
    // the API aborts the GridFS write when it sees the request end early
    for (let i = 0; ; i++) {
      const now = await gridfs();
      if (now.files === before.files && now.chunks === before.chunks) break;
      if (i > 100) expect.fail(`GridFS still holds ${now.files - before.files} files and ${now.chunks - before.chunks} chunks of the cut upload`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const listed = (await (await fetch(`http://127.0.0.1:${port}/v1/datasets?name=cut`)).json()) as { datasets: unknown[] };
    expect(listed.datasets).to.deep.equal([]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
  });

  it('refuses a ragged row deep in the file with its line, and stores nothing', async () => {
    const before = await gridfs();
    const pieces = [...csvPieces(3 * MB)];
    pieces.push(Buffer.from('1,2\n'));
    const res = await upload(port, '/v1/datasets?name=ragged', pieces);
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.match(/CSV line \d+ has 2 fields, but the header has 4 columns/);
    expect(await gridfs()).to.deep.equal(before);
  });
  // last: GridFS counts are slow on FerretDB once it holds a big file
  it(`stores a ${UPLOAD_MB} MB CSV with the API under 300 MB resident, its sha256 and rows as sent`, async () => {
    const res = await upload(port, '/v1/datasets?name=big', csvPieces(UPLOAD_MB * MB));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ name: 'big', version: 1, rows: res.rows, sha256: res.sha256, size_bytes: res.sent });
    expect(res.body.columns).to.deep.equal([{ name: 'id', type: 'number' }, { name: 'x', type: 'number' }, { name: 'color', type: 'string' }, { name: 'note', type: 'string' }]);
    const peak = peakRss(api.pid!);
    console.log(`      (${(res.sent / MB).toFixed(0)} MB, ${res.rows} rows: API peak RSS ${(peak / MB).toFixed(0)} MB)`);
    expect(peak).to.be.below(300 * MB);
  });
});
