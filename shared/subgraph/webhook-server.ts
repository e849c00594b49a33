import type { Express } from 'express';
import http from 'node:http';
import { createLogger } from '../observability/logger.js';
import { answerErrorsAsJson, createServerApp, onlyJsonBodies } from './http-answers.js';
import { listen, type RunningServer } from './server.js';

/**
 * A provider's webhook receivers on a port of their own (`<PREFIX>_WEBHOOK_PORT`), apart from its
 * subgraph's GraphQL: the provider must reach the receivers, so this port may be public, while the
 * subgraph's never needs to be (only the gateway calls it). It serves the receivers' routes,
 * `GET /health/live`, and JSON errors like every other server; nothing else.
 */
/** How long deliveries in progress may take to finish once the receivers stop. */
const STOP_GRACE_MS = 5_000;

export async function startWebhookServer(options: {
  name: string;
  host: string;
  port: number;
  keepAliveTimeoutMs: number;
  routes: (app: Express) => void;
}): Promise<RunningServer> {
  const log = createLogger(options.name);
  const app = createServerApp();
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = options.keepAliveTimeoutMs;
  app.get('/health/live', (_req, res) => {
    res.json({ name: options.name, status: 'live' });
  });
  // Every provider posts JSON; a receiver reads the body itself (a signature is over its exact bytes).
  app.use(onlyJsonBodies);
  options.routes(app);
  answerErrorsAsJson(app, log);
  const { port, url } = await listen(httpServer, options.port, options.host);
  log.debug(`webhook receivers listening on ${url}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      // A provider delivers over kept-alive connections: once stopping, each answer closes its connection,
      // idle ones close now, and what is still open after the grace is cut (as Apollo's drain does).
      httpServer.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => res.setHeader('Connection', 'close'));
      httpServer.close((error) => (error ? reject(error) : resolve()));
      httpServer.closeIdleConnections();
      setTimeout(() => httpServer.closeAllConnections(), STOP_GRACE_MS).unref();
    });
  return { name: options.name, url, port, stop: () => (stopping ??= stop()) };
}
