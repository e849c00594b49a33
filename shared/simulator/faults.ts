import type { Request, Response } from 'express';
import { EnvError, makeValidator } from 'envalid';
import { numberInRange, readConfig } from '../subgraph/config.js';
import { seededRandom } from './ids.js';

/**
 * Fault injection for the simulators: latency, an error share or burst, a rate limit, hung requests and
 * dropped connections, set from code, from `<PROVIDER>_SIM_*` variables or by `PUT /_simulator/faults`.
 * The sequence is seeded, so a test's faults fall on the same requests every run.
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

/** The faults of one simulator, and the decision for each request. */
export class FaultInjector {
  private faults: FaultSettings;
  private random: () => number;
  private rateWindow = { startedAt: 0, count: 0 };

  constructor(
    private readonly seed: string,
    initial: Partial<FaultSettings>,
  ) {
    this.faults = { ...DEFAULT_FAULTS, ...checkFaults(initial) };
    this.random = seededRandom(seed);
  }

  get settings(): FaultSettings {
    return this.faults;
  }

  /** Validates and applies `changes` (RangeError on a bad value), and restarts the sequence. */
  change(changes: unknown): void {
    this.faults = { ...this.faults, ...checkFaults(changes) };
    this.restart();
  }

  // Reseeding on reset and on every fault change makes a test's fault sequence independent of what ran before.
  restart(): void {
    this.random = seededRandom(this.seed);
    this.rateWindow = { startedAt: 0, count: 0 };
  }

  /**
   * Applies the faults to one request: true when it may go on to its route, false when a fault has
   * answered it (with `sendError`), dropped its connection, or the client went away while it was held.
   */
  async admit(req: Request, res: Response, sendError: (status: number, message: string) => void): Promise<boolean> {
    const { latencyMs, errorRate, errorStatus, hangRate, hangMs, dropRate } = this.faults;
    if (dropRate > 0 && this.random() < dropRate) {
      req.socket.destroy(); // the provider's process died or a proxy reset the connection mid-request
      return false;
    }
    if (hangRate > 0 && this.random() < hangRate && !(await delayUnlessClosed(hangMs, res))) return false;
    if (latencyMs > 0 && !(await delayUnlessClosed(latencyMs, res))) return false;
    const retryAfter = this.rateLimited(Date.now());
    if (retryAfter !== null) {
      res.set('Retry-After', String(retryAfter));
      sendError(429, 'Too many requests: simulated rate limit exceeded');
      return false;
    }
    if (this.faults.errorBurst > 0) {
      this.faults = { ...this.faults, errorBurst: this.faults.errorBurst - 1 };
      sendError(errorStatus, 'Simulated upstream fault (burst)');
      return false;
    }
    if (errorRate > 0 && this.random() < errorRate) {
      sendError(errorStatus, 'Simulated upstream fault');
      return false;
    }
    return true;
  }

  /** Seconds until the window reopens when the request is over the limit, else null (and the request is admitted). */
  private rateLimited(now: number): number | null {
    const { rateLimit } = this.faults;
    if (!rateLimit) return null;
    if (now - this.rateWindow.startedAt >= rateLimit.windowMs) this.rateWindow = { startedAt: now, count: 0 };
    if (this.rateWindow.count < rateLimit.limit) {
      this.rateWindow.count++;
      return null;
    }
    return Math.max(1, Math.ceil((this.rateWindow.startedAt + rateLimit.windowMs - now) / 1000));
  }
}

/** The variables of the fault settings, after the simulator's prefix (`OPENVOLT_SIM_LATENCY_MS`). */
const FAULT_VARIABLES = {
  latencyMs: 'SIM_LATENCY_MS',
  errorRate: 'SIM_ERROR_RATE',
  errorStatus: 'SIM_ERROR_STATUS',
  rateLimit: 'SIM_RATE_LIMIT',
  hangRate: 'SIM_HANG_RATE',
  hangMs: 'SIM_HANG_MS',
  dropRate: 'SIM_DROP_RATE',
} as const;
type FaultVariable = keyof typeof FAULT_VARIABLES;

const faultVariables = (prefix: string) =>
  Object.fromEntries(Object.entries(FAULT_VARIABLES).map(([key, suffix]) => [key, `${prefix}_${suffix}`])) as Record<FaultVariable, string>;

/** The fault settings of the simulator of `prefix` (`<PREFIX>_SIM_*`), each with its default (no fault) and description. */
export function simulatorFaultSettings(prefix: string) {
  const names = faultVariables(prefix);
  return {
    [names.latencyMs]: integerInRange(
      0,
      MAX_LATENCY_MS,
    )({ default: DEFAULT_FAULTS.latencyMs, desc: 'Simulator fault: latency added to every request (ms)' }),
    [names.errorRate]: numberInRange(
      0,
      1,
    )({ default: DEFAULT_FAULTS.errorRate, desc: `Simulator fault: share of requests (0..1) answered with ${names.errorStatus}` }),
    [names.errorStatus]: integerInRange(
      400,
      599,
    )({ default: DEFAULT_FAULTS.errorStatus, desc: 'Simulator fault: the status of those answers' }),
    [names.rateLimit]: integerInRange(
      0,
      1_000_000,
    )({ default: 0, desc: 'Simulator fault: requests per minute before it answers 429 with Retry-After (0 = no limit)' }),
    [names.hangRate]: numberInRange(
      0,
      1,
    )({ default: DEFAULT_FAULTS.hangRate, desc: `Simulator fault: share of requests (0..1) held for ${names.hangMs} (a client timeout)` }),
    [names.hangMs]: integerInRange(
      0,
      MAX_LATENCY_MS,
    )({ default: DEFAULT_FAULTS.hangMs, desc: 'Simulator fault: how long a held request is held (ms)' }),
    [names.dropRate]: numberInRange(
      0,
      1,
    )({ default: DEFAULT_FAULTS.dropRate, desc: 'Simulator fault: share of connections (0..1) dropped without an answer' }),
  };
}

/**
 * Fault settings from the variables of `simulatorFaultSettings(prefix)`. Only variables that are set
 * (non-empty) appear in the result, so that they override faults given in code and nothing else; a
 * malformed value throws a ConfigError naming the variable.
 */
export function faultsFromEnv(prefix: string, env: NodeJS.ProcessEnv = process.env): Partial<FaultSettings> {
  const names = faultVariables(prefix);
  // An empty value counts as unset, as a variable listed without a value in a .env file.
  const present = Object.values(names).filter((variable) => env[variable]?.trim());
  const read = readConfig(simulatorFaultSettings(prefix), Object.fromEntries(present.map((variable) => [variable, env[variable]])));
  const config: Record<string, number | undefined> = Object.fromEntries(present.map((variable) => [variable, read[variable]]));

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
