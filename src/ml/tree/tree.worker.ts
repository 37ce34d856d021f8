import { parentPort, type MessagePort } from 'node:worker_threads';
import { binClaimedBlocks, type BinJob } from './binning.js';
import { growClaimedTrees, type ForestJob } from './forest-job.js';
import { serveHistograms, type HistogramShared } from './histogram-helper.js';

type Message = { kind: 'forest'; job: ForestJob; port: MessagePort } | { kind: 'histograms'; shared: HistogramShared } | { kind: 'bin'; job: BinJob };

/**
 * A tree helper thread. 'forest': grows trees claimed from the job's shared
 * counter, posts each one on the job's port, then bumps the finished
 * counter and wakes the waiting thread; errors are posted, never thrown, so
 * the waiting thread cannot hang on them. 'histograms': serves a boosting
 * fit's histogram tasks until it says goodbye. 'bin': bins column blocks
 * claimed from the job's counter.
 */
parentPort?.on('message', (msg: Message) => {
  if (msg.kind === 'histograms') {
    serveHistograms(msg.shared);
    return;
  }
  if (msg.kind === 'bin') {
    try {
      binClaimedBlocks(msg.job);
    } catch {
      Atomics.store(msg.job.counters, 2, 1);
      Atomics.notify(msg.job.counters, 1);
    }
    return;
  }
  const { job, port } = msg;
  try {
    growClaimedTrees(job, (tree) => {
      const buffers = [tree.feature, tree.threshold, tree.left, tree.right, tree.missingLeft, tree.value, tree.importance].map((a) => a.buffer as ArrayBuffer);
      port.postMessage(tree, buffers);
      Atomics.add(job.counters, 1, 1);
      Atomics.notify(job.counters, 1);
    });
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    Atomics.store(job.counters, 2, 1);
    Atomics.notify(job.counters, 1);
  }
});
