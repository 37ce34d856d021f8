import { expect } from 'chai';
import { DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { estimatorFromJSON } from '../../../../src/ml/model-types.js';
import { Autoregressive } from '../../../../src/ml/timeseries/autoregressive.js';
import { expectClose, loadFixtures } from './fixtures.js';

const fixtures = loadFixtures();

describe('Autoregressive', () => {
  for (const c of fixtures.autoregressive) {
    it(`matches statsmodels AutoReg coefficients and forecasts for lags=${String(c.params.lags)}, trend='${String(c.params.trend)}'`, () => {
      const model = new Autoregressive(c.params).fit(Float64Array.from(c.series));
      expectClose(model.coefficients(), c.coef, 1e-8, 'coef');
      expectClose(model.forecast(c.horizon), c.forecast, 1e-8, 'forecast');
    });
  }

  it('forecasts a constant series as that constant', () => {
    const forecast = new Autoregressive({ lags: 3, trend: 'c' }).fit(new Float64Array(20).fill(4.5)).forecast(5);
    expectClose(forecast, [4.5, 4.5, 4.5, 4.5, 4.5], 1e-9, 'constant');
  });

  it('round-trips through JSON with the same forecast', () => {
    const y = Float64Array.from(fixtures.autoregressive[0].series);
    const model = new Autoregressive({ lags: 2, trend: 'ct' }).fit(y);
    const restored = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))) as Autoregressive;
    expect(Array.from(restored.forecast(6))).to.deep.equal(Array.from(model.forecast(6)));
  });

  it('refuses saved coefficients of the wrong count', () => {
    const json = JSON.parse(JSON.stringify(new Autoregressive({ lags: 2 }).fit(Float64Array.from(fixtures.autoregressive[0].series)).toJSON()));
    json.state.coef.push(1);
    expect(() => Autoregressive.fromJSON(json)).to.throw(DataError, /coef/);
  });

  it('rejects a series too short for the lags', () => {
    expect(() => new Autoregressive({ lags: 5, trend: 'c' }).fit(new Float64Array(10).fill(1))).to.throw(DataError, /lags=5 with trend='c' needs at least 11/);
  });

  it('rejects infinity in the series naming its position', () => {
    const y = Float64Array.from({ length: 20 }, (_, i) => i);
    y[3] = Infinity;
    expect(() => new Autoregressive().fit(y)).to.throw(DataError, /infinity at position 3/);
  });

  it('throws NotFittedError when forecasting before fit', () => {
    expect(() => new Autoregressive().forecast(2)).to.throw(NotFittedError);
  });

  it('rejects bad hyperparameters naming the parameter', () => {
    expect(() => new Autoregressive({ lags: 0 })).to.throw(ParameterError, /'lags'/);
    expect(() => new Autoregressive({ trend: 'ctt' })).to.throw(ParameterError, /'trend'/);
    expect(() => new Autoregressive({ order: 2 })).to.throw(ParameterError, /'order'/);
  });
});
