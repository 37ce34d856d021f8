import type { SearchSpace } from '../search-space.js';
import type { StudySnapshot } from '../study.js';
import type { TrialParams } from '../trial.js';

/**
 * Proposes the parameters of a new trial from the trials so far (Optuna's
 * `Sampler.sample(study, trial, space)`). Pure and synchronous: the same
 * study snapshot and trial number give the same parameters, so a study
 * resumed on another worker asks the same way.
 */
export interface Sampler {
  readonly name: string;
  sample(study: StudySnapshot, trial: { number: number }, space: SearchSpace): TrialParams;
}
