import type { RedisClient } from '../../queues/connection.js';
import type { Config } from '../../config/index.js';
import type { JobQueues } from '../../queues/job-queues.js';
import type { JobService } from '../jobs/job-service.js';
import type { ProcessSampler } from '../monitoring/process-sampler.js';
import type { Database } from '../registry/database.js';
import type { ModelServer } from '../serving/model-server.js';
import type { Logger } from '../utils/logger.js';

/** Everything the routes use, built once by the server. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisClient;
  queues: JobQueues;
  jobs: JobService;
  models: ModelServer;
  /** writes this process's resources and prediction latency/errors to MongoDB (monitoring) */
  sampler?: ProcessSampler;
}
