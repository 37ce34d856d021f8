import { fitFinal, prepareThread, type FitPayload } from '../../src/ml/pipeline/fold-task.js';

/** Piscina task: fit the final model on all rows and serialise it. */
export default async function fit(p: FitPayload) {
  await prepareThread(p.spec);
  return fitFinal(p);
}
