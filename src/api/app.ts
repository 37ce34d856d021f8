import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { registerClusterMetrics } from '../monitoring/prometheus.js';
import { authEnabled, requireBoardAccess } from './auth.js';
import { bullBoardApp } from './bull-board.js';
import type { ApiDeps } from './deps.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { adminRoutes } from './routes/admin.routes.js';
import { alertRoutes } from './routes/alerts.routes.js';
import { datasetRoutes } from './routes/datasets.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { jobRoutes } from './routes/jobs.routes.js';
import { modelRoutes } from './routes/models.routes.js';
import { modelMonitoringRoutes, monitoringRoutes } from './routes/monitoring.routes.js';
import { predictRoute } from './routes/predict.routes.js';
import { registryRoutes } from './routes/registry.routes.js';
import { mountApp } from './route-table.js';

let defaultMetricsStarted = false;

/**
 * The API's HTTP server, not listening yet: POST /v1/models/:name/predict
 * goes straight to its handler, everything else through the Express app.
 */
export function createApiServer(deps: ApiDeps): Server {
  const predict = predictRoute(deps);
  const app = createApp(deps, predict.route);
  return createServer((req, res) => {
    if (!predict.serve(req, res)) void app(req, res);
  });
}

/** The Express app: routes, auth, Bull Board, errors. Listening is the caller's business. */
export function createApp(deps: ApiDeps, predict = predictRoute(deps).route): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (!authEnabled(deps.config)) deps.logger.warn('no API keys configured: the API is open to anyone who can reach it');
  if (!defaultMetricsStarted) {
    collectDefaultMetrics();
    defaultMetricsStarted = true;
  }
  registerClusterMetrics({ db: deps.db, queues: deps.queues, logger: deps.logger, freshMs: deps.config.monitoring.sampleIntervalSeconds * 3000 });

  // The predict hot path first, ahead of every other layer (createApiServer serves it before Express when it can).
  app.post('/v1/models/:name/predict', predict);
  app.use(healthRoutes(deps));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', register.contentType).send(await register.metrics());
  });
  mountApp(app, '/admin/queues', requireBoardAccess(deps.config), bullBoardApp(deps.queues, '/admin/queues'));

  // no app-wide body parser: each route's requireRole reads the body after its auth check
  app.use('/v1/datasets', datasetRoutes(deps));
  app.use('/v1/jobs', jobRoutes(deps));
  app.use('/v1/models', modelRoutes(deps));
  app.use('/v1/models', modelMonitoringRoutes(deps));
  app.use('/v1/alerts', alertRoutes(deps));
  app.use('/v1/monitoring', monitoringRoutes(deps));
  app.use('/v1', registryRoutes(deps));
  app.use('/v1/admin', adminRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
