import type { BinnedMatrix } from './binning.js';
import { ForestTreeGrower, type ForestTreeOptions } from './forest-tree-grower.js';

/** Everything a thread needs to grow trees of one forest; the big arrays sit in SharedArrayBuffers. */
export interface ForestJob {
  binned: BinnedMatrix;
  target: Float64Array;
  options: ForestTreeOptions;
  seeds: Float64Array;
  /** [next tree to claim, trees finished] */
  counters: Int32Array;
}

/** One grown tree in transferable form. */
export interface GrownTreeMessage {
  index: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  importance: Float64Array;
  size: number;
  compact: boolean;
}

/**
 * Claims trees from the shared counter until none are left and hands each
 * grown tree to `emit`. The main thread and every worker run this same loop,
 * so each tree depends only on its seed, whoever grows it.
 */
export function growClaimedTrees(job: ForestJob, emit: (tree: GrownTreeMessage) => void): void {
  const grower = new ForestTreeGrower(job.binned, job.target, job.options);
  const nTrees = job.seeds.length;
  for (;;) {
    const index = Atomics.add(job.counters, 0, 1);
    if (index >= nTrees) return;
    const importance = new Float64Array(job.binned.cols);
    const t = grower.grow(job.seeds[index], importance);
    emit({
      index,
      feature: t.feature.slice(0, t.size),
      threshold: t.threshold.slice(0, t.size),
      left: t.left.slice(0, t.size),
      right: t.right.slice(0, t.size),
      missingLeft: t.missingLeft.slice(0, t.size),
      value: t.value.slice(0, t.size * t.valueDim),
      importance,
      size: t.size,
      compact: t.compact,
    });
  }
}
