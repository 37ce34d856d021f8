import { expect } from 'chai';
import type { JobProgress } from '../../../queues/job-schemas.js';
import { ProgressRecorder } from '../../../workers/job-lifecycle.js';
import { createLogger } from '../../../src/utils/logger.js';

const p = (done: number): JobProgress => ({ stage: 'folds', done, total: 10 }) as JobProgress;

describe('ProgressRecorder: job progress written to the record at most once a window', () => {
  it('writes the first at once, then only the latest of a burst, within the window', async () => {
    const written: number[] = [];
    const rec = new ProgressRecorder(async (x) => void written.push((x as { done: number }).done), 50, createLogger('silent', 'test'));
    for (let i = 1; i <= 20; i++) await rec.record(p(i));
    expect(written).to.deep.equal([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(written).to.deep.equal([1, 20]);
    // inside the window the trailing write opened: held back, and handed to the final write
    await rec.record(p(21));
    expect(written).to.deep.equal([1, 20]);
    expect((rec.finish() as { done: number }).done).to.equal(21);
  });

  it('hands an unwritten progress to the final write and writes nothing after finish', async () => {
    const written: number[] = [];
    const rec = new ProgressRecorder(async (x) => void written.push((x as { done: number }).done), 1000, createLogger('silent', 'test'));
    await rec.record(p(1));
    await rec.record(p(2));
    await rec.record(p(3));
    expect((rec.finish() as { done: number }).done).to.equal(3);
    await rec.record(p(4));
    await new Promise((r) => setTimeout(r, 20));
    expect(written).to.deep.equal([1]);
  });
});
