import { expect } from 'chai';
import { activeBackend, availableBackends, chosenBackend, ensureBackend, tf, useBackend } from '../../../../src/ml/neural/backend.js';

describe('TensorFlow.js backend selection', () => {
  after(async () => {
    // leave the process on the preferred backend for the other neural tests
    const preferred = availableBackends()[0];
    await useBackend(preferred);
  });

  it('chooses the fastest available backend and runs on it', async () => {
    const name = await ensureBackend();
    expect(availableBackends()).to.include(name);
    expect(availableBackends()[0]).to.equal(name);
    expect(chosenBackend()).to.equal(name);
    expect(activeBackend()).to.equal(name);
    const t = tf();
    const product = t.tidy(() => t.matMul(t.tensor2d([1, 2, 3, 4], [2, 2]), t.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
    expect(Array.from(product)).to.deep.equal([19, 22, 43, 50]);
  });

  it('ranks the WASM backend first when tfjs-node is not installed', () => {
    const hasNative = availableBackends().includes('tensorflow');
    expect(availableBackends()).to.deep.equal(hasNative ? ['tensorflow', 'wasm', 'cpu'] : ['wasm', 'cpu']);
  });

  it('switches to the plain CPU backend on request', async () => {
    expect(await useBackend('cpu')).to.equal(true);
    expect(activeBackend()).to.equal('cpu');
    expect(chosenBackend()).to.equal('cpu');
  });

  it('returns the same selection on every call', async () => {
    const a = ensureBackend();
    expect(ensureBackend()).to.equal(a);
    await a;
  });
});
