import { DataError } from '../base/errors.js';
import { checkNumber } from '../base/params.js';
import { categoryKey, type CategoricalProfile, type CategoryValue } from './categorical-profile.js';
import { chi2Contingency } from './chi2-contingency.js';
import type { DriftColumns, DriftProfile } from './drift-profile.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ks2SampSorted } from './ks-two-sample.js';
import { binCountsSorted, splitMissing, type NumericProfile } from './numeric-profile.js';
import { PSI_EPSILON, populationStabilityIndex } from './population-stability-index.js';
import { wassersteinDistanceSorted } from './wasserstein.js';

/** Options of {@link driftReport}. */
export interface DriftReportOptions {
  /**
   * A feature has drifted when its PSI is above this: the model config's
   * `monitoring.drift_threshold`. 0.1 is the usual "some shift" line, 0.25 "major".
   * @defaultValue 0.1
   */
  psiThreshold?: number;
  /**
   * Significance level for the `significant` flag (KS for numeric, chi-square
   * for categorical features). Informational only: with thousands of rows a
   * test rejects for shifts too small to matter, so it does not decide `drifted`.
   * @defaultValue 0.05
   */
  pValue?: number;
}

interface FeatureDriftBase {
  feature: string;
  /** rows of the window, missing ones included */
  window_count: number;
  window_missing_fraction: number | null;
  reference_missing_fraction: number;
  /** PSI over the profile's bins plus a missing-value bin (fractions floored at PSI_EPSILON); null for an empty window */
  psi: number | null;
  /** Jensen-Shannon distance (base 2, in [0, 1]) over the same bins as PSI */
  js_distance: number | null;
  /** psi > psi_threshold */
  drifted: boolean;
  /** the feature's test p-value is below p_value */
  significant: boolean;
}

/** Drift of one numeric feature. KS and Wasserstein compare non-missing values only. */
export interface NumericFeatureDrift extends FeatureDriftBase {
  kind: 'numeric';
  ks_statistic: number | null;
  ks_p_value: number | null;
  /** 'exact' or 'asymp', as scipy.stats.ks_2samp's method='auto' picks */
  ks_method: 'exact' | 'asymp' | null;
  wasserstein: number | null;
  /** whether KS/Wasserstein used the whole reference (false: its reservoir sample) */
  reference_sample_exact: boolean;
}

/** Drift of one categorical feature. */
export interface CategoricalFeatureDrift extends FeatureDriftBase {
  kind: 'categorical';
  /** chi-square statistic of the 2 x k table [reference counts; window counts] over kept categories, other and missing */
  chi2: number | null;
  chi2_p_value: number | null;
  chi2_dof: number | null;
  /** fraction of window rows in no kept reference category (new categories land here) */
  window_other_fraction: number | null;
}

export type FeatureDrift = NumericFeatureDrift | CategoricalFeatureDrift;

/** Result of a drift check of a window against a reference profile; plain JSON. */
export interface DriftReport {
  psi_threshold: number;
  p_value: number;
  n_features: number;
  n_drifted: number;
  /** n_drifted / n_features (0 with no features) */
  share_drifted: number;
  features: FeatureDrift[];
}

function fractions(counts: ArrayLike<number>, total: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

/** Drift of one numeric feature's window against its reference profile. */
export function numericDrift(feature: string, profile: NumericProfile, window: ArrayLike<number>, options: DriftReportOptions = {}): NumericFeatureDrift {
  const { psiThreshold, pValue } = checkOptions(options);
  const { sorted, missing } = splitMissing(`driftReport: feature '${feature}'`, window);
  const total = window.length;
  const out: NumericFeatureDrift = {
    feature,
    kind: 'numeric',
    window_count: total,
    window_missing_fraction: total === 0 ? null : missing / total,
    reference_missing_fraction: profile.missing_fraction,
    psi: null,
    js_distance: null,
    ks_statistic: null,
    ks_p_value: null,
    ks_method: null,
    wasserstein: null,
    reference_sample_exact: profile.sample_exact,
    drifted: false,
    significant: false,
  };
  if (total === 0) return out;
  // bins then the missing bin, all as fractions of all rows
  const ref = Float64Array.from([...profile.bin_fractions, profile.missing_fraction]);
  const win = new Float64Array(ref.length);
  win.set(fractions(binCountsSorted(sorted, profile.bin_edges), total));
  win[ref.length - 1] = missing / total;
  if (profile.count > 0) {
    out.psi = populationStabilityIndex(ref, win, PSI_EPSILON);
    out.js_distance = jensenShannonDistance(ref, win, 2);
  }
  const sample = Float64Array.from(profile.sample);
  if (sample.length > 0 && sorted.length > 0) {
    const ks = ks2SampSorted(sample, sorted);
    out.ks_statistic = ks.statistic;
    out.ks_p_value = ks.pValue;
    out.ks_method = ks.method;
    out.wasserstein = wassersteinDistanceSorted(sample, sorted);
  }
  out.drifted = out.psi !== null && out.psi > psiThreshold;
  out.significant = out.ks_p_value !== null && out.ks_p_value < pValue;
  return out;
}

/** Drift of one categorical feature's window against its reference profile. */
export function categoricalDrift(
  feature: string,
  profile: CategoricalProfile,
  window: ArrayLike<CategoryValue>,
  options: DriftReportOptions = {},
): CategoricalFeatureDrift {
  const { psiThreshold, pValue } = checkOptions(options);
  const k = profile.categories.length;
  const index = new Map<string, number>();
  profile.categories.forEach((c, i) => index.set(c, i));
  // columns: kept categories, other, missing
  const winCounts = new Float64Array(k + 2);
  for (let i = 0; i < window.length; i++) {
    const key = categoryKey(window[i]);
    winCounts[key === null ? k + 1 : index.get(key) ?? k]++;
  }
  const refCounts = Float64Array.from([...profile.counts, profile.other_count, profile.missing_count]);
  const total = window.length;
  const out: CategoricalFeatureDrift = {
    feature,
    kind: 'categorical',
    window_count: total,
    window_missing_fraction: total === 0 ? null : winCounts[k + 1] / total,
    reference_missing_fraction: profile.missing_fraction,
    window_other_fraction: total === 0 ? null : winCounts[k] / total,
    psi: null,
    js_distance: null,
    chi2: null,
    chi2_p_value: null,
    chi2_dof: null,
    drifted: false,
    significant: false,
  };
  if (total === 0 || profile.count === 0) return out;
  const ref = fractions(refCounts, profile.count);
  const win = fractions(winCounts, total);
  out.psi = populationStabilityIndex(ref, win, PSI_EPSILON);
  out.js_distance = jensenShannonDistance(ref, win, 2);
  // chi2_contingency refuses all-zero columns (zero expected counts): drop them
  const cols: number[] = [];
  for (let c = 0; c < k + 2; c++) if (refCounts[c] + winCounts[c] > 0) cols.push(c);
  const table = new Float64Array(2 * cols.length);
  cols.forEach((c, j) => {
    table[j] = refCounts[c];
    table[cols.length + j] = winCounts[c];
  });
  const chi = chi2Contingency(table, 2, cols.length);
  out.chi2 = chi.statistic;
  out.chi2_p_value = chi.pValue;
  out.chi2_dof = chi.dof;
  out.drifted = out.psi > psiThreshold;
  out.significant = out.chi2_p_value < pValue;
  return out;
}

function checkOptions(options: DriftReportOptions): { psiThreshold: number; pValue: number } {
  return {
    psiThreshold: checkNumber('driftReport', 'psi_threshold', options.psiThreshold ?? 0.1, { kind: 'float', min: 0 }),
    pValue: checkNumber('driftReport', 'p_value', options.pValue ?? 0.05, { kind: 'float', gt: 0, lt: 1 }),
  };
}

/**
 * Compares a window of recent inputs with the reference profile, feature by
 * feature. The rule for `drifted` is PSI > psiThreshold (the config's
 * `drift_threshold`); KS, chi-square, Jensen-Shannon and Wasserstein are
 * reported beside it. Every profiled feature must be in the window; extra
 * window columns are ignored.
 */
export function driftReport(profile: DriftProfile, window: DriftColumns, options: DriftReportOptions = {}): DriftReport {
  const { psiThreshold, pValue } = checkOptions(options);
  const features: FeatureDrift[] = [];
  for (const fp of profile.features) {
    const column = window[fp.feature];
    if (column === undefined) throw new DataError(`driftReport: the window has no column for feature '${fp.feature}'`);
    if (fp.kind === 'numeric') {
      for (let i = 0; !ArrayBuffer.isView(column) && i < column.length; i++) {
        if (typeof column[i] !== 'number') {
          throw new DataError(`driftReport: feature '${fp.feature}' is numeric in the profile but the window holds ${JSON.stringify(column[i])} at index ${i}`);
        }
      }
      features.push(numericDrift(fp.feature, fp, column as ArrayLike<number>, options));
    } else {
      features.push(categoricalDrift(fp.feature, fp, column as ArrayLike<CategoryValue>, options));
    }
  }
  const nDrifted = features.filter((f) => f.drifted).length;
  return {
    psi_threshold: psiThreshold,
    p_value: pValue,
    n_features: features.length,
    n_drifted: nDrifted,
    share_drifted: features.length === 0 ? 0 : nDrifted / features.length,
    features,
  };
}
