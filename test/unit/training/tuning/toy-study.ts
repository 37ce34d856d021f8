import { NopPruner } from '../../../../src/training/tuning/pruners/nop-pruner.js';
import type { Sampler } from '../../../../src/training/tuning/samplers/sampler.js';
import type { SearchSpace } from '../../../../src/training/tuning/search-space.js';
import { MemoryStudyStorage } from '../../../../src/training/tuning/storage/memory-study-storage.js';
import type { Direction } from '../../../../src/training/tuning/storage/study-storage.js';
import { Study } from '../../../../src/training/tuning/study.js';
import type { TrialParams } from '../../../../src/training/tuning/trial.js';
import { newStudy } from './study-storage-suite.js';

/** A study in memory over `space`, with the default no-op pruner. */
export async function memoryStudy(sampler: Sampler, space: SearchSpace, nTrials: number, direction: Direction = 'minimize'): Promise<Study> {
  const storage = new MemoryStudyStorage();
  const { study } = await storage.createStudy(newStudy('toy', { nTrials, direction, spec: { search_space: space } as never }));
  return new Study(study, storage, sampler, new NopPruner());
}

/** Asks and tells one trial at a time against an objective; returns the best value after each trial. */
export async function optimize(study: Study, objective: (p: TrialParams) => number): Promise<number[]> {
  const curve: number[] = [];
  let best = study.direction === 'minimize' ? Infinity : -Infinity;
  for (let t = await study.ask(); t; t = await study.ask()) {
    const v = objective(t.params);
    best = study.direction === 'minimize' ? Math.min(best, v) : Math.max(best, v);
    curve.push(best);
    await study.tell(t.number, { state: 'complete', value: v });
  }
  return curve;
}
