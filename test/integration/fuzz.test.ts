import { expect } from 'chai';
import { fuzzCluster } from '../fuzz/fuzz-cluster.js';

/** CI's bounded run of the property-based fuzz suite; `npm run fuzz -- --runs N` runs a long one. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

describe('fuzz: generated hostile requests against a real cluster', function () {
  this.timeout(900_000);

  it(`answers ${RUNS} generated requests with no 5xx, no process exit and JSON 4xx, and still serves a good request (seed ${SEED})`, async () => {
    const report = await fuzzCluster(RUNS, SEED);
    if (report.failure) expect.fail(`replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}: ${report.failure}`);
    expect(report.requests).to.equal(RUNS);
    expect(report.exits).to.deep.equal([]);
    expect(report.goodPath).to.equal('upload 201, train completed, predict 200');
  });
});
