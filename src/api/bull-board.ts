import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { JobQueues } from '../../queues/job-queues.js';

/** Bull Board's router for every queue, to be mounted at `basePath`. */
export function bullBoardRouter(queues: JobQueues, basePath: string): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: queues.all().map((q) => new BullMQAdapter(q)), serverAdapter });
  return serverAdapter.getRouter() as Router;
}
