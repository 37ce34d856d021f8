import type { StudySnapshot } from '../study.js';
import type { FrozenTrial } from '../trial.js';

/**
 * Decides, after a trial reports an intermediate value (a CV fold's metric,
 * step = fold index), whether to stop it (Optuna's `Pruner.prune(study, trial)`).
 * Pure: it reads the snapshot only.
 */
export interface Pruner {
  readonly name: string;
  prune(study: StudySnapshot, trial: FrozenTrial): boolean;
}
