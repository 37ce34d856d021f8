import cluster, { type Worker } from 'node:cluster';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../utils/logger.js';
import { main as startApi } from './server.js';

/**
 * `npm run start:api`: `api.processes` (API_PROCESSES) API processes sharing
 * one port through Node's cluster module (the primary accepts connections
 * and hands them to the processes in turn). With 1 the API runs in this
 * process. The primary restarts a process that dies, and on SIGTERM/SIGINT
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
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('all API processes stopped');
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length > 5 * n) {
      logger.fatal({ restarts: restarts.length }, 'API processes keep dying; giving up');
      process.exit(1);
    }
    logger.warn({ pid: worker.process.pid, code, signal }, 'API process died; starting another');
    setTimeout(fork, 1000).unref();
  });
  for (let i = 0; i < n; i++) fork();
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
