export { uniqueLabels } from './check-inputs.js';
export * from './classification-metrics.js';
export * from './confusion-matrix.js';
export * from './forecast-metrics.js';
export * from './probabilistic-metrics.js';
export * from './ranking-metrics.js';
export * from './regression-metrics.js';
export * from './registry.js';
