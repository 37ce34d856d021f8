export { biasReport, FOUR_FIFTHS } from './bias-report.js';
export type { BiasReport, BiasReportOptions } from './bias-report.js';
export {
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalizedOddsRatio,
  rateDifference,
  rateRatio,
} from './disparity.js';
export type { DisparityOptions, UndefinedRatePolicy } from './disparity.js';
export { groupRates } from './group-rates.js';
export type { FairnessOptions, GroupKey, GroupRates, GroupRatesOf, SensitiveValue } from './group-rates.js';
