import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  chi2Contingency,
  chi2Sf,
  jensenShannonDistance,
  ks2Samp,
  kstwoSf,
  logGamma,
  populationStabilityIndex,
  quantileSorted,
  regularizedGammaP,
  regularizedGammaQ,
  smirnovSf,
  wassersteinDistance,
} from '../../../../src/ml/drift/index.js';

interface StatsFixture {
  special: {
    gamma: Array<{ a: number; x: number; gammaln: number; gammainc: number; gammaincc: number }>;
    chi2: Array<{ x: number; dof: number; sf: number }>;
    kstwo: Array<{ n: number; x: number; kstwo_sf: number; smirnov: number }>;
  };
  ks_2samp: Array<{ a: number[]; b: number[]; method: 'auto' | 'exact' | 'asymp'; used: string; statistic: number; p_value: number }>;
  chi2_contingency: Array<{ table: number[]; rows: number; cols: number; correction: boolean; statistic: number; p_value: number; dof: number; expected: number[] }>;
  jensenshannon: Array<{ p: number[]; q: number[]; base2: number; natural: number }>;
  wasserstein: Array<{ u: number[]; v: number[]; distance: number }>;
  psi: Array<{ reference: number[]; window: number[]; psi: number }>;
  quantile: Array<{ sorted: number[]; q: number[]; values: number[] }>;
}

const fx = JSON.parse(readFileSync(path.resolve('test/fixtures/drift-stats.json'), 'utf8')) as StatsFixture;

/** |actual - expected| <= atol + rtol |expected|, with a message naming the case. */
function expectClose(actual: number, expected: number, what: string, rtol = 1e-9, atol = 1e-13): void {
  const ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  expect(ok, `${what}: got ${actual}, SciPy ${expected}`).to.equal(true);
}

describe('drift statistics against SciPy 1.10', () => {
  it('computes log-gamma and both regularized incomplete gamma functions like scipy.special', () => {
    for (const g of fx.special.gamma) {
      expectClose(logGamma(g.a), g.gammaln, `gammaln(${g.a})`, 1e-13);
      expectClose(regularizedGammaP(g.a, g.x), g.gammainc, `gammainc(${g.a}, ${g.x})`, 1e-11, 1e-300);
      expectClose(regularizedGammaQ(g.a, g.x), g.gammaincc, `gammaincc(${g.a}, ${g.x})`, 1e-11, 1e-300);
    }
  });

  it('gives scipy.stats.chi2.sf', () => {
    for (const c of fx.special.chi2) expectClose(chi2Sf(c.x, c.dof), c.sf, `chi2.sf(${c.x}, ${c.dof})`, 1e-11, 1e-300);
  });

  it('gives scipy.stats.kstwo.sf and scipy.special.smirnov in every regime', () => {
    expect(fx.special.kstwo.length).to.be.greaterThan(200);
    for (const k of fx.special.kstwo) {
      expectClose(kstwoSf(k.n, k.x), k.kstwo_sf, `kstwo.sf(${k.x}, ${k.n})`, 1e-9, 1e-14);
      expectClose(smirnovSf(k.n, k.x), k.smirnov, `smirnov(${k.n}, ${k.x})`, 1e-9, 1e-14);
    }
  });

  it('gives ks_2samp statistics, p-values and method choice for exact, fallback and asymptotic cases', () => {
    const used = new Set<string>();
    for (const c of fx.ks_2samp) {
      const r = ks2Samp(Float64Array.from(c.a), Float64Array.from(c.b), { method: c.method });
      const what = `ks_2samp n1=${c.a.length} n2=${c.b.length} method=${c.method}`;
      expectClose(r.statistic, c.statistic, `${what} statistic`, 1e-12, 1e-15);
      expectClose(r.pValue, c.p_value, `${what} p-value`, 1e-9, 1e-14);
      expect(r.method, what).to.equal(c.used);
      used.add(`${c.method}:${r.method}`);
    }
    expect([...used].sort()).to.deep.equal(['asymp:asymp', 'auto:asymp', 'auto:exact', 'exact:exact']);
  });

  it('gives chi2_contingency statistic, p-value, dof and expected counts, with and without Yates', () => {
    for (const c of fx.chi2_contingency) {
      const r = chi2Contingency(c.table, c.rows, c.cols, { correction: c.correction });
      const what = `chi2_contingency ${JSON.stringify(c.table)} correction=${c.correction}`;
      expect(r.dof, what).to.equal(c.dof);
      expectClose(r.statistic, c.statistic, `${what} statistic`, 1e-12);
      expectClose(r.pValue, c.p_value, `${what} p-value`, 1e-10, 1e-300);
      c.expected.forEach((e, k) => expectClose(r.expected[k], e, `${what} expected[${k}]`, 1e-14));
    }
  });

  it('gives scipy.spatial.distance.jensenshannon in base 2 and in natural log', () => {
    for (const c of fx.jensenshannon) {
      expectClose(jensenShannonDistance(c.p, c.q), c.base2, `jensenshannon(${c.p}, ${c.q}, base=2)`, 1e-12, 1e-15);
      expectClose(jensenShannonDistance(c.p, c.q, null), c.natural, `jensenshannon(${c.p}, ${c.q})`, 1e-12, 1e-15);
    }
  });

  it('gives scipy.stats.wasserstein_distance between samples', () => {
    for (const c of fx.wasserstein) {
      expectClose(wassersteinDistance(Float64Array.from(c.u), Float64Array.from(c.v)), c.distance, `wasserstein n=${c.u.length},${c.v.length}`, 1e-12);
    }
  });

  it('gives the PSI of the NumPy definition with the 1e-4 floor', () => {
    for (const c of fx.psi) expectClose(populationStabilityIndex(c.reference, c.window), c.psi, `psi ${c.window}`, 1e-12, 1e-15);
  });

  it('reproduces np.quantile (linear) bit for bit', () => {
    for (const c of fx.quantile) {
      const s = Float64Array.from(c.sorted);
      c.q.forEach((q, k) => expect(quantileSorted(s, q), `n=${s.length} q=${q}`).to.equal(c.values[k]));
    }
  });
});
