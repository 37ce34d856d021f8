import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Express } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { registerClusterMetrics } from '../monitoring/prometheus.js';
import { authEnabled, requireBoardAccess, requireMetricsKey } from './auth.js';
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
  const server = createServer((req, res) => {
    if (!predict.serve(req, res)) void app(req, res);
  });
  server.on('clientError', answerMalformedRequest);
  return server;
}

/** status line and error code by Node's parser error; anything else is a 400 bad_request */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'timeout'],
};

/**
 * What Node's parser refuses before any handler runs (bad framing, bytes left
 * after a short Content-Length, oversized headers) gets the API's JSON error
 * shape instead of Node's bare 400, and the connection is closed.
 */
export function answerMalformedRequest(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (lingering.has(socket)) return; // answered already: the rest of its bytes are being drained
  // as Node's own handler: no answer when the peer is gone or an answer to an earlier request has begun
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, code] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', 'bad_request'];
  const body = JSON.stringify({ error: { code, message: `malformed HTTP request: ${err.code ?? err.message}` } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // a lingering close: read and drop what the client is still sending, so the kernel does not
  // answer it with a reset that discards our answer before the client reads it
  lingering.add(socket);
  socket.on('error', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

const LINGER_MS = 2000;
const lingering = new WeakSet<Duplex>();

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
  const metricsGuard = requireMetricsKey(deps.config);
  app.get('/metrics', ...(metricsGuard ? [metricsGuard] : []), async (_req, res) => {
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
