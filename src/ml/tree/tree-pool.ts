import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Matrix } from '../base/matrix.js';
import { binBlockCount, binClaimedBlocks, binMatrix, createBinJob, finishBinJob, type BinnedMatrix } from './binning.js';
import { growClaimedTrees, type ForestJob, type GrownTreeMessage } from './forest-job.js';
import type { ForestTreeOptions } from './forest-tree-grower.js';
import type { HistogramShared } from './histogram-helper.js';

/**
 * Helper threads kept for the life of the process (unref'd, so they never
 * hold it open) and reused by every parallel forest or boosting fit.
 */
const helpers: Worker[] = [];

/** Longest wait for the next tree from a helper thread before giving up on it. */
const STALL_MS = 30 * 60_000;

/** Under tsx (tests, dev scripts) this module is the .ts source and its worker needs the tsx loader too. */
const fromSource = import.meta.url.endsWith('.ts');

function getHelpers(count: number): Worker[] {
  while (helpers.length < count) {
    const url = new URL(`./tree.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
    const w = new Worker(url, fromSource ? { execArgv: [...process.execArgv, '--import', 'tsx'] } : {});
    w.unref();
    // a helper that fails to start leaves its work to the calling thread (forests) or is
    // given up on (boosting); drop it so the next fit starts a fresh one
    w.on('error', () => {
      const at = helpers.indexOf(w);
      if (at >= 0) helpers.splice(at, 1);
    });
    helpers.push(w);
  }
  return helpers.slice(0, count);
}

function toShared<T extends Float64Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T {
  const out = make(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * Grows one tree per seed on `threads` threads (this one included) and
 * returns them in seed order, or null when `onTree` asked to stop. `fit` is
 * synchronous, so this thread blocks on Atomics.wait while helpers finish
 * their last trees, and collects their results with receiveMessageOnPort.
 * Trees are claimed from a shared counter, and each tree depends only on
 * its seed, so the result equals a sequential run. `onTree(done)` runs on
 * this thread after each tree it grows; returning false stops the claims.
 */
export function growTrees(
  binned: BinnedMatrix,
  target: Float64Array,
  options: ForestTreeOptions,
  seeds: Float64Array,
  threads: number,
  onTree: (done: number) => boolean = () => true,
): GrownTreeMessage[] | null {
  const nTrees = seeds.length;
  const counters = new Int32Array(new SharedArrayBuffer(12));
  const results: GrownTreeMessage[] = new Array<GrownTreeMessage>(nTrees);
  // trees claimed when a stop was asked for, else nTrees
  let expected = nTrees;
  const mine = (t: GrownTreeMessage): void => {
    results[t.index] = t;
    const done = Atomics.add(counters, 1, 1) + 1;
    if (expected === nTrees && !onTree(done)) expected = Math.min(nTrees, Atomics.exchange(counters, 0, nTrees));
  };
  if (threads <= 1 || nTrees <= 1) {
    growClaimedTrees({ binned, target, options, seeds, counters }, mine);
    return expected === nTrees ? results : null;
  }
  if (!(binned.codes.buffer instanceof SharedArrayBuffer)) throw new Error('growTrees: the binned matrix must sit in a SharedArrayBuffer');
  const job: ForestJob = {
    binned,
    target: toShared(target, (b) => new Float64Array(b)),
    options,
    seeds: toShared(seeds, (b) => new Float64Array(b)),
    counters,
  };
  const ports = getHelpers(Math.min(threads, nTrees) - 1).map((w) => {
    const { port1, port2 } = new MessageChannel();
    w.postMessage({ kind: 'forest', job, port: port2 }, [port2]);
    return port1;
  });
  try {
    growClaimedTrees(job, mine);
    // a helper that died mid-tree (out of memory, killed) would be waited for forever
    let lastDone = -1;
    let since = Date.now();
    for (;;) {
      const done = Atomics.load(counters, 1);
      if (done >= expected || Atomics.load(counters, 2) !== 0) break;
      if (done !== lastDone) {
        lastDone = done;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        throw new Error(`forest helper threads made no progress for ${STALL_MS / 1000} s`);
      }
      Atomics.wait(counters, 1, done, 1000);
    }
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as GrownTreeMessage | { error: string };
        if ('error' in msg) throw new Error(`forest helper thread failed: ${msg.error}`);
        results[msg.index] = msg;
      }
    }
  } finally {
    for (const port of ports) port.close();
  }
  if (expected < nTrees) return null;
  for (let i = 0; i < nTrees; i++) if (!results[i]) throw new Error(`forest helper threads lost tree ${i}`);
  return results;
}

/**
 * Bins X with `threads` threads claiming column blocks (the result, in
 * shared memory, is the same as binMatrix's); one thread bins on its own.
 */
export function binMatrixOnThreads(X: Matrix, maxBin: number, seed: number, threads: number): BinnedMatrix {
  const nBlocks = binBlockCount(X.cols);
  if (threads <= 1 || nBlocks < 2) return binMatrix(X, maxBin, { shared: threads > 1, seed });
  const job = createBinJob(X, maxBin, seed, true, true);
  for (const w of getHelpers(Math.min(threads, nBlocks) - 1)) w.postMessage({ kind: 'bin', job });
  binClaimedBlocks(job);
  const c = job.counters;
  let lastDone = -1;
  let since = Date.now();
  for (;;) {
    const done = Atomics.load(c, 1);
    if (done >= nBlocks) break;
    if (Atomics.load(c, 2) !== 0) throw new Error('a tree helper thread failed while binning');
    if (done !== lastDone) {
      lastDone = done;
      since = Date.now();
    } else if (Date.now() - since > STALL_MS) {
      throw new Error(`binning helper threads made no progress for ${STALL_MS / 1000} s`);
    }
    Atomics.wait(c, 1, done, 1000);
  }
  return finishBinJob(job);
}

/** Sends the i-th helper thread (0-based) to serve a boosting fit's histograms. */
export function startHistogramHelper(i: number, shared: HistogramShared): void {
  getHelpers(i + 1)[i].postMessage({ kind: 'histograms', shared });
}
