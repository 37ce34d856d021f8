import { paramNames, sampleUniform, trialRng, type SearchSpace } from '../search-space.js';
import type { StudySnapshot } from '../study.js';
import type { TrialParams } from '../trial.js';
import type { Sampler } from './sampler.js';

/** Independent uniform draws (log-uniform for `log`), seeded per trial number. */
export class RandomSampler implements Sampler {
  readonly name = 'random';

  constructor(readonly seed: number) {}

  sample(_study: StudySnapshot, trial: { number: number }, space: SearchSpace): TrialParams {
    const rng = trialRng(this.seed, trial.number);
    const out: TrialParams = {};
    for (const name of paramNames(space)) out[name] = sampleUniform(space[name], rng);
    return out;
  }
}
