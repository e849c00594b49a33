import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import { EnvError, makeValidator } from 'envalid';
import { numberInRange, readConfig } from '../subgraph/config.js';
import { createLogger } from '../observability/logger.js';
import { seededRandom } from './ids.js';

/**
 * The simulator toolkit: an express server with request counters by route, fault injection (latency,
 * error share or burst, rate limit, hung requests, dropped connections) and control routes under `/_simulator`, shared by every provider simulator.
 */

export interface FaultSettings {
  /** Added to every non-control request before it is answered. */
  latencyMs: number;
  /** Share (0..1) of non-control requests answered with `errorStatus`. */
  errorRate: number;
  errorStatus: number;
  /** Fixed-window limit; requests over it get 429 with `Retry-After`. */
  rateLimit: { limit: number; windowMs: number } | null;
  /** The next this-many non-control requests are answered with `errorStatus` (a burst), then none. */
  errorBurst: number;
  /** Share (0..1) of non-control requests held for `hangMs` before being answered (a client timeout). */
  hangRate: number;
  /** How long a hung request is held (or until the client gives up). */
  hangMs: number;
  /** Share (0..1) of non-control requests whose connection is destroyed without an answer. */
  dropRate: number;
}

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
const MAX_LATENCY_MS = 60_000;
const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  rateLimit: null,
  errorBurst: 0,
  hangRate: 0,
  hangMs: MAX_LATENCY_MS,
  dropRate: 0,
};
const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'all'] as const;

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { name, port = 0, host = '127.0.0.1' } = options;
  const errorBody = options.errorBody ?? defaultErrorBody;
  const log = createLogger(`${name}-simulator`);
  const counts = new Map<string, { method: string; path: string; count: number }>();
  let faults: FaultSettings = { ...DEFAULT_FAULTS, ...checkFaults(options.faults ?? {}) };
  let random = seededRandom(`${name}:faults`);
  let rateWindow = { startedAt: 0, count: 0 };

  // Reseeding on reset and on every fault change makes a test's fault sequence independent of what ran before.
  function restartFaultSequence(): void {
    random = seededRandom(`${name}:faults`);
    rateWindow = { startedAt: 0, count: 0 };
  }

  function sendError(res: Response, status: number, message: string): void {
    res.status(status).json(errorBody(status, message));
  }

  /** Seconds until the window reopens when the request is over the limit, else null (and the request is admitted). */
  function rateLimited(now: number): number | null {
    const { rateLimit } = faults;
    if (!rateLimit) return null;
    if (now - rateWindow.startedAt >= rateLimit.windowMs) rateWindow = { startedAt: now, count: 0 };
    if (rateWindow.count < rateLimit.limit) {
      rateWindow.count++;
      return null;
    }
    return Math.max(1, Math.ceil((rateWindow.startedAt + rateLimit.windowMs - now) / 1000));
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

    const { latencyMs, errorRate, errorStatus, hangRate, hangMs, dropRate } = faults;
    if (dropRate > 0 && random() < dropRate) {
      req.socket.destroy(); // the provider's process died or a proxy reset the connection mid-request
      return;
    }
    if (hangRate > 0 && random() < hangRate && !(await delayUnlessClosed(hangMs, res))) return;
    if (latencyMs > 0 && !(await delayUnlessClosed(latencyMs, res))) return;
    const retryAfter = rateLimited(Date.now());
    if (retryAfter !== null) {
      res.set('Retry-After', String(retryAfter));
      return sendError(res, 429, 'Too many requests: simulated rate limit exceeded');
    }
    if (faults.errorBurst > 0) {
      faults = { ...faults, errorBurst: faults.errorBurst - 1 };
      return sendError(res, errorStatus, 'Simulated upstream fault (burst)');
    }
    if (errorRate > 0 && random() < errorRate) return sendError(res, errorStatus, 'Simulated upstream fault');
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
    res.json(faults);
  });
  app.put(`${CONTROL_PREFIX}/faults`, express.json(), (req, res) => {
    try {
      simulator.setFaults(req.body as Partial<FaultSettings>);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    res.json(faults);
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
      restartFaultSequence();
      options.onReset?.();
    },
    setFaults(changes) {
      faults = { ...faults, ...checkFaults(changes) };
      restartFaultSequence();
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

/**
 * Fault settings from `${prefix}_SIM_LATENCY_MS`, `_SIM_ERROR_RATE` (0..1), `_SIM_ERROR_STATUS`,
 * `_SIM_RATE_LIMIT` (requests per minute, 0 = none), `_SIM_HANG_RATE` (0..1), `_SIM_HANG_MS` and
 * `_SIM_DROP_RATE` (0..1). Only variables that are set (non-empty) appear in
 * the result; a malformed value throws a ConfigError naming the variable.
 */
export function faultsFromEnv(prefix: string, env: NodeJS.ProcessEnv = process.env): Partial<FaultSettings> {
  const names = {
    latencyMs: `${prefix}_SIM_LATENCY_MS`,
    errorRate: `${prefix}_SIM_ERROR_RATE`,
    errorStatus: `${prefix}_SIM_ERROR_STATUS`,
    rateLimit: `${prefix}_SIM_RATE_LIMIT`,
    hangRate: `${prefix}_SIM_HANG_RATE`,
    hangMs: `${prefix}_SIM_HANG_MS`,
    dropRate: `${prefix}_SIM_DROP_RATE`,
  };
  // An empty value counts as unset, as a variable listed without a value in a .env file.
  const present = Object.fromEntries(
    Object.values(names)
      .filter((variable) => env[variable]?.trim())
      .map((variable) => [variable, env[variable]]),
  );
  const config: Record<string, number | undefined> = readConfig(
    {
      [names.latencyMs]: integerInRange(0, MAX_LATENCY_MS)({ default: undefined }),
      [names.errorRate]: numberInRange(0, 1)({ default: undefined }),
      [names.errorStatus]: integerInRange(400, 599)({ default: undefined }),
      [names.rateLimit]: integerInRange(0, 1_000_000)({ default: undefined }),
      [names.hangRate]: numberInRange(0, 1)({ default: undefined }),
      [names.hangMs]: integerInRange(0, MAX_LATENCY_MS)({ default: undefined }),
      [names.dropRate]: numberInRange(0, 1)({ default: undefined }),
    },
    present,
  );

  const faults: Partial<FaultSettings> = {};
  const latencyMs = config[names.latencyMs];
  const errorRate = config[names.errorRate];
  const errorStatus = config[names.errorStatus];
  const perMinute = config[names.rateLimit];
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  if (errorRate !== undefined) faults.errorRate = errorRate;
  if (errorStatus !== undefined) faults.errorStatus = errorStatus;
  if (perMinute !== undefined) faults.rateLimit = perMinute === 0 ? null : { limit: perMinute, windowMs: 60_000 };
  for (const key of ['hangRate', 'hangMs', 'dropRate'] as const) {
    const value = config[names[key]];
    if (value !== undefined) faults[key] = value;
  }
  return faults;
}

function integerInRange(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = Number(input);
    if (!/^\s*-?\d+\s*$/.test(input) || value < min || value > max) {
      throw new EnvError(`must be a whole number from ${min} to ${max}`);
    }
    return value;
  });
}

/** Validates a partial FaultSettings (from code or from `PUT /_simulator/faults`); throws RangeError. */
function checkFaults(input: unknown): Partial<FaultSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RangeError('fault settings must be a JSON object');
  }
  const checked: Partial<FaultSettings> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    switch (key) {
      case 'latencyMs':
        checked.latencyMs = wholeNumber(key, value, 0, MAX_LATENCY_MS);
        break;
      case 'errorRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError('errorRate must be a number from 0 to 1');
        checked.errorRate = value;
        break;
      case 'errorStatus':
        checked.errorStatus = wholeNumber(key, value, 400, 599);
        break;
      case 'errorBurst':
        checked.errorBurst = wholeNumber(key, value, 0, Number.MAX_SAFE_INTEGER);
        break;
      case 'hangRate':
      case 'dropRate':
        checked[key] = share(key, value);
        break;
      case 'hangMs':
        checked.hangMs = wholeNumber(key, value, 0, MAX_LATENCY_MS);
        break;
      case 'rateLimit':
        if (value === null) {
          checked.rateLimit = null;
        } else if (typeof value === 'object' && !Array.isArray(value)) {
          const { limit, windowMs } = value as Record<string, unknown>;
          checked.rateLimit = {
            limit: wholeNumber('rateLimit.limit', limit, 1, Number.MAX_SAFE_INTEGER),
            windowMs: wholeNumber('rateLimit.windowMs', windowMs, 1, Number.MAX_SAFE_INTEGER),
          };
        } else {
          throw new RangeError('rateLimit must be null or { limit, windowMs }');
        }
        break;
      default:
        // Rejecting unknown keys catches typos such as `latency` that would otherwise silently do nothing.
        throw new RangeError(`unknown fault setting "${key}"`);
    }
  }
  return checked;
}

function share(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be a number from 0 to 1`);
  return value;
}

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
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

/** Resolves true after `ms`, or false as soon as the client goes away (or stop() drops the connection). */
function delayUnlessClosed(ms: number, res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'; // a wildcard bind is reachable on loopback
  return host.includes(':') ? `[${host}]` : host;
}
