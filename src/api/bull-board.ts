import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express } from 'express';
import type { JobQueues } from '../../queues/job-queues.js';

/** Bull Board's Express app for every queue, to be mounted (mountApp) at `basePath`. */
export function bullBoardApp(queues: JobQueues, basePath: string): Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: queues.all().map((q) => new BullMQAdapter(q)), serverAdapter });
  return serverAdapter.getRouter() as Express;
}
