import { DataError } from '../base/errors.js';
import { rateDifference, rateRatio, worstDifference, worstRatio, type DisparityOptions, type UndefinedRatePolicy } from './disparity.js';
import { groupRates, type GroupRates, type GroupRatesOf, type SensitiveValue } from './group-rates.js';

/** The four-fifths (80%) rule of the US EEOC Uniform Guidelines: a selection-rate ratio below this signals adverse impact. */
export const FOUR_FIFTHS = 0.8;

/** Options of {@link biasReport}. */
export type BiasReportOptions = DisparityOptions;

/**
 * Group fairness of a classifier's predictions across one sensitive feature,
 * plain JSON (null where a value is undefined, never NaN).
 */
export interface BiasReport {
  pos_label: number;
  undefined_rates: UndefinedRatePolicy;
  n_groups: number;
  overall: GroupRates;
  /** numbers ascending, then strings, then the not-recorded (null) group */
  by_group: GroupRatesOf[];
  /** max - min selection rate (Fairlearn demographic_parity_difference) */
  demographic_parity_difference: number;
  /** min / max selection rate (Fairlearn demographic_parity_ratio); null when no row is selected */
  demographic_parity_ratio: number | null;
  true_positive_rate_difference: number | null;
  true_positive_rate_ratio: number | null;
  false_positive_rate_difference: number | null;
  false_positive_rate_ratio: number | null;
  /** the larger of the TPR and FPR differences (Fairlearn equalized_odds_difference, agg='worst_case') */
  equalized_odds_difference: number | null;
  /** the smaller of the TPR and FPR ratios (Fairlearn equalized_odds_ratio, agg='worst_case') */
  equalized_odds_ratio: number | null;
  /**
   * Lowest group selection rate over the highest: with no privileged group
   * named, the most-disadvantaged group against the most-favoured one, which
   * is the demographic parity ratio.
   */
  disparate_impact_ratio: number | null;
  four_fifths_threshold: number;
  /** disparate_impact_ratio >= 0.8; null when the ratio is undefined (nobody selected) */
  four_fifths_passed: boolean | null;
}

/**
 * Fairness report of binary (or one-vs-rest) predictions across the groups
 * of one sensitive feature, with Fairlearn's definitions. Missing sensitive
 * values form their own group (key null) rather than being dropped. With
 * one group only, every difference is 0 and every defined ratio 1.
 */
export function biasReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: BiasReportOptions = {},
): BiasReport {
  const policy = options.undefinedRates ?? 'ignore';
  if (policy !== 'ignore' && policy !== 'zero') {
    throw new DataError(`biasReport: undefined_rates must be 'ignore' or 'zero', got ${JSON.stringify(policy)}`);
  }
  const { overall, byGroup } = groupRates(yTrue, yPred, sensitive, options);
  const tprDiff = rateDifference(byGroup, 'true_positive_rate', policy);
  const fprDiff = rateDifference(byGroup, 'false_positive_rate', policy);
  const tprRatio = rateRatio(byGroup, 'true_positive_rate', policy);
  const fprRatio = rateRatio(byGroup, 'false_positive_rate', policy);
  const dpRatio = rateRatio(byGroup, 'selection_rate', policy);
  return {
    pos_label: options.posLabel ?? 1,
    undefined_rates: policy,
    n_groups: byGroup.length,
    overall,
    by_group: byGroup,
    demographic_parity_difference: rateDifference(byGroup, 'selection_rate', policy)!,
    demographic_parity_ratio: dpRatio,
    true_positive_rate_difference: tprDiff,
    true_positive_rate_ratio: tprRatio,
    false_positive_rate_difference: fprDiff,
    false_positive_rate_ratio: fprRatio,
    equalized_odds_difference: worstDifference(tprDiff, fprDiff),
    equalized_odds_ratio: worstRatio(tprRatio, fprRatio),
    disparate_impact_ratio: dpRatio,
    four_fifths_threshold: FOUR_FIFTHS,
    four_fifths_passed: dpRatio === null ? null : dpRatio >= FOUR_FIFTHS,
  };
}
