import { expect } from 'chai';
import { DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { createEstimator, estimatorFromJSON } from '../../../../src/ml/model-types.js';
import { HoltWinters } from '../../../../src/ml/timeseries/holt-winters.js';
import { expectClose, loadFixtures } from './fixtures.js';

const fixtures = loadFixtures();

function seasonal(n: number, m: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => 50 + 0.3 * t + 6 * Math.sin((2 * Math.PI * t) / m) + Math.cos(t * 1.7));
}

describe('HoltWinters', () => {
  describe('with given smoothing parameters', () => {
    for (const c of fixtures.holt_winters) {
      it(`forecasts exactly as the textbook recursions: ${c.name}`, () => {
        const model = new HoltWinters(c.params).fit(Float64Array.from(c.series));
        expectClose(model.forecast(c.horizon), c.forecast, 1e-9, c.name);
        expect(model.sse).to.be.closeTo(c.sse, 1e-8 * Math.max(1, c.sse));
      });
    }
  });

  describe('with fitted smoothing parameters', () => {
    for (const c of fixtures.holt_winters_fitted) {
      it(`finds an SSE as low as scipy's optimum: ${c.name}`, () => {
        const model = new HoltWinters(c.params).fit(Float64Array.from(c.series));
        expect(model.sse).to.be.at.most(c.reference_sse * (1 + 1e-4));
        const params = model.smoothingParams();
        for (const value of Object.values(params)) expect(value).to.be.within(0, 1);
      });
    }

    it('fits only the parameters that were not given', () => {
      const y = seasonal(48, 12);
      const model = new HoltWinters({ trend: 'add', seasonal: 'add', seasonal_periods: 12, smoothing_level: 0.5 }).fit(y);
      expect(model.smoothingParams().smoothing_level).to.equal(0.5);
      const free = new HoltWinters({ trend: 'add', seasonal: 'add', seasonal_periods: 12 }).fit(y);
      expect(free.sse).to.be.at.most(model.sse);
    });

    it('keeps the damping parameter within [0.8, 0.995]', () => {
      const y = Float64Array.from({ length: 40 }, (_, t) => 10 + 5 * (1 - 0.9 ** t) + 0.1 * Math.sin(t));
      const phi = new HoltWinters({ trend: 'add', damped_trend: true }).fit(y).smoothingParams().damping_trend;
      expect(phi).to.be.within(0.8, 0.995);
    });
  });

  it('continues the seasonal pattern of a clean seasonal series', () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 12));
    const forecast = new HoltWinters({ seasonal: 'add', seasonal_periods: 12 }).fit(y).forecast(12);
    const truth = Float64Array.from({ length: 12 }, (_, h) => 100 + 10 * Math.sin((2 * Math.PI * (60 + h)) / 12));
    expectClose(forecast, truth, 0.01, 'seasonal');
  });

  it('round-trips through JSON with the same forecast', () => {
    const model = new HoltWinters({ trend: 'add', damped_trend: true, seasonal: 'mul', seasonal_periods: 4 }).fit(seasonal(40, 4));
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    const restored = estimatorFromJSON(json) as HoltWinters;
    expect(Array.from(restored.forecast(9))).to.deep.equal(Array.from(model.forecast(9)));
    expect(JSON.stringify(restored.toJSON())).to.equal(JSON.stringify(model.toJSON()));
  });

  it('refuses saved state with a season of the wrong length', () => {
    const json = JSON.parse(JSON.stringify(new HoltWinters({ seasonal: 'add', seasonal_periods: 4 }).fit(seasonal(16, 4)).toJSON()));
    json.state.season.pop();
    expect(() => HoltWinters.fromJSON(json)).to.throw(DataError, /season/);
  });

  it('is registered as holt_winters for the timeseries task', () => {
    expect(createEstimator('holt_winters', { trend: 'add' }, 'timeseries')).to.be.instanceOf(HoltWinters);
    expect(() => createEstimator('holt_winters', {}, 'regression')).to.throw(ParameterError);
  });

  describe('bad input', () => {
    it('rejects a series shorter than two full seasons', () => {
      expect(() => new HoltWinters({ seasonal: 'add', seasonal_periods: 12 }).fit(seasonal(23, 12))).to.throw(DataError, /seasonal_periods=12 needs at least 24/);
    });

    it('rejects NaN in the series naming its position', () => {
      const y = seasonal(30, 6);
      y[17] = NaN;
      expect(() => new HoltWinters({ trend: 'add' }).fit(y)).to.throw(DataError, /NaN at position 17/);
    });

    it('rejects multiplicative seasonality on a series with zero or negative values', () => {
      const y = seasonal(30, 6);
      y[5] = 0;
      expect(() => new HoltWinters({ seasonal: 'mul', seasonal_periods: 6 }).fit(y)).to.throw(DataError, /seasonal='mul' needs a strictly positive series.*position 5/);
      expect(() => new HoltWinters({ trend: 'mul' }).fit(Float64Array.from(y, (v) => v - 60))).to.throw(DataError, /trend='mul'/);
    });

    it('throws NotFittedError when forecasting before fit', () => {
      expect(() => new HoltWinters().forecast(3)).to.throw(NotFittedError);
    });

    it('rejects a negative or fractional horizon', () => {
      const model = new HoltWinters().fit(seasonal(10, 2));
      expect(() => model.forecast(-1)).to.throw(ParameterError, /horizon/);
      expect(() => model.forecast(1.5)).to.throw(ParameterError, /horizon/);
      expect(model.forecast(0)).to.have.length(0);
    });

    it('rejects bad or inconsistent hyperparameters naming the parameter', () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ trend: 'linear' }, 'trend'],
        [{ seasonal: 'add' }, 'seasonal'],
        [{ seasonal_periods: 12 }, 'seasonal_periods'],
        [{ seasonal: 'add', seasonal_periods: 1 }, 'seasonal_periods'],
        [{ damped_trend: true }, 'damped_trend'],
        [{ smoothing_level: 1.5 }, 'smoothing_level'],
        [{ smoothing_trend: 0.2 }, 'smoothing_trend'],
        [{ trend: 'add', smoothing_seasonal: 0.2 }, 'smoothing_seasonal'],
        [{ trend: 'add', damping_trend: 0.9 }, 'damping_trend'],
        [{ trend: 'add', damped_trend: true, damping_trend: 0 }, 'damping_trend'],
        [{ alpha: 0.3 }, 'alpha'],
      ];
      for (const [params, name] of cases) {
        expect(() => new HoltWinters(params as never), JSON.stringify(params))
          .to.throw(ParameterError, new RegExp(`'${name}'`))
          .with.property('parameter', name);
      }
    });
  });
});
