import { expect } from 'chai';
import { parseClusterUrl } from '../../../queues/connection.js';

describe('Redis Cluster URLs', () => {
  it('reads the seed nodes, credentials and TLS of a cluster URL', () => {
    expect(parseClusterUrl('redis://10.0.0.1:7000,10.0.0.2:7001')).to.deep.equal({
      seeds: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseClusterUrl('rediss://app:p%40ss@r1:6380,[::1]:6381/0')).to.deep.equal({
      seeds: [
        { host: 'r1', port: 6380 },
        { host: '::1', port: 6381 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
    expect(parseClusterUrl('redis://:secret@r1').seeds).to.deep.equal([{ host: 'r1', port: 6379 }]);
    expect(parseClusterUrl('redis://:secret@r1').password).to.equal('secret');
  });

  it('refuses what is not host:port, naming the part', () => {
    expect(() => parseClusterUrl('redis://r1:70000')).to.throw(/'r1:70000' is not host:port/);
    expect(() => parseClusterUrl('redis://r1:,r2:1')).to.throw(/'r1:' is not host:port/);
    expect(() => parseClusterUrl('http://r1:1')).to.throw(/not a redis:\/\/ URL/);
  });
});
