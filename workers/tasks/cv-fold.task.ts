import { runFold } from '../../src/ml/pipeline/fold-task.js';

/** Piscina task: fit and score one cross-validation fold. */
export default runFold;
