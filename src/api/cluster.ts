import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../utils/logger.js';
import { RestartBackoff } from '../utils/restart-backoff.js';
import { main as startApi } from './server.js';

/**
 * `npm run start:api`: `api.processes` (API_PROCESSES) API processes sharing
 * one port through Node's cluster module (the primary accepts connections
 * and hands them to the processes in turn). With 1 the API runs in this
 * process. The primary restarts a process that dies (with backoff), and on SIGTERM/SIGINT
 * passes the signal on and waits for them to shut down cleanly.
 */
async function run(): Promise<void> {
  if (!cluster.isPrimary) return startApi();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`api: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const n = config.api.processes;
  if (n <= 1) return startApi();

  const logger = createLogger(config.log.level, 'api-primary');
  let stopping = false;
  // one backoff per process slot: a slot whose process keeps dying waits longer each time
  const fork = (slot: number, backoff = new RestartBackoff()): void => {
    const startedAt = Date.now();
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const delay = backoff.delayAfterExit(Date.now() - startedAt);
      logger.warn({ pid: worker.process.pid, slot, code, signal, delayMs: delay }, `API process died; restarting it in ${delay} ms`);
      setTimeout(() => {
        if (!stopping) fork(slot, backoff);
      }, delay);
    });
  };
  cluster.on('exit', () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info('all API processes stopped');
      process.exit(0);
    }
  });
  for (let i = 0; i < n; i++) fork(i);
  logger.info({ processes: n, port: config.api.port }, 'API cluster started');

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping API processes');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error('API processes did not stop in time');
      process.exit(1);
    }, 35_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((err) => {
  console.error('api failed to start:', err);
  process.exit(1);
});
