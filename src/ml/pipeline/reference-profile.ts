import { getColumn, type Table } from '../data/table.js';
import { buildDriftProfile, type DriftColumns, type DriftProfile } from '../drift/index.js';
import type { ModelPipeline } from './model-pipeline.js';

/**
 * What drift checks compare live predictions against, computed from the
 * training data when the final model is fitted and stored with the version.
 */
export interface ReferenceProfile {
  /** the input features: quantile bins and a sorted sample (numeric) or category frequencies */
  features: DriftProfile;
  /** one feature, `prediction`: predicted labels (classification, categorical) or values (regression, numeric) */
  prediction: DriftProfile;
  /** one feature, `target`: the training labels or values */
  target: DriftProfile;
  /**
   * What the prediction profile is computed on: the final model's in-sample
   * predictions of (a strided subset of) the training rows. Out-of-fold
   * predictions would be less optimistic, but they live in the fold threads;
   * for the prediction *distribution* the in-sample one is a fair baseline.
   */
  predictionSource: 'in_sample';
  /** training rows profiled */
  rows: number;
}

/** Options of {@link referenceProfile}. */
export interface ReferenceProfileOptions {
  /**
   * Quantile bins per numeric feature.
   * @defaultValue 10
   */
  bins?: number;
  /**
   * Reference values kept per numeric feature for KS and Wasserstein; 5000
   * keeps a 20-feature profile near 1 MB in MongoDB.
   * @defaultValue 5000
   */
  sampleSize?: number;
  /**
   * Most training rows predicted for the prediction profile (evenly strided).
   * @defaultValue 20000
   */
  maxPredictionRows?: number;
}

/**
 * Profiles the training table of a fitted pipeline. Time-series models have
 * no input features to drift: null.
 */
export function referenceProfile(pipeline: ModelPipeline, table: Table, options: ReferenceProfileOptions = {}): ReferenceProfile | null {
  if (pipeline.task === 'timeseries') return null;
  const bins = options.bins ?? 10;
  const sampleSize = options.sampleSize ?? 5000;
  const maxRows = options.maxPredictionRows ?? 20_000;
  const profileOptions = { bins, sampleSize, seed: 0 };

  const columns: DriftColumns = {};
  const categorical: string[] = [];
  for (const spec of pipeline.featureSchema) {
    columns[spec.name] = getColumn(table, spec.name).values;
    if (spec.kind === 'string') categorical.push(spec.name);
  }
  const features = buildDriftProfile(columns, { ...profileOptions, categorical });

  const classification = pipeline.task === 'classification';
  const target = getColumn(table, pipeline.spec.target);
  const targetProfile = buildDriftProfile({ target: target.values }, { ...profileOptions, categorical: classification ? ['target'] : [] });

  const n = table.rowCount;
  const step = Math.max(1, Math.ceil(n / maxRows));
  const rows = new Int32Array(Math.ceil(n / step));
  for (let i = 0, r = 0; r < n; i++, r += step) rows[i] = r;
  const predicted = pipeline.predict(table, rows).predictions;
  const predictionColumn = classification ? predicted : Float64Array.from(predicted as number[]);
  const prediction = buildDriftProfile({ prediction: predictionColumn }, { ...profileOptions, categorical: classification ? ['prediction'] : [] });

  return { features, prediction, target: targetProfile, predictionSource: 'in_sample', rows: n };
}
