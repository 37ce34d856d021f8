import { fuzzCluster } from '../test/fuzz/fuzz-cluster.js';

/**
 * npm run fuzz -- [--runs N] [--seed S] [--examples]: the fuzz suite's long run against a
 * real cluster (default 10,000 requests); prints the count of answers by
 * route and status (--examples: the first few error messages of each) and exits 1 on the first 5xx, process exit or malformed 4xx.
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} wants a positive integer`);
  return v;
}

const runs = arg('runs', 10_000);
const seed = arg('seed', Date.now() % 2 ** 31);
const t0 = Date.now();
console.log(`fuzz: ${runs} requests, seed ${seed}`);
const report = await fuzzCluster(runs, seed, (line) => console.log(`fuzz: ${line}`));
console.log(`fuzz: ${report.requests} requests in ${((Date.now() - t0) / 1000).toFixed(0)} s; by status ${JSON.stringify(report.byStatus)}; 5xx: ${Object.entries(report.byStatus).filter(([s]) => s.startsWith('5')).reduce((a, [, n]) => a + n, 0)}; process exits: ${report.exits.length}; good path: ${report.goodPath}`);
console.log(`fuzz: accepted jobs by outcome ${JSON.stringify(report.jobs)}`);
for (const [route, statuses] of Object.entries(report.byRoute).sort()) console.log(`fuzz:   ${route.padEnd(52)} ${JSON.stringify(statuses)}`);
if (process.argv.includes('--examples')) for (const [k, v] of Object.entries(report.examples).sort()) for (const m of v) console.log(`fuzz:   ${k}: ${m}`);
if (report.failure) {
  console.error(`fuzz: FAILED (replay with --seed ${seed} --runs ${runs})\n${report.failure}`);
  process.exit(1);
}
process.exit(0);
