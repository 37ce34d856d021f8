import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { runChaos } from '../../scripts/chaos.js';
import { ferretdbBinary } from './store-process.js';

/**
 * CI's small chaos run (`npm run chaos -- --jobs N` runs a long one): mixed
 * jobs over HTTP while workers are SIGKILLed, and Redis and MongoDB (its own
 * redis-server with AOF and its own FerretDB) restarted once each.
 */
describe('chaos: killed workers and restarted stores lose no job', function () {
  this.timeout(900_000);

  it('ends every accepted job with a reason, with no duplicate version, orphan file or disagreement with BullMQ', async function () {
    // the store restarted here is a FerretDB of its own: scripts/dev-services.sh builds the binary
    if (!existsSync(ferretdbBinary())) this.skip();
    const report = await runChaos(40, 3, 2);
    expect(report.violations, JSON.stringify(report, null, 2)).to.deep.equal([]);
    expect(report.accepted).to.equal(40);
    expect(report.redisRestarts).to.equal(1);
    expect(report.mongoRestarts).to.equal(1);
    expect(report.workerKills).to.be.above(0);
  });
});
