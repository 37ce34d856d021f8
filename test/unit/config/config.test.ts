import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../config/index.js';

describe('config', () => {
  it('builds the defaults when nothing is set', () => {
    const c = loadConfig({ env: {}, file: null });
    expect(c.api.port).to.equal(8080);
    expect(c.redis.url).to.equal('redis://127.0.0.1:6379');
    expect(c.worker.queues).to.include('train');
    expect(Object.isFrozen(c.api)).to.equal(true);
  });

  it('takes environment overrides and coerces numbers', () => {
    const c = loadConfig({ env: { PORT: '9000', REDIS_URL: 'redis://r:1', API_KEYS: 'abcdefgh1:admin,abcdefgh2:viewer', WORKER_QUEUES: 'train' }, file: null });
    expect(c.api.port).to.equal(9000);
    expect(c.redis.url).to.equal('redis://r:1');
    expect(c.api.apiKeys).to.deep.equal([
      { key: 'abcdefgh1', role: 'admin' },
      { key: 'abcdefgh2', role: 'viewer' },
    ]);
    expect(c.worker.queues).to.deep.equal(['train']);
  });

  it('stops on a bad value with a message naming the key and its variable', () => {
    expect(() => loadConfig({ env: { PORT: 'eighty' }, file: null })).to.throw(ConfigError, /api\.port \(env PORT\)/);
    expect(() => loadConfig({ env: { MONGO_URL: 'http://x' }, file: null })).to.throw(ConfigError, /mongo\.url/);
    expect(() => loadConfig({ env: { API_KEYS: 'k:superuser' }, file: null })).to.throw(ConfigError, /api\.apiKeys/);
    expect(() => loadConfig({ env: { SCHEDULER_CRON: 'every minute' }, file: null })).to.throw(ConfigError, /scheduler\.cron/);
    expect(() => loadConfig({ env: { WORKER_QUEUES: 'train,cook' }, file: null })).to.throw(ConfigError, /worker\.queues/);
  });

  it('takes a Redis Cluster only with a hash-tagged prefix, naming the key', () => {
    const c = loadConfig({ env: { REDIS_CLUSTER: 'true', REDIS_URL: 'redis://a:7000,b:7001', QUEUE_PREFIX: '{ty}' }, file: null });
    expect(c.redis).to.include({ cluster: true, prefix: '{ty}' });
    expect(loadConfig({ env: {}, file: null }).redis.cluster).to.equal(false);
    expect(() => loadConfig({ env: { REDIS_CLUSTER: 'true', QUEUE_PREFIX: 'trainyard' }, file: null })).to.throw(ConfigError, /redis\.prefix.*hash-tagged prefix such as \{trainyard\}/);
    expect(() => loadConfig({ env: { REDIS_CLUSTER: 'yes' }, file: null })).to.throw(ConfigError, /redis\.cluster/);
  });

  it('reads the YAML file with snake_case keys', () => {
    const c = loadConfig({ env: {}, file: 'config/trainyard.yaml' });
    expect(c.worker.lockDurationMs).to.equal(30_000);
    expect(c.training.cvFolds).to.equal(5);
  });

  it('refuses a missing config file by name', () => {
    expect(() => loadConfig({ env: {}, file: '/nope.yaml' })).to.throw(ConfigError, /nope\.yaml/);
  });
});
