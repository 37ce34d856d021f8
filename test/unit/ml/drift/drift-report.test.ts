import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import {
  buildDriftProfile,
  driftReport,
  parseDriftProfile,
  type CategoricalFeatureDrift,
  type DriftColumns,
  type NumericFeatureDrift,
} from '../../../../src/ml/drift/index.js';

interface ReportFixture {
  options: { bins: number; max_categories: number; psi_threshold: number; p_value: number };
  reference: Record<string, Array<number | string | null>>;
  window: Record<string, Array<number | string | null>>;
  profiles: Record<string, Record<string, unknown> & { summary?: Record<string, number> }>;
  drift: Record<string, Record<string, number | string>>;
}

const fx = JSON.parse(readFileSync(path.resolve('test/fixtures/drift-report.json'), 'utf8')) as ReportFixture;

/** Numeric fixture columns come with null for NaN; categorical ones stay string | null. */
function columns(raw: Record<string, Array<number | string | null>>): DriftColumns {
  const out: DriftColumns = {};
  for (const [name, col] of Object.entries(raw)) {
    out[name] = col.some((v) => typeof v === 'string') ? col : Float64Array.from(col, (v) => (v === null ? NaN : (v as number)));
  }
  return out;
}

function expectClose(actual: number | null, expected: number, what: string, rtol = 1e-9, atol = 1e-13): void {
  expect(actual, what).to.be.a('number');
  const ok = Math.abs((actual as number) - expected) <= atol + rtol * Math.abs(expected);
  expect(ok, `${what}: got ${actual}, expected ${expected}`).to.equal(true);
}

const profile = buildDriftProfile(columns(fx.reference), { bins: fx.options.bins, maxCategories: fx.options.max_categories });
const report = driftReport(profile, columns(fx.window), { psiThreshold: fx.options.psi_threshold, pValue: fx.options.p_value });

describe('drift report against SciPy / NumPy', () => {
  it('profiles numeric features with NumPy quantile edges, bin fractions and summary', () => {
    for (const fp of profile.features) {
      if (fp.kind !== 'numeric') continue;
      const want = fx.profiles[fp.feature];
      expect(fp.bin_edges, `${fp.feature} edges`).to.deep.equal(want.bin_edges);
      (want.bin_fractions as number[]).forEach((f, i) => expectClose(fp.bin_fractions[i], f, `${fp.feature} bin ${i}`, 1e-15));
      expect(fp.bin_fractions).to.have.length((want.bin_fractions as number[]).length);
      expect(fp.missing_count).to.equal(want.missing_count);
      for (const [k, v] of Object.entries(want.summary!)) {
        expectClose(fp.summary[k as keyof typeof fp.summary], v, `${fp.feature} summary.${k}`, 1e-12);
      }
      expect(fp.sample, `${fp.feature} sample`).to.deep.equal(want.sample);
      expect(fp.sample_exact).to.equal(true);
    }
  });

  it('dedupes tied quantile edges, giving fewer bins than asked', () => {
    const visits = profile.features.find((f) => f.feature === 'visits');
    expect(visits?.kind).to.equal('numeric');
    if (visits?.kind === 'numeric') expect(visits.bin_edges.length).to.be.lessThan(fx.options.bins - 1);
  });

  it('profiles categorical features as most-frequent-first parallel arrays with an other count', () => {
    for (const fp of profile.features) {
      if (fp.kind !== 'categorical') continue;
      const want = fx.profiles[fp.feature];
      expect(fp.categories).to.deep.equal(want.categories);
      expect(fp.counts).to.deep.equal(want.counts);
      expect(fp.other_count).to.equal(want.other_count);
      expect(fp.missing_count).to.equal(want.missing_count);
      expect(fp.distinct_count).to.equal(want.distinct_count);
    }
  });

  it('gives PSI, Jensen-Shannon, KS and Wasserstein for numeric features as the definitions in SciPy do', () => {
    for (const fd of report.features) {
      if (fd.kind !== 'numeric') continue;
      const want = fx.drift[fd.feature];
      const f = fd as NumericFeatureDrift;
      expectClose(f.psi, want.psi as number, `${f.feature} psi`, 1e-11);
      expectClose(f.js_distance, want.js_distance as number, `${f.feature} js`, 1e-11);
      expectClose(f.ks_statistic, want.ks_statistic as number, `${f.feature} ks statistic`, 1e-12);
      expectClose(f.ks_p_value, want.ks_p_value as number, `${f.feature} ks p-value`, 1e-9, 1e-14);
      expect(f.ks_method).to.equal(want.ks_method);
      expectClose(f.wasserstein, want.wasserstein as number, `${f.feature} wasserstein`, 1e-11);
      expectClose(f.window_missing_fraction, want.window_missing_fraction as number, `${f.feature} window missing`, 1e-15);
      expect(f.window_count).to.equal(want.window_count);
    }
  });

  it('gives PSI, Jensen-Shannon and chi2_contingency for categorical features, new categories counted as other', () => {
    for (const fd of report.features) {
      if (fd.kind !== 'categorical') continue;
      const want = fx.drift[fd.feature];
      const f = fd as CategoricalFeatureDrift;
      expectClose(f.psi, want.psi as number, `${f.feature} psi`, 1e-11);
      expectClose(f.js_distance, want.js_distance as number, `${f.feature} js`, 1e-11);
      expectClose(f.chi2, want.chi2 as number, `${f.feature} chi2`, 1e-11);
      expectClose(f.chi2_p_value, want.chi2_p_value as number, `${f.feature} chi2 p-value`, 1e-9, 1e-300);
      expect(f.chi2_dof).to.equal(want.chi2_dof);
      expectClose(f.window_other_fraction, want.window_other_fraction as number, `${f.feature} other`, 1e-15);
    }
  });

  it('marks a feature drifted exactly when its PSI is above the threshold and counts the share', () => {
    let drifted = 0;
    for (const f of report.features) {
      expect(f.drifted, f.feature).to.equal((fx.drift[f.feature].psi as number) > fx.options.psi_threshold);
      if (f.drifted) drifted++;
    }
    expect(drifted).to.be.greaterThan(0).and.lessThan(report.n_features);
    expect(report.n_drifted).to.equal(drifted);
    expect(report.share_drifted).to.equal(drifted / report.features.length);
    const strict = driftReport(profile, columns(fx.window), { psiThreshold: 10 });
    expect(strict.n_drifted).to.equal(0);
  });

  it('flags significance from the test p-value, not from PSI', () => {
    for (const f of report.features) {
      const p = f.kind === 'numeric' ? f.ks_p_value : f.chi2_p_value;
      expect(f.significant, f.feature).to.equal(p! < fx.options.p_value);
    }
  });
});

describe('drift profile and report as stored JSON', () => {
  it('survives a JSON round trip and validation unchanged', () => {
    const text = JSON.stringify(profile);
    expect(text).not.to.match(/NaN|Infinity/);
    const back = parseDriftProfile(JSON.parse(text));
    expect(JSON.stringify(back)).to.equal(text);
    expect(JSON.stringify(driftReport(back, columns(fx.window)))).to.equal(JSON.stringify(driftReport(profile, columns(fx.window))));
  });

  it('keeps category names with dots and dollars out of object keys', () => {
    const p = buildDriftProfile({ city: ['St. Malo', '$x', 'St. Malo', null] });
    const fp = p.features[0];
    expect(fp.kind).to.equal('categorical');
    if (fp.kind === 'categorical') expect(fp.categories).to.deep.equal(['St. Malo', '$x']);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach((x) => expect(Array.isArray(x), 'nested array').to.equal(false));
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
        expect(k).not.to.match(/[.$]/);
        walk(x);
      }
    };
    walk(p);
  });

  it('rejects a stored profile whose bin fractions do not match its edges', () => {
    const bad = JSON.parse(JSON.stringify(profile));
    bad.features[0].bin_fractions.pop();
    expect(() => parseDriftProfile(bad)).to.throw(DataError, /features\[0\]\.bin_fractions/);
    expect(() => parseDriftProfile({ ...JSON.parse(JSON.stringify(profile)), format_version: 2 })).to.throw(DataError, /format_version/);
  });

  it('writes null, not NaN, for an all-missing reference and an empty window', () => {
    const p = buildDriftProfile({ x: Float64Array.from([NaN, NaN]), c: [null, null] });
    const r = driftReport(p, { x: new Float64Array(0), c: [] });
    expect(JSON.stringify(p)).not.to.match(/NaN|Infinity/);
    expect(JSON.stringify(r)).not.to.match(/NaN|Infinity/);
    for (const f of r.features) {
      expect(f.psi).to.equal(null);
      expect(f.drifted).to.equal(false);
    }
    const x = p.features[0];
    if (x.kind === 'numeric') expect(x.summary.mean).to.equal(null);
  });

  it('sees a window that went all-missing as drift, while KS has nothing to compare', () => {
    const p = buildDriftProfile({ x: Float64Array.from({ length: 200 }, (_, i) => i) });
    const r = driftReport(p, { x: Float64Array.from({ length: 50 }, () => NaN) });
    const f = r.features[0] as NumericFeatureDrift;
    expect(f.window_missing_fraction).to.equal(1);
    expect(f.psi).to.be.greaterThan(1);
    expect(f.drifted).to.equal(true);
    expect(f.ks_statistic).to.equal(null);
    expect(f.wasserstein).to.equal(null);
  });

  it('names a profiled feature missing from the window', () => {
    expect(() => driftReport(profile, { age: new Float64Array(3) })).to.throw(DataError, /no column for feature 'income'/);
  });

  it('refuses text in the window of a numeric feature', () => {
    const p = buildDriftProfile({ x: [1, 2, 3] });
    expect(() => driftReport(p, { x: [1, 'two', 3] })).to.throw(DataError, /feature 'x' is numeric/);
  });

  it('validates thresholds by their wire names', () => {
    expect(() => driftReport(profile, columns(fx.window), { pValue: 1.5 })).to.throw(ParameterError, /'p_value'/);
    expect(() => driftReport(profile, columns(fx.window), { psiThreshold: -1 })).to.throw(ParameterError, /'psi_threshold'/);
  });
});
