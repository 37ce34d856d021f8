import { expect } from 'chai';
import { ParameterError } from '../../../../src/ml/base/errors.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { categoricalProfile, driftReport, buildDriftProfile, ks2Samp, numericProfile, reservoirSample } from '../../../../src/ml/drift/index.js';

function normal(n: number, seed: number, shift = 0): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal() + shift);
}

describe('numeric profile sampling', () => {
  it('keeps every value while the reference fits under sample_size, so KS is exact', () => {
    const x = normal(500, 1);
    const p = numericProfile(x, { sampleSize: 500 });
    expect(p.sample_exact).to.equal(true);
    expect(p.sample).to.deep.equal(Array.from(x).sort((a, b) => a - b));
  });

  it('keeps a seeded reservoir sample of sample_size values past the cap', () => {
    const x = normal(5000, 2);
    const a = numericProfile(x, { sampleSize: 300, seed: 7 });
    const b = numericProfile(x, { sampleSize: 300, seed: 7 });
    const c = numericProfile(x, { sampleSize: 300, seed: 8 });
    expect(a.sample_exact).to.equal(false);
    expect(a.sample).to.have.length(300);
    expect(a.sample).to.deep.equal(b.sample);
    expect(a.sample).not.to.deep.equal(c.sample);
    const all = new Set(x);
    for (const v of a.sample) expect(all.has(v)).to.equal(true);
    for (let i = 1; i < a.sample.length; i++) expect(a.sample[i]).to.be.at.least(a.sample[i - 1]);
  });

  it('samples positions uniformly', () => {
    // each of 20 blocks of a 2000-long input should get about 1/20 of a 500 sample, over many seeds
    const idx = Float64Array.from({ length: 2000 }, (_, i) => i);
    const hits = new Float64Array(20);
    for (let seed = 0; seed < 40; seed++) for (const v of reservoirSample(idx, 500, seed)) hits[Math.floor(v / 100)]++;
    const expected = (40 * 500) / 20;
    for (const h of hits) expect(Math.abs(h - expected) / expected).to.be.lessThan(0.12);
  });

  it('measures KS against the sample: close to the full-reference value when capped', () => {
    const ref = normal(40_000, 3);
    const win = normal(2000, 4, 0.1);
    const full = ks2Samp(ref, win);
    const p = buildDriftProfile({ x: ref }, { sampleSize: 10_000 });
    const r = driftReport(p, { x: win });
    const f = r.features[0];
    expect(f.kind).to.equal('numeric');
    if (f.kind === 'numeric') {
      expect(f.reference_sample_exact).to.equal(false);
      expect(Math.abs(f.ks_statistic! - full.statistic)).to.be.lessThan(0.02);
    }
  });

  it('rejects a bins of 1 and infinite values', () => {
    expect(() => numericProfile(new Float64Array(3), { bins: 1 })).to.throw(ParameterError, /'bins' parameter of numericProfile must be an int >= 2/);
    expect(() => numericProfile(Float64Array.from([1, Infinity]))).to.throw(/infinity at index 1/);
  });

  it('counts missing values apart from the bins, and the fractions sum to 1', () => {
    const p = numericProfile(Float64Array.from([1, 2, NaN, 3, 4, NaN, 5, 6, 7, 8]), { bins: 4 });
    expect(p.missing_count).to.equal(2);
    expect(p.missing_fraction).to.equal(0.2);
    const s = p.bin_fractions.reduce((a, b) => a + b, 0) + p.missing_fraction;
    expect(Math.abs(s - 1)).to.be.lessThan(1e-12);
    expect(p.bin_edges).to.have.length(3);
  });
});

describe('categorical profile', () => {
  it('caps categories at max_categories, most frequent first, the rest in other_count', () => {
    const p = categoricalProfile(['b', 'a', 'c', 'a', 'b', 'd', null, 'a', 1, 1], { maxCategories: 3 });
    expect(p.categories).to.deep.equal(['a', '1', 'b']);
    expect(p.counts).to.deep.equal([3, 2, 2]);
    expect(p.other_count).to.equal(2);
    expect(p.missing_count).to.equal(1);
    expect(p.distinct_count).to.equal(5);
  });

  it('finds no drift between a window and its own reference', () => {
    const vals = Array.from({ length: 300 }, (_, i) => ['x', 'y', 'z'][i % 3]);
    const r = driftReport(buildDriftProfile({ c: vals }), { c: vals });
    const f = r.features[0];
    expect(f.psi).to.equal(0);
    expect(f.js_distance).to.equal(0);
    if (f.kind === 'categorical') expect(f.chi2_p_value).to.equal(1);
  });
});
