import { expect } from 'chai';
import { AbortError, DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { createEstimator, estimatorFromJSON } from '../../../../src/ml/model-types.js';
import { ensureBackend, tf } from '../../../../src/ml/neural/backend.js';
import { LSTMForecaster } from '../../../../src/ml/timeseries/lstm.js';

const wave = (t: number): number => 20 + 5 * Math.sin((2 * Math.PI * t) / 8);
const series = Float64Array.from({ length: 60 }, (_, t) => wave(t));
const tiny = { lags: 4, units: 3, epochs: 2, batch_size: 64 };

describe('LSTMForecaster', () => {
  before(async function () {
    this.timeout(20000);
    await ensureBackend();
  });

  it('learns a sine wave well enough to forecast its next cycle', function () {
    this.timeout(20000);
    const model = new LSTMForecaster({ lags: 8, units: 6, epochs: 40, batch_size: 64, learning_rate: 0.05 }).fit(series);
    const forecast = model.forecast(8);
    let mae = 0;
    for (let h = 0; h < 8; h++) mae += Math.abs(forecast[h] - wave(60 + h)) / 8;
    // forecasting the mean would be off by about 3.2 on average
    expect(mae).to.be.lessThan(1);
  });

  it('gives the same model byte for byte for the same seed', () => {
    const a = JSON.stringify(new LSTMForecaster({ ...tiny, seed: 5 }).fit(series).toJSON());
    const b = JSON.stringify(new LSTMForecaster({ ...tiny, seed: 5 }).fit(series).toJSON());
    const c = JSON.stringify(new LSTMForecaster({ ...tiny, seed: 6 }).fit(series).toJSON());
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });

  it('round-trips through JSON with flat weights and the same forecast', () => {
    const model = new LSTMForecaster(tiny).fit(series);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.state.weights.map((w: { shape: number[] }) => w.shape)).to.deep.equal([[1, 12], [3, 12], [12], [3, 1], [1]]);
    const restored = estimatorFromJSON(json) as LSTMForecaster;
    expect(Array.from(restored.forecast(5))).to.deep.equal(Array.from(model.forecast(5)));
  });

  it('reports progress per epoch and stops with AbortError when its signal fires, freeing its tensors', () => {
    const before = tf().memory().numTensors;
    const steps: number[] = [];
    const controller = new AbortController();
    const fit = (): LSTMForecaster =>
      new LSTMForecaster({ ...tiny, epochs: 10, batch_size: 8 }).fit(series, {
        signal: controller.signal,
        onProgress: (p) => {
          steps.push(p.step);
          if (p.step === 2) controller.abort();
        },
      });
    expect(fit).to.throw(AbortError);
    expect(steps).to.deep.equal([1, 2]);
    expect(tf().memory().numTensors).to.equal(before);
  });

  it('rejects a series shorter than the window needs', () => {
    expect(() => new LSTMForecaster({ ...tiny, lags: 10 }).fit(series.slice(0, 11))).to.throw(DataError, /lags=10 needs at least 12/);
  });

  it('rejects NaN in the series naming its position', () => {
    const y = series.slice();
    y[9] = NaN;
    expect(() => new LSTMForecaster(tiny).fit(y)).to.throw(DataError, /NaN at position 9/);
  });

  it('throws NotFittedError when forecasting before fit', () => {
    expect(() => new LSTMForecaster().forecast(1)).to.throw(NotFittedError);
  });

  it('rejects bad hyperparameters naming the parameter', () => {
    for (const [params, name] of [
      [{ lags: 0 }, 'lags'],
      [{ units: 1.5 }, 'units'],
      [{ epochs: 0 }, 'epochs'],
      [{ learning_rate: -1 }, 'learning_rate'],
      [{ hidden: 3 }, 'hidden'],
    ] as const) {
      expect(() => new LSTMForecaster(params as never)).to.throw(ParameterError, new RegExp(`'${name}'`));
    }
  });

  it('is registered as lstm for the timeseries task', () => {
    expect(createEstimator('lstm', tiny, 'timeseries')).to.be.instanceOf(LSTMForecaster);
  });
});
