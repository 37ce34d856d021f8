import { evaluateTask } from '../../src/evaluation/evaluate-model.js';

/** Piscina task: score a saved model on a table (metrics, slices, bias, diagnostics). */
export default evaluateTask;
