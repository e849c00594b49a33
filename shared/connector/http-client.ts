import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import got, { HTTPError, RequestError, TimeoutError, type Got, type Method, type Response } from 'got';
import CircuitBreaker from 'opossum';
import pLimit, { type LimitFunction } from 'p-limit';
import { currentDeadline, type Deadline } from './deadline.js';
import {
  GridgraphError,
  NotFoundError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  redact,
} from '../graph/errors.js';
import { createLogger } from '../observability/logger.js';
import { metricsInScope, type CircuitState } from '../observability/metrics.js';
import { REQUEST_ID_HEADER, currentRequest } from '../observability/request-context.js';
import { injectTraceContext, tracer } from '../observability/tracing.js';
import { PROVIDER_LABELS, type ProviderName } from '../graph/provider-names.js';
import type { UpstreamAuth } from './upstream-auth.js';

/**
 * The one way a connector talks HTTP to its provider. It always sets a timeout, retries only safe
 * methods, caps concurrent calls per provider, fits attempts and retries inside the deadline of the
 * request being served (shared/connector/deadline.ts), and turns every upstream failure into a GridgraphError
 * with an UPSTREAM_* (or NOT_FOUND) code whose message names the provider and never a credential.
 * Every call is visible (README "Operations"): one log line and one observation of
 * gridgraph_upstream_request_duration_seconds with the provider, the route template (`meters/:id`, never
 * the ids), the method, the status and the duration; a client span whose `traceparent` goes upstream with
 * the request's `X-Request-Id`; the circuit's state and the calls the provider says are left.
 */
export interface HttpClientOptions {
  provider: ProviderName;
  /** Base URL that request paths are appended to, e.g. https://api.openvolt.com/v1 */
  baseUrl: string;
  /** Whole-request timeout per attempt (shorter when the request's deadline is nearer). */
  timeoutMs: number;
  /** At most this many calls to the provider in flight from this process, at first. */
  concurrency: number;
  /**
   * How far the cap may adapt (default `concurrency`: it stays put). While calls succeed with others
   * waiting, the cap grows by one per call up to this; a 429, 503 or timeout halves it, never below
   * `concurrency`. The process learns what the provider keeps up with, within what it tells.
   */
  maxConcurrency?: number;
  /** Extra attempts for safe methods (GET, HEAD) on network errors, 408, 429 and 5xx. */
  retries: number;
  /** Headers sent with every request (a static API key goes here). */
  headers?: Record<string, string>;
  /**
   * Credentials obtained at run time (token, session, rotating key): added to every request, and on a
   * 401 renewed and the request sent once more, whatever its method (a refused request did nothing).
   */
  auth?: UpstreamAuth;
  /** Values that must never appear in an error message or log line (API keys, passwords, tokens). */
  secrets: ReadonlyArray<string | undefined>;
  /**
   * A circuit breaker for this client: when the provider keeps failing (5xx, timeouts, unreachable —
   * not 4xx, which are answers), calls fail at once with UPSTREAM_UNAVAILABLE until a probe succeeds.
   * Absent: no breaker.
   */
  breaker?: CircuitBreakerSettings;
  /**
   * The response header in which the provider says how many calls are left
   * (gridgraph_upstream_rate_limit_remaining); default the IETF draft's RateLimit-Remaining or the common
   * X-RateLimit-Remaining.
   */
  rateLimitHeader?: string;
}

/** When a client's circuit opens and when it probes again (`<PROVIDER>_BREAKER_*`, shared/subgraph/module.ts). */
export interface CircuitBreakerSettings {
  /** The circuit opens when more than this percentage of the calls in the window failed… */
  errorThresholdPercentage: number;
  /** …and at least this many calls were made in the window. */
  volumeThreshold: number;
  /** The rolling window the failures are counted in. */
  windowMs: number;
  /** How long an open circuit refuses calls before one probe call is let through. */
  resetMs: number;
}

/** How a connector calls its provider: what every provider's settings (`<P>_TIMEOUT_MS`, …) carry to its clients. */
export type UpstreamCallSettings = Pick<HttpClientOptions, 'timeoutMs' | 'concurrency' | 'maxConcurrency' | 'retries' | 'breaker'>;

export type QueryValue = string | number | boolean | undefined | null;

export interface HttpRequest {
  method: Method;
  /** Path relative to baseUrl, without a leading slash: 'meters/123'. */
  path: string;
  /** The path's route template for logs, metrics and traces ('meters/:id'); default: routeTemplate(path). */
  route?: string;
  searchParams?: Record<string, QueryValue>;
  json?: unknown;
  form?: Record<string, string>;
  /** A multipart body (file uploads); got sets its content type with the boundary. */
  body?: FormData;
  headers?: Record<string, string>;
  responseType?: 'json' | 'text' | 'buffer';
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface HttpClient {
  readonly provider: ProviderName;
  request<T>(request: HttpRequest): Promise<HttpResponse<T>>;
  /** The circuit breaker's state: CLOSED (or no breaker), OPEN (failing fast) or HALF_OPEN (next call probes). */
  readonly circuit: CircuitState;
  get<T>(path: string, searchParams?: Record<string, QueryValue>): Promise<T>;
  post<T>(path: string, json?: unknown): Promise<T>;
  put<T>(path: string, json?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export type { CircuitState };

const SAFE_METHODS: Method[] = ['GET', 'HEAD'];

/**
 * Backoff before retry `attemptCount` (1, 2, …): 100 ms, 200 ms, 400 ms, … with "equal jitter" — a random
 * half of each step — so that many clients retrying after one provider hiccup do not arrive in lockstep.
 */
export function backoffDelay(attemptCount: number, random: () => number = Math.random): number {
  const step = 100 * 2 ** (attemptCount - 1);
  return Math.round(step / 2 + random() * (step / 2));
}

/** What trips a breaker: the provider failing (5xx, 408, timeouts, unreachable), never its 4xx answers. */
/**
 * A path's route template: each segment that is not a word (letters with `-` or `_`, at most one digit at
 * the end: `interval-data`, `v1`, `P4`) stands for an id and reads `:id`, so that a label or a log line
 * names the route, not the meter: `users/3f0c…/meters` → `users/:id/meters`.
 */
export function routeTemplate(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => (/^[A-Za-z]+(?:[-_][A-Za-z]+)*\d?$/.test(segment) || segment === '' ? segment : ':id'))
    .join('/');
}

/** Calls left, from the header the provider states them in. */
function callsLeft(headers: Response['headers'], header: string | undefined): number | undefined {
  const raw = header ? headers[header.toLowerCase()] : (headers['ratelimit-remaining'] ?? headers['x-ratelimit-remaining']);
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Additive increase, multiplicative decrease of a p-limit's cap between `floor` and `ceiling`: each call
 * that went well while others waited lets one more run; an overload (a 429, 503 or timeout) halves it.
 */
export function adaptiveConcurrency(
  limit: Pick<LimitFunction, 'concurrency' | 'pendingCount'>,
  floor: number,
  ceiling: number,
): (wentWell: boolean) => void {
  return (wentWell) => {
    if (ceiling <= floor) return;
    if (!wentWell) limit.concurrency = Math.max(floor, Math.floor(limit.concurrency / 2));
    else if (limit.pendingCount > 0 && limit.concurrency < ceiling) limit.concurrency += 1;
  };
}

/** The provider saying it has too much to do: answer no faster, ask less at once. */
function isOverload(error: unknown): boolean {
  if (error instanceof HTTPError) return error.response.statusCode === 429 || error.response.statusCode === 503;
  return error instanceof TimeoutError;
}

/** The status label of a call that got no HTTP answer. */
function failureStatus(error: unknown): string {
  if ((error as { code?: unknown } | null)?.code === 'EOPENBREAKER') return 'circuit_open';
  if (error instanceof TimeoutError) return 'timeout';
  if (error instanceof RequestError) return 'unreachable';
  return 'not_sent'; // refused before sending: the deadline had passed, a budget was spent
}

function isProviderFailure(error: unknown): boolean {
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    return status >= 500 || status === 408;
  }
  return error instanceof RequestError; // timeouts, refused or dropped connections
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const label = PROVIDER_LABELS[options.provider];
  const log = createLogger(`${options.provider.toLowerCase()}-client`);
  const metrics = metricsInScope();
  // Which of the provider's APIs (a provider may have several: login, data): its host and base path.
  const api = ((url) => url.host + url.pathname.replace(/\/+$/, ''))(new URL(options.baseUrl));
  const limit: LimitFunction = pLimit(options.concurrency);
  const adapt = adaptiveConcurrency(limit, options.concurrency, options.maxConcurrency ?? options.concurrency);
  const http: Got = got.extend({
    prefixUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { 'user-agent': 'gridgraph', ...options.headers },
    timeout: { request: options.timeoutMs },
    retry: {
      limit: options.retries,
      methods: SAFE_METHODS,
      statusCodes: [408, 429, 500, 502, 503, 504],
      // Honour a short Retry-After; a long one is the caller's business (UPSTREAM_RATE_LIMITED).
      maxRetryAfter: options.timeoutMs, // got reads it in milliseconds
      // A client is waiting on the answer: back off briefly (100 ms, 200 ms, …), except that a
      // provider's own Retry-After (within maxRetryAfter) is obeyed; no retry that would start after
      // the request's deadline.
      calculateDelay: ({ attemptCount, error, computedValue }) => {
        const delay =
          computedValue === 0 || error.response?.statusCode === 429 ? computedValue : Math.min(computedValue, backoffDelay(attemptCount));
        const deadline = error.options.context.deadline as Deadline | undefined; // set per call in send()
        return deadline && delay >= deadline.left() ? 0 : delay;
      },
    },
  });
  const breaker = options.breaker ? createBreaker(options.breaker) : undefined;
  let openedAt = 0;
  breaker?.on('open', () => {
    openedAt = Date.now();
    log.warn(`circuit OPEN: ${label} keeps failing; calls fail fast for ${options.breaker!.resetMs} ms, then one probe`);
  });
  breaker?.on('halfOpen', () => log.info(`circuit HALF_OPEN: the next call to ${label} probes it`));
  breaker?.on('close', () => log.info(`circuit CLOSED: ${label} answers again`));
  const circuit = (): CircuitState => {
    if (!breaker || breaker.closed) return 'CLOSED';
    return breaker.halfOpen ? 'HALF_OPEN' : 'OPEN';
  };
  if (breaker) metrics?.watchCircuit({ provider: options.provider, api, state: circuit });

  function createBreaker(settings: CircuitBreakerSettings) {
    return new CircuitBreaker((call: () => Promise<Response<unknown>>) => call(), {
      timeout: false, // got's own timeout applies per attempt
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.windowMs,
      resetTimeout: settings.resetMs,
      errorFilter: (error: unknown) => !isProviderFailure(error),
    });
  }

  /** The error for a call refused by the open circuit: no request was sent. */
  function circuitOpenError(method: string, path: string): UpstreamUnavailableError {
    const probeAt = openedAt + options.breaker!.resetMs;
    const retryAfter = Math.max(1, Math.ceil((probeAt - Date.now()) / 1000));
    return new UpstreamUnavailableError(
      `${label} is failing, so ${method} /${path} was not sent (circuit breaker open). ` +
        `The next call after ${new Date(probeAt).toISOString()} (in about ${retryAfter} s) probes ${label} again.`,
      { provider: options.provider, circuit: 'OPEN', retryAfter },
    );
  }

  /** One request (with got's retries) through the breaker, when there is one. */
  function guarded(call: () => Promise<Response<unknown>>): Promise<Response<unknown>> {
    return breaker ? breaker.fire(call) : call();
  }

  /** A call not sent because the request it serves has run out of time (not a provider failure). */
  function deadlinePassedError(method: string, path: string): UpstreamTimeoutError {
    return new UpstreamTimeoutError(`${label} was not asked for ${method} /${path}: the request's time ran out first`, {
      provider: options.provider,
    });
  }

  async function send(path: string, req: HttpRequest, deadline: Deadline | undefined): Promise<Response<unknown>> {
    const credentials = options.auth ? await options.auth.headers() : undefined;
    const requestId = currentRequest()?.requestId;
    const traced = injectTraceContext(requestId ? { [REQUEST_ID_HEADER]: requestId } : {});
    try {
      return await guarded(() =>
        limit(() => {
          // Measured when the call leaves the concurrency queue: the wait there counts against the deadline.
          const left = deadline?.left();
          if (left !== undefined && left <= 0) throw deadlinePassedError(req.method, path);
          const sent = http(path, {
            method: req.method,
            searchParams: req.searchParams ? definedParams(req.searchParams) : undefined,
            json: req.json,
            form: req.form,
            body: req.body,
            headers: { ...req.headers, ...traced, ...credentials },
            responseType: req.responseType ?? 'json',
            context: { deadline },
            // Each attempt within the time left; the signal also ends a retry in progress at the deadline (got: TimeoutError).
            ...(left !== undefined && { timeout: { request: Math.min(options.timeoutMs, left) }, signal: AbortSignal.timeout(left) }),
          }) as Promise<Response<unknown>>;
          return sent.then(
            (response) => {
              adapt(true);
              return response;
            },
            (error: unknown) => {
              adapt(!isOverload(error));
              throw error;
            },
          );
        }),
      );
    } catch (error) {
      if (credentials && error instanceof HTTPError && error.response.statusCode === 401) {
        const said = upstreamMessage(error.response.body);
        options.auth!.refused(credentials, said === undefined ? undefined : redact(said, options.secrets));
      }
      throw error;
    }
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const path = req.path.replace(/^\/+/, '');
    const route = req.route ?? routeTemplate(path);
    const deadline = currentDeadline();
    const started = performance.now();
    return tracer().startActiveSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': req.method,
          'url.template': route,
          'server.address': api,
          'gridgraph.provider': options.provider,
        },
      },
      async (span) => {
        let status = 'not_sent';
        let failure: GridgraphError | undefined;
        try {
          let response: Response<unknown>;
          try {
            response = await send(path, req, deadline);
          } catch (error) {
            // An expired or revoked credential: log in again and try once more; a second 401 is final.
            if (!(options.auth && error instanceof HTTPError && error.response.statusCode === 401)) throw error;
            log.info(`${req.method} /${route} refused with 401; renewing credentials and retrying once`);
            response = await send(path, req, deadline);
          }
          status = String(response.statusCode);
          const left = callsLeft(response.headers, options.rateLimitHeader);
          if (left !== undefined) metrics?.upstreamRateLimit(options.provider, api, left);
          return { status: response.statusCode, headers: response.headers, body: response.body as T };
        } catch (error) {
          status = error instanceof HTTPError ? String(error.response.statusCode) : failureStatus(error);
          failure =
            status === 'circuit_open'
              ? circuitOpenError(req.method, path)
              : mapUpstreamError(error, options.provider, label, req.method, path, options.secrets);
          throw failure;
        } finally {
          const durationMs = performance.now() - started;
          const call = { provider: options.provider, route, method: req.method, status };
          metrics?.upstreamCall(call, durationMs / 1000);
          if (/^\d+$/.test(status)) span.setAttribute('http.response.status_code', Number(status));
          if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
          span.end();
          const fields = { ...call, durationMs: Math.round(durationMs * 10) / 10 };
          // The error's message names the provider and the path, never a credential (mapUpstreamError).
          if (failure) log.warn({ ...fields, code: failure.code, error: failure.message }, 'upstream call failed');
          else log.info(fields, 'upstream call');
        }
      },
    );
  }

  return {
    provider: options.provider,
    request,
    get circuit(): CircuitState {
      return circuit();
    },
    get: async (path, searchParams) => (await request<never>({ method: 'GET', path, searchParams })).body,
    post: async (path, json) => (await request<never>({ method: 'POST', path, json })).body,
    put: async (path, json) => (await request<never>({ method: 'PUT', path, json })).body,
    delete: async (path) => (await request<never>({ method: 'DELETE', path })).body,
  };
}

function definedParams(params: Record<string, QueryValue>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

/** Turns a got failure into the error a client may see. Exported for unit tests. */
export function mapUpstreamError(
  error: unknown,
  provider: ProviderName,
  label: string,
  method: string,
  path: string,
  secrets: ReadonlyArray<string | undefined>,
): GridgraphError {
  // Only the path (no query string, which could carry a key) ever goes into a message.
  const where = `${method} /${path}`;
  const clean = (text: string) => redact(text, secrets);

  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    const said = clean(upstreamMessage(error.response.body) ?? error.response.statusMessage ?? '');
    const detail = said ? `: ${said}` : '';
    if (status === 401 || status === 403) {
      return new UpstreamRejectedError(
        `${label} rejected the configured credentials (HTTP ${status}) for ${where}${detail}. ` +
          `Check the ${provider} credentials in the environment.`,
        { provider, upstreamStatus: status },
      );
    }
    if (status === 404) {
      return new NotFoundError(`${label} has no such resource (${where})${detail}`, { provider, upstreamStatus: status });
    }
    if (status === 408) {
      return new UpstreamTimeoutError(`${label} timed out answering ${where}`, { provider, upstreamStatus: status });
    }
    if (status === 429) {
      const retryAfter = parseRetryAfter(error.response.headers['retry-after']);
      const when = retryAfter === null ? 'later' : `in ${retryAfter} s`;
      return new UpstreamRateLimitedError(`${label} is rate limiting requests (${where}); try again ${when}${detail}`, {
        provider,
        retryAfter,
        upstreamStatus: status,
      });
    }
    if (status >= 400 && status < 500) {
      return new UpstreamRejectedError(`${label} rejected ${where} (HTTP ${status})${detail}`, {
        provider,
        upstreamStatus: status,
      });
    }
    return new UpstreamUnavailableError(`${label} failed to answer ${where} (HTTP ${status})`, {
      provider,
      upstreamStatus: status,
    });
  }
  if (error instanceof TimeoutError) {
    return new UpstreamTimeoutError(`${label} did not answer ${where} in time`, { provider });
  }
  if (error instanceof RequestError) {
    const reason = error.code ? ` (${error.code})` : '';
    return new UpstreamUnavailableError(`${label} could not be reached for ${where}${reason}`, { provider });
  }
  if (error instanceof GridgraphError) return error;
  return new UpstreamUnavailableError(`${label} call ${where} failed unexpectedly`, { provider });
}

/** Finds the human message in the error bodies providers send (JSON or problem+json or text). */
function upstreamMessage(body: unknown): string | undefined {
  let parsed = body;
  if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return (parsed as string).trim().slice(0, 300) || undefined;
    }
  }
  if (parsed && typeof parsed === 'object') {
    const record = parsed as Record<string, unknown>;
    for (const key of ['message', 'error_description', 'detail', 'title', 'error']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 300);
    }
  }
  return undefined;
}

function parseRetryAfter(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
