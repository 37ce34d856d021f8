import type { PrunerSpec } from '../../../../queues/job-schemas.js';
import { MedianPruner } from './median-pruner.js';
import { NopPruner } from './nop-pruner.js';
import type { Pruner } from './pruner.js';
import { SuccessiveHalvingPruner } from './successive-halving-pruner.js';

type Of<T extends PrunerSpec['type']> = Extract<PrunerSpec, { type: T }> & Record<string, number | undefined>;

/** The pruner a job's `pruner` block names. */
export function createPruner(spec: PrunerSpec): Pruner {
  switch (spec.type) {
    case 'none':
      return new NopPruner();
    case 'median': {
      const s = spec as Of<'median'>;
      return new MedianPruner(defined({ nStartupTrials: s.n_startup_trials, nWarmupSteps: s.n_warmup_steps, intervalSteps: s.interval_steps, nMinTrials: s.n_min_trials }));
    }
    case 'successive_halving': {
      const s = spec as Of<'successive_halving'>;
      return new SuccessiveHalvingPruner(
        defined({ minResource: s.min_resource, reductionFactor: s.reduction_factor, minEarlyStoppingRate: s.min_early_stopping_rate, bootstrapCount: s.bootstrap_count }),
      );
    }
  }
}

/** Drops undefined entries so the pruners' defaults apply. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
