import { predictBlockTask } from '../../src/serving/predict-work.js';

/** Piscina task: predict one CSV block of a batch_predict job and answer it as output CSV lines. */
export default predictBlockTask;
