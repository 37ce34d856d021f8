import { expect } from 'chai';
import { ParameterError } from '../../../../src/ml/base/errors.js';
import { GridSampler } from '../../../../src/training/tuning/samplers/grid-sampler.js';
import { RandomSampler } from '../../../../src/training/tuning/samplers/random-sampler.js';
import { TpeSampler } from '../../../../src/training/tuning/samplers/tpe-sampler.js';
import type { SearchSpace } from '../../../../src/training/tuning/search-space.js';
import { memoryStudy, optimize } from './toy-study.js';

const space: SearchSpace = {
  x: { type: 'float', low: -5, high: 5, log: false },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  depth: { type: 'int', low: 1, high: 20, log: false },
  kind: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
};
/** Minimum 0 at x = 2, lr = 0.1, depth = 7, kind = 'c'. */
const objective = (p: Record<string, unknown>): number =>
  ((p.x as number) - 2) ** 2 + (Math.log10(p.lr as number) + 1) ** 2 + (p.kind === 'c' ? 0 : 1) + Math.abs((p.depth as number) - 7) / 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('samplers', () => {
  describe('grid', () => {
    it('gives trial n grid point n, covering the grid once', async () => {
      const grid: SearchSpace = { a: { type: 'int', low: 1, high: 3, log: false }, b: { type: 'categorical', choices: [true, false] } };
      const study = await memoryStudy(new GridSampler(), grid, 6);
      const seen: string[] = [];
      await optimize(study, (p) => (seen.push(JSON.stringify(p)), 0));
      expect(new Set(seen).size).to.equal(6);
      expect(seen[0]).to.equal(JSON.stringify({ a: 1, b: true }));
    });

    it('refuses a float without a step, naming it', () => {
      expect(() => GridSampler.size({ lr: { type: 'float', low: 0.1, high: 1, log: false } })).to.throw(ParameterError, /'lr'/);
    });
  });

  describe('random', () => {
    it('proposes the same parameters for the same seed and trial number, and others for another seed', async () => {
      const a = new RandomSampler(4).sample({ direction: 'minimize', trials: [] }, { number: 3 }, space);
      const b = new RandomSampler(4).sample({ direction: 'minimize', trials: [] }, { number: 3 }, space);
      const c = new RandomSampler(5).sample({ direction: 'minimize', trials: [] }, { number: 3 }, space);
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
      expect(a.depth).to.be.within(1, 20);
      expect(['a', 'b', 'c', 'd']).to.include(a.kind);
    });
  });

  describe('TPE', () => {
    it('is deterministic for a seed', async () => {
      const run = async () => optimize(await memoryStudy(new TpeSampler({ seed: 9 }), space, 25), objective);
      expect(await run()).to.deep.equal(await run());
    });

    it('samples at random during its startup trials', async () => {
      const tpe = new TpeSampler({ seed: 1, nStartupTrials: 10 });
      const rnd = new RandomSampler(1);
      expect(tpe.sample({ direction: 'minimize', trials: [] }, { number: 4 }, space)).to.deep.equal(rnd.sample({ direction: 'minimize', trials: [] }, { number: 4 }, space));
    });

    for (const multivariate of [true, false]) {
      it(`finds better parameters than random search in the same number of trials (${multivariate ? 'multivariate' : 'independent'})`, async () => {
        const tpeBest: number[] = [];
        const randomBest: number[] = [];
        for (let seed = 0; seed < 7; seed++) {
          tpeBest.push((await optimize(await memoryStudy(new TpeSampler({ seed, multivariate }), space, 40), objective)).at(-1)!);
          randomBest.push((await optimize(await memoryStudy(new RandomSampler(seed + 100), space, 40), objective)).at(-1)!);
        }
        expect(median(tpeBest)).to.be.lessThan(median(randomBest) * 0.7);
      });
    }

    it('maximises as well as minimises', async () => {
      const best = (await optimize(await memoryStudy(new TpeSampler({ seed: 3 }), space, 40, 'maximize'), (p) => -objective(p))).at(-1)!;
      const rnd = (await optimize(await memoryStudy(new RandomSampler(3), space, 40, 'maximize'), (p) => -objective(p))).at(-1)!;
      expect(best).to.be.greaterThan(rnd);
    });
  });
});
