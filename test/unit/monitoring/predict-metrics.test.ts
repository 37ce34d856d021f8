import { expect } from 'chai';
import { register } from 'prom-client';
import { drainPredictStats, LATENCY_BOUNDS_MS, observePrediction } from '../../../src/monitoring/predict-metrics.js';

describe('prediction metrics hook', () => {
  beforeEach(() => drainPredictStats());

  it('gathers latency buckets, requests, errors and instances per model version until drained', () => {
    observePrediction({ modelName: 'm', version: '1', latencyMs: 0.5, instances: 3, ok: true });
    observePrediction({ modelName: 'm', version: '1', latencyMs: 30, instances: 1, ok: true });
    observePrediction({ modelName: 'm', version: '1', latencyMs: 99_999, ok: false });
    observePrediction({ modelName: 'm', version: null, latencyMs: 2, ok: false });
    const stats = drainPredictStats();
    const v1 = stats.find((s) => s.version === '1')!;
    expect(v1).to.include({ modelName: 'm', requests: 3, errors: 1, instances: 4, maxMs: 99_999 });
    expect(v1.buckets).to.have.length(LATENCY_BOUNDS_MS.length + 1);
    expect(v1.buckets[0]).to.equal(1);
    expect(v1.buckets[LATENCY_BOUNDS_MS.indexOf(50)]).to.equal(1);
    expect(v1.buckets[LATENCY_BOUNDS_MS.length]).to.equal(1);
    expect(stats.find((s) => s.version === 'unknown')).to.include({ requests: 1, errors: 1 });
    expect(drainPredictStats()).to.deep.equal([]);
  });

  it('feeds the Prometheus latency histogram and request counter', async () => {
    observePrediction({ modelName: 'hist', version: '2', latencyMs: 7, ok: true });
    const text = await register.getSingleMetricAsString('trainyard_predict_latency_seconds');
    expect(text).to.contain('trainyard_predict_latency_seconds_bucket{le="0.01",model="hist",version="2"} 1');
    expect(text).to.contain('trainyard_predict_latency_seconds_bucket{le="0.005",model="hist",version="2"} 0');
    const counter = await register.getSingleMetricAsString('trainyard_predict_requests_total');
    expect(counter).to.contain('trainyard_predict_requests_total{model="hist",version="2",outcome="ok"} 1');
  });
});
