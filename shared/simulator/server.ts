import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import { createLogger } from '../observability/logger.js';
import { FaultInjector, type FaultSettings } from './faults.js';
import { urlHost } from '../subgraph/addresses.js';

/**
 * The simulator toolkit: an express server with request counters by route, fault injection (faults.ts)
 * and control routes under `/_simulator`, shared by every provider simulator.
 */

export type { FaultSettings } from './faults.js';
export { faultsFromEnv } from './faults.js';

export interface SimulatorStats {
  total: number;
  /** `path` is the express route pattern (`/meters/:id`); unmatched requests appear under their literal path. */
  requests: Array<{ method: string; path: string; count: number }>;
}

export interface RunningSimulator {
  name: string;
  /** `http://host:port`, no trailing slash. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  callCount(method: string, path: string): number;
  /** Clears the counters, restarts the fault sequence and returns the data to its seed (faults are kept). */
  reset(): void;
  setFaults(faults: Partial<FaultSettings>): void;
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  name: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  faults?: Partial<FaultSettings>;
  /**
   * Registers the provider's routes with `app.get/post/put/patch/delete/all`; those are counted and
   * faulted. Routes under `/_simulator` are control routes: neither counted nor faulted.
   */
  configure(app: Express): void;
  onReset?(): void;
  /** The provider's error body; defaults to `{ statusCode, error, message }`. */
  errorBody?(status: number, message: string): unknown;
}

/** Thrown by a route handler to answer `status` with the simulator's error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const CONTROL_PREFIX = '/_simulator';
const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'all'] as const;

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { name, port = 0, host = '127.0.0.1' } = options;
  const errorBody = options.errorBody ?? defaultErrorBody;
  const log = createLogger(`${name}-simulator`);
  const counts = new Map<string, { method: string; path: string; count: number }>();
  const faults = new FaultInjector(`${name}:faults`, options.faults ?? {});

  function sendError(res: Response, status: number, message: string): void {
    res.status(status).json(errorBody(status, message));
  }

  // Runs first in every provider route (and the not-found fallback), where `req.route` already names
  // the matched pattern, so that requests answered by a fault are counted under their route too.
  const gate: RequestHandler = async (req, res, next) => {
    if (isControlPath(req.path)) return next();
    const method = req.method.toUpperCase();
    const path = req.route ? String(req.route.path) : req.path;
    const key = `${method} ${path}`;
    const entry = counts.get(key) ?? { method, path, count: 0 };
    entry.count++;
    counts.set(key, entry);

    if (!(await faults.admit(req, res, (status, message) => sendError(res, status, message)))) return;
    next();
  };

  const app = express();
  app.disable('x-powered-by');
  const bodyParsers = [express.json(), express.urlencoded({ extended: false })];

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(`${CONTROL_PREFIX}/stats`, (_req, res) => {
    res.json(simulator.stats());
  });
  app.post(`${CONTROL_PREFIX}/reset`, (_req, res) => {
    simulator.reset();
    res.status(204).end();
  });
  app.get(`${CONTROL_PREFIX}/faults`, (_req, res) => {
    res.json(faults.settings);
  });
  app.put(`${CONTROL_PREFIX}/faults`, express.json(), (req, res) => {
    try {
      simulator.setFaults(req.body as Partial<FaultSettings>);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    res.json(faults.settings);
  });

  // Provider routes get the gate (count, faults) and then the body parsers, so that a malformed body
  // is counted like any other request and answered in the provider's error shape.
  for (const method of ROUTE_METHODS) {
    const register = app[method].bind(app) as (...args: unknown[]) => Express;
    (app as unknown as Record<string, unknown>)[method] = (path: unknown, ...handlers: unknown[]) => {
      if (method === 'get' && handlers.length === 0) return register(path); // app.get(name) reads a setting
      const before = typeof path === 'string' && isControlPath(path) ? bodyParsers : [gate, ...bodyParsers];
      return register(path, ...before, ...handlers);
    };
  }
  options.configure(app);

  app.use(gate, (req) => {
    throw new HttpError(404, `Cannot ${req.method} ${req.path}`);
  });
  const renderError: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    // A bug in a simulator: log it, and do not leak its details into the provider's error body.
    const unexpected = status === 500 && !(error instanceof HttpError);
    if (unexpected) log.error(`unhandled error: ${(error as Error).stack ?? String(error)}`);
    sendError(res, status, unexpected ? 'Internal Server Error' : (error as Error).message);
  };
  app.use(renderError);

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;

  const simulator: RunningSimulator = {
    name,
    url: `http://${urlHost(host)}:${boundPort}`,
    port: boundPort,
    stats() {
      const requests = [...counts.values()]
        .map((entry) => ({ ...entry }))
        .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
      return { total: requests.reduce((sum, entry) => sum + entry.count, 0), requests };
    },
    callCount(method, path) {
      return counts.get(`${method.toUpperCase()} ${path}`)?.count ?? 0;
    },
    reset() {
      counts.clear();
      faults.restart();
      options.onReset?.();
    },
    setFaults(changes) {
      faults.change(changes);
    },
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() only stops accepting; keep-alive and delayed requests would hold the process open.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
  return simulator;
}

function defaultErrorBody(status: number, message: string): unknown {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

/** The status an error should be answered with: HttpError's, body-parser's (400, 413, …), else 500. */
function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}
