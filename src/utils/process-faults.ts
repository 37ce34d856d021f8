import type { Logger } from './logger.js';

/**
 * Process-level fault handlers for the API, worker and scheduler entry
 * points. A rejected promise nobody awaited is a bug in one code path, not a
 * broken process: it is logged and the process keeps serving. An uncaught
 * exception leaves the process in an unknown state: it is logged and the
 * process exits 1, for its supervisor (npm start, the API cluster primary,
 * systemd, Kubernetes) to restart.
 */
export function onProcessFaults(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : reason }, 'unhandled promise rejection; the process keeps running');
  });
  process.on('uncaughtException', (err, origin) => {
    logger.fatal({ err: { message: err.message, stack: err.stack }, origin }, 'uncaught exception; exiting');
    process.exitCode = 1;
    // let the log line reach a piped stdout before leaving
    process.stdout.write('', () => process.exit(1));
    setTimeout(() => process.exit(1), 1000).unref();
  });
}
