import type { MonitorJob } from '../../queues/job-schemas.js';
import type { Database } from '../registry/database.js';
import { notFound } from '../utils/app-error.js';

/** A check needs a registered model; anything else is the check's own business (no versions, time series). */
export async function validateMonitorJob(db: Database, spec: MonitorJob): Promise<void> {
  if (!(await db.registeredModels.exists({ name: spec.model_name }))) throw notFound('model', spec.model_name);
}
