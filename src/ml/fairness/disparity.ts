import { groupRates, type FairnessOptions, type GroupRates, type SensitiveValue } from './group-rates.js';

/**
 * What a rate that is undefined for a group (a true or false positive rate
 * of a group with no positive, or no negative, rows) does to the
 * differences and ratios across groups:
 * - 'ignore' (default): the group is left out of that rate's max and min,
 *   as a NaN is by pandas' max/min in Fairlearn's MetricFrame.
 * - 'zero': the rate counts as 0, which is what Fairlearn 0.x actually
 *   computes (scikit-learn's confusion_matrix(normalize='true') turns 0/0
 *   into 0); choose it to reproduce Fairlearn's numbers exactly.
 * Per-group rates are reported as null either way.
 */
export type UndefinedRatePolicy = 'ignore' | 'zero';

/** Options of the disparity metrics. */
export interface DisparityOptions extends FairnessOptions {
  /** @defaultValue 'ignore' */
  undefinedRates?: UndefinedRatePolicy;
}

type RateName = 'selection_rate' | 'true_positive_rate' | 'false_positive_rate';

function values(groups: GroupRates[], rate: RateName, policy: UndefinedRatePolicy): number[] {
  const out: number[] = [];
  for (const g of groups) {
    const v = g[rate];
    if (v !== null) out.push(v);
    else if (policy === 'zero') out.push(0);
  }
  return out;
}

/** max - min of a rate across groups (MetricFrame.difference(method='between_groups')); null when no group defines it. */
export function rateDifference(groups: GroupRates[], rate: RateName, policy: UndefinedRatePolicy = 'ignore'): number | null {
  const v = values(groups, rate, policy);
  return v.length === 0 ? null : Math.max(...v) - Math.min(...v);
}

/** min / max of a rate across groups (MetricFrame.ratio(method='between_groups')); null when undefined or 0/0. */
export function rateRatio(groups: GroupRates[], rate: RateName, policy: UndefinedRatePolicy = 'ignore'): number | null {
  const v = values(groups, rate, policy);
  if (v.length === 0) return null;
  const max = Math.max(...v);
  return max === 0 ? null : Math.min(...v) / max;
}

/** The larger of two differences, or the one that is defined. */
export function worstDifference(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The smaller of two ratios, or the one that is defined. */
export function worstRatio(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Fairlearn's demographic_parity_difference: max - min selection rate across groups. */
export function demographicParityDifference(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: FairnessOptions = {},
): number {
  return rateDifference(groupRates(yTrue, yPred, sensitive, options).byGroup, 'selection_rate')!;
}

/** Fairlearn's demographic_parity_ratio: min / max selection rate; null when no row is selected. */
export function demographicParityRatio(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: FairnessOptions = {},
): number | null {
  return rateRatio(groupRates(yTrue, yPred, sensitive, options).byGroup, 'selection_rate');
}

/** Fairlearn's equalized_odds_difference (agg='worst_case'): the larger of the TPR and FPR differences. */
export function equalizedOddsDifference(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: DisparityOptions = {},
): number | null {
  const groups = groupRates(yTrue, yPred, sensitive, options).byGroup;
  const policy = options.undefinedRates ?? 'ignore';
  return worstDifference(rateDifference(groups, 'true_positive_rate', policy), rateDifference(groups, 'false_positive_rate', policy));
}

/** Fairlearn's equalized_odds_ratio (agg='worst_case'): the smaller of the TPR and FPR ratios. */
export function equalizedOddsRatio(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: DisparityOptions = {},
): number | null {
  const groups = groupRates(yTrue, yPred, sensitive, options).byGroup;
  const policy = options.undefinedRates ?? 'ignore';
  return worstRatio(rateRatio(groups, 'true_positive_rate', policy), rateRatio(groups, 'false_positive_rate', policy));
}
