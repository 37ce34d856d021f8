import { expect } from 'chai';
import { DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { createEstimator, estimatorFromJSON } from '../../../../src/ml/model-types.js';
import { LagGradientBoosting } from '../../../../src/ml/timeseries/lag-gradient-boosting.js';
import { expectClose } from './fixtures.js';

/** y_t = 2 + 1.5 y_{t-1} - 0.7 y_{t-2}: a damped oscillation, exactly linear in two lags. */
function ar2(n: number): Float64Array {
  const y = new Float64Array(n);
  y[0] = 10;
  y[1] = 12;
  for (let t = 2; t < n; t++) y[t] = 2 + 1.5 * y[t - 1] - 0.7 * y[t - 2];
  return y;
}

function seasonal(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => 30 + 8 * Math.sin((2 * Math.PI * t) / 7) + 3 * Math.cos((2 * Math.PI * t) / 3.5));
}

const linear = { regressor: 'linear_regression', lags: 2, windows: [] };

describe('LagGradientBoosting', () => {
  it('forecasts recursively: a linear regressor on two lags continues an AR(2) recursion exactly', () => {
    const y = ar2(40);
    const model = new LagGradientBoosting(linear).fit(y.slice(0, 30));
    expectClose(model.forecast(10), y.slice(30), 1e-6, 'ar2');
  });

  it('forecasts a seasonal series far better than its mean with gradient boosting', () => {
    const y = seasonal(120);
    const train = y.slice(0, 105);
    const model = new LagGradientBoosting({ lags: 14, windows: [3, 7], n_estimators: 100, max_depth: 3, learning_rate: 0.1 }).fit(train);
    const forecast = model.forecast(15);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    let mae = 0;
    let meanMae = 0;
    for (let h = 0; h < 15; h++) {
      mae += Math.abs(forecast[h] - y[105 + h]) / 15;
      meanMae += Math.abs(mean - y[105 + h]) / 15;
    }
    expect(mae).to.be.lessThan(0.25 * meanMae);
  });

  it('uses gradient boosting by default and restores it from JSON', () => {
    const model = new LagGradientBoosting({ lags: 3, windows: [3], n_estimators: 5 }).fit(ar2(30));
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.state.regressor.type).to.equal('gradient_boosting');
    const restored = estimatorFromJSON(json) as LagGradientBoosting;
    expect(Array.from(restored.forecast(4))).to.deep.equal(Array.from(model.forecast(4)));
  });

  it('passes the other hyperparameters to the regressor and rejects ones it does not know', () => {
    const model = new LagGradientBoosting({ ...linear, fit_intercept: false });
    expect(model.getParams()).to.deep.include({ lags: 2, regressor: 'linear_regression', fit_intercept: false });
    expect(() => new LagGradientBoosting({ ...linear, n_trees: 3 })).to.throw(ParameterError, /n_trees/);
    expect(() => new LagGradientBoosting({ regressor: 'no_such_model' })).to.throw(ParameterError, /no_such_model/);
  });

  it('round-trips through JSON with the regressor inside and the same forecast', () => {
    const model = new LagGradientBoosting({ ...linear, windows: [3], time_index: true }).fit(ar2(30));
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.state.regressor.type).to.equal('linear_regression');
    const restored = estimatorFromJSON(json) as LagGradientBoosting;
    expect(Array.from(restored.forecast(5))).to.deep.equal(Array.from(model.forecast(5)));
  });

  it('clones to an unfitted copy with the same parameters', () => {
    const model = new LagGradientBoosting(linear).fit(ar2(20));
    const copy = model.clone();
    expect(copy.getParams()).to.deep.equal(model.getParams());
    expect(() => copy.forecast(1)).to.throw(NotFittedError);
  });

  it('rejects a series shorter than the lags and windows need', () => {
    expect(() => new LagGradientBoosting({ ...linear, windows: [7] }).fit(ar2(8))).to.throw(DataError, /windows up to 7 need at least 9/);
  });

  it('rejects NaN in the series naming its position', () => {
    const y = ar2(30);
    y[4] = NaN;
    expect(() => new LagGradientBoosting(linear).fit(y)).to.throw(DataError, /NaN at position 4/);
  });

  it('rejects bad lags and windows naming the parameter', () => {
    expect(() => new LagGradientBoosting({ ...linear, lags: 0 })).to.throw(ParameterError, /'lags'/);
    expect(() => new LagGradientBoosting({ ...linear, windows: [1, 3] })).to.throw(ParameterError, /'windows'/);
    expect(() => new LagGradientBoosting({ ...linear, windows: 3 })).to.throw(ParameterError, /'windows'/);
    expect(() => new LagGradientBoosting({ ...linear, time_index: 'yes' })).to.throw(ParameterError, /'time_index'/);
  });

  it('is registered as lag_gradient_boosting for the timeseries task', () => {
    expect(createEstimator('lag_gradient_boosting', linear, 'timeseries')).to.be.instanceOf(LagGradientBoosting);
  });
});
