import { prepareThread, runFold, type FoldPayload } from '../../src/ml/pipeline/fold-task.js';

/** Piscina task: fit and score one cross-validation fold. */
export default async function cvFold(p: FoldPayload) {
  await prepareThread(p.spec);
  return runFold(p);
}
