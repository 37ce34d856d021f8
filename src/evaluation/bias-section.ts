import { biasReport, type BiasReport } from '../ml/fairness/index.js';
import { MISSING_LABEL, type SliceGroup } from './slice-groups.js';

/** Inputs of a bias report: codes of true and predicted classes, and the groups of each sensitive feature. */
export interface BiasInput {
  yTrue: Float64Array;
  yPred: Float64Array;
  /** class labels by code */
  labels: Array<number | string>;
  /** code of the positive (favourable) class, or null when there is none (multiclass without pos_label) */
  positive: number | null;
  groups: Array<{ feature: string; groups: SliceGroup[] }>;
  rows: number;
}

/**
 * The bias report of one sensitive feature: src/ml/fairness's report
 * (Fairlearn's definitions; per-group selection rate, TPR, FPR, accuracy in
 * `by_group`), with `pos_label` as the user's label rather than its code.
 */
export type FeatureBias = Omit<BiasReport, 'pos_label'> & { feature: string; pos_label: number | string };

export interface BiasSection {
  positive_label: number | string | null;
  features: FeatureBias[];
  /** why there is no report, when there is none */
  note?: string;
}

/**
 * One bias report per sensitive feature. Groups are the feature's values
 * (numeric features in quantile bins); rows where it is missing form the
 * not-recorded group (key null).
 */
export function biasSection(input: BiasInput): BiasSection {
  if (input.positive === null) {
    return { positive_label: null, features: [], note: 'a multiclass model needs pos_label (the favourable class) for a bias report' };
  }
  const positiveLabel = input.labels[input.positive];
  const features = input.groups.map(({ feature, groups }): FeatureBias => {
    const sensitive = new Array<string | null>(input.rows).fill(null);
    for (const g of groups) {
      const key = g.label === MISSING_LABEL ? null : g.label;
      for (const r of g.rows) sensitive[r] = key;
    }
    const report = biasReport(input.yTrue, input.yPred, sensitive, { posLabel: input.positive! });
    return { feature, ...report, pos_label: positiveLabel };
  });
  return { positive_label: positiveLabel, features };
}
