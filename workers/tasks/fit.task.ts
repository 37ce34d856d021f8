import { fitFinal } from '../../src/ml/pipeline/fold-task.js';

/** Piscina task: fit the final model on all rows and serialise it. */
export default fitFinal;
