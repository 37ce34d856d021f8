import type { SamplerSpec } from '../../../../queues/job-schemas.js';
import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { TpeSampler } from './tpe-sampler.js';

/** The sampler a job's `sampler` block names; `seed` is used when the block gives none. */
export function createSampler(spec: SamplerSpec, seed: number): Sampler {
  switch (spec.type) {
    case 'grid':
      return new GridSampler();
    case 'random':
      return new RandomSampler('seed' in spec && spec.seed !== undefined ? spec.seed : seed);
    case 'tpe': {
      const s = spec as Extract<SamplerSpec, { type: 'tpe' }> & { seed?: number };
      return new TpeSampler({
        seed: s.seed ?? seed,
        nStartupTrials: s.n_startup_trials,
        nEiCandidates: s.n_ei_candidates,
        multivariate: s.multivariate,
        constantLiar: s.constant_liar,
      });
    }
  }
}
