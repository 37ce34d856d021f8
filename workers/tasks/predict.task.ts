import { predictTask } from '../../src/serving/predict-work.js';

/** Piscina task: predict instances (or forecast) with a pipeline this thread holds by sha256. */
export default predictTask;
