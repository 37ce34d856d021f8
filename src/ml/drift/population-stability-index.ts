import { DataError } from '../base/errors.js';

/**
 * Floor applied to every bin fraction before PSI takes its logarithm, so an
 * empty bin (on either side) adds a large but finite term instead of infinity.
 * 1e-4 is the usual choice: a bin that goes from empty to 5% adds
 * (0.05 - 1e-4) * ln(0.05 / 1e-4) = 0.31.
 */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index between two binned distributions given as
 * fractions over the same bins: sum_i (w_i - r_i) ln(w_i / r_i), each
 * fraction first raised to at least `epsilon`. Bins empty on both sides add 0.
 */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  window: ArrayLike<number>,
  epsilon = PSI_EPSILON,
): number {
  if (reference.length !== window.length) {
    throw new DataError(`psi: reference has ${reference.length} bins but window has ${window.length}`);
  }
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i], epsilon);
    const w = Math.max(window[i], epsilon);
    psi += (w - r) * Math.log(w / r);
  }
  return psi;
}
