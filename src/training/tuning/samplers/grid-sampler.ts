import { ParameterError } from '../../../ml/base/errors.js';
import { gridPoint, gridSize, paramNames, type SearchSpace } from '../search-space.js';
import type { StudySnapshot } from '../study.js';
import type { TrialParams } from '../trial.js';
import type { Sampler } from './sampler.js';

/**
 * Trial n takes grid point n: ints and stepped floats contribute every value
 * in [low, high], categoricals every choice. A float without a step has no
 * grid and is refused.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';

  sample(_study: StudySnapshot, trial: { number: number }, space: SearchSpace): TrialParams {
    const size = GridSampler.size(space);
    return gridPoint(space, trial.number % size);
  }

  /** The number of grid points; throws a ParameterError naming a float without a step. */
  static size(space: SearchSpace): number {
    const size = gridSize(space);
    if (size === null) {
      const name = paramNames(space).find((n) => space[n].type === 'float' && space[n].step === undefined)!;
      throw new ParameterError(`The grid sampler needs a 'step' for the float parameter '${name}' (or list its values as categorical choices).`, name);
    }
    return size;
  }
}
