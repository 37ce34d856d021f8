import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; `component` tells api, worker and scheduler apart. */
export function createLogger(level: string, component: string): Logger {
  return pino({ level, base: { component, pid: process.pid } });
}
