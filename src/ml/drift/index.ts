export { categoricalProfile, categoryKey } from './categorical-profile.js';
export type { CategoricalProfile, CategoricalProfileOptions, CategoryValue } from './categorical-profile.js';
export { chi2Contingency } from './chi2-contingency.js';
export type { Chi2ContingencyOptions, Chi2ContingencyResult } from './chi2-contingency.js';
export { buildDriftProfile, isNumericColumn, parseDriftProfile } from './drift-profile.js';
export type { DriftColumns, DriftProfile, DriftProfileOptions, FeatureProfile } from './drift-profile.js';
export { categoricalDrift, driftReport, numericDrift } from './drift-report.js';
export type {
  CategoricalFeatureDrift,
  DriftReport,
  DriftReportOptions,
  FeatureDrift,
  NumericFeatureDrift,
} from './drift-report.js';
export { jensenShannonDistance } from './jensen-shannon.js';
export { kstwoSf, smirnovSf } from './kolmogorov.js';
export { KS_MAX_AUTO_N, ks2Samp, ks2SampSorted } from './ks-two-sample.js';
export type { KsMethod, KsOptions, KsResult } from './ks-two-sample.js';
export { DEFAULT_SAMPLE_SIZE, numericProfile } from './numeric-profile.js';
export type { NumericProfile, NumericProfileOptions, NumericSummary } from './numeric-profile.js';
export { PSI_EPSILON, populationStabilityIndex } from './population-stability-index.js';
export { reservoirSample } from './reservoir-sample.js';
export { quantileSorted } from './sorted-quantile.js';
export { chi2Sf, logGamma, regularizedGammaP, regularizedGammaQ } from './special-functions.js';
export { wassersteinDistance, wassersteinDistanceSorted } from './wasserstein.js';
