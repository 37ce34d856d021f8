import type { SliceGroup } from './slice-groups.js';

/** Inputs of a bias report: codes of true and predicted classes, and the groups of each sensitive feature. */
export interface BiasInput {
  yTrue: Float64Array;
  yPred: Float64Array;
  labels: Array<number | string>;
  /** code of the positive class, or null when there is none (multiclass without pos_label) */
  positive: number | null;
  groups: Array<{ feature: string; groups: SliceGroup[] }>;
  rows: number;
}

/** The bias report of one sensitive feature. */
export interface FeatureBias {
  feature: string;
  groups: Array<{ group: string; count: number; selection_rate: number | null; tpr: number | null; fpr: number | null; accuracy: number | null }>;
  demographic_parity_difference: number | null;
  demographic_parity_ratio: number | null;
  equalized_odds_difference: number | null;
  disparate_impact_ratio: number | null;
  /** disparate impact ratio >= 0.8 */
  four_fifths_rule: 'pass' | 'fail' | null;
}

export interface BiasSection {
  positive_label: number | string | null;
  features: FeatureBias[];
  /** why there is no report, when there is none */
  note?: string;
}

/** PENDING: wired to src/ml/fairness biasReport once that module lands. */
export function biasSection(input: BiasInput): BiasSection {
  return { positive_label: input.positive === null ? null : input.labels[input.positive], features: [], note: 'bias report not available yet' };
}
