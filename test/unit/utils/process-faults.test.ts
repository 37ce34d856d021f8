import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

const moduleUrl = new URL('../../../src/utils/process-faults.js', import.meta.url).href;
const loggerUrl = new URL('../../../src/utils/logger.js', import.meta.url).href;

function run(body: string): { status: number | null; out: string } {
  const script = `import { onProcessFaults } from '${moduleUrl}'; import { createLogger } from '${loggerUrl}'; onProcessFaults(createLogger('info', 'test')); ${body}`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: res.status, out: res.stdout + res.stderr };
}

describe('process fault handlers', () => {
  it('log an unhandled rejection and keep the process running', () => {
    const res = run(`Promise.reject(new Error('lost promise')); setTimeout(() => { console.log('still alive'); process.exit(0); }, 200);`);
    expect(res.out).to.include('unhandled promise rejection').and.include('lost promise').and.include('still alive');
    expect(res.status).to.equal(0);
  });

  it('log an uncaught exception and exit 1', () => {
    const res = run(`setTimeout(() => { throw new Error('broken state'); }, 10); setTimeout(() => console.log('should not run'), 2000);`);
    expect(res.out).to.include('uncaught exception').and.include('broken state').and.not.include('should not run');
    expect(res.status).to.equal(1);
  });
});
