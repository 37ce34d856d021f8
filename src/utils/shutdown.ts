import type { Logger } from './logger.js';

type Closer = () => Promise<unknown>;

/**
 * Runs the closers in order once, on SIGTERM or SIGINT, then exits. A second
 * signal, or closers running past `timeoutMs`, exits at once.
 */
export function onShutdown(logger: Logger, closers: Closer[], timeoutMs = 30_000): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    (async () => {
      for (const close of closers) {
        try {
          await close();
        } catch (err) {
          logger.error({ err }, 'error while shutting down');
        }
      }
      logger.info('shut down cleanly');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
