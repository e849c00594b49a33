import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleSum } from '../../test/support/prometheus.js';
import { ServerMetrics, reportingTo } from '../observability/metrics.js';
import { withRequest } from '../observability/request-context.js';
import { startTracing } from '../observability/tracing.js';
import { Deadline } from './deadline.js';
import { GridgraphError } from '../graph/errors.js';
import { adaptiveConcurrency, backoffDelay, createHttpClient, routeTemplate, type HttpClientOptions } from './http-client.js';
import { bearerAuth, createCredentialCache } from './upstream-auth.js';

/** The HTTP client factory against a scripted local server: status mapping, retries, secrecy, caps. */

const SECRET = 'sk-live-0123456789abcdef';
type Script = (req: http.IncomingMessage, res: http.ServerResponse, attempt: number) => void;

let server: http.Server;
let baseUrl: string;
let script: Script;
let attempts: Map<string, number>;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    script(req, res, attempt);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  attempts = new Map();
  maxInFlight = 0;
});

function client(overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    provider: 'OPENVOLT',
    baseUrl,
    timeoutMs: 2_000,
    concurrency: 4,
    retries: 2,
    headers: { 'x-api-key': SECRET },
    secrets: [SECRET],
    ...overrides,
  });
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Runs `work` as a request with `timeoutMs` left, as a server would. */
function withDeadline<T>(timeoutMs: number, work: () => T): T {
  return withRequest({ requestId: 'http-client-test', deadline: new Deadline(timeoutMs) }, work);
}

async function failure(promise: Promise<unknown>): Promise<GridgraphError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GridgraphError);
  return error as GridgraphError;
}

describe('createHttpClient', () => {
  it('sends the base URL, query and headers, and parses JSON', async () => {
    script = (req, res) => json(res, 200, { url: req.url, key: req.headers['x-api-key'] });
    const body = await client().get<{ url: string; key: string }>('meters', { page: 2, status: undefined, q: 'a b' });
    expect(body).toEqual({ url: '/v1/meters?page=2&q=a+b', key: SECRET });
  });

  it('maps 401 to UPSTREAM_REJECTED naming the provider, never echoing the key', async () => {
    script = (_req, res) => json(res, 401, { message: `Invalid API key ${SECRET}` });
    const error = await failure(client().get('meters'));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'OPENVOLT', upstreamStatus: 401 });
    expect(error.message).toContain('Openvolt');
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.extensions)).not.toContain(SECRET);
    expect(attempts.get('GET /v1/meters')).toBe(1);
  });

  it('maps 404 to NOT_FOUND and other 4xx to UPSTREAM_REJECTED with the provider’s message', async () => {
    script = (req, res) =>
      req.url!.includes('missing') ? json(res, 404, { message: 'No meter' }) : json(res, 400, { message: 'bad page_size' });
    expect((await failure(client().get('meters/missing'))).extensions.code).toBe('NOT_FOUND');
    const rejected = await failure(client().get('meters'));
    expect(rejected.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 400 });
    expect(rejected.message).toContain('bad page_size');
  });

  it('retries a GET on 503 and succeeds', async () => {
    script = (_req, res, attempt) => (attempt < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true }));
    expect(await client().get('meters')).toEqual({ ok: true });
    expect(attempts.get('GET /v1/meters')).toBe(3);
  });

  it('never retries a POST: one attempt, then UPSTREAM_UNAVAILABLE', async () => {
    script = (_req, res) => json(res, 503, { message: 'busy' });
    const error = await failure(client().post('meters', { meter_number: '1' }));
    expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(attempts.get('POST /v1/meters')).toBe(1);
  });

  it('maps 429 to UPSTREAM_RATE_LIMITED with retryAfter, without waiting out a long Retry-After', async () => {
    script = (_req, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': '120' });
    const error = await failure(client().get('meters'));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 120 });
    expect(attempts.get('GET /v1/meters')).toBe(1);
  });

  it('waits out a Retry-After no longer than the timeout, then retries', async () => {
    script = (_req, res, attempt) =>
      attempt === 1 ? json(res, 429, { message: 'later' }, { 'retry-after': '1' }) : json(res, 200, { ok: true });
    expect(await client().get('limited')).toEqual({ ok: true });
    expect(attempts.get('GET /v1/limited')).toBe(2);
  });

  it('times out with UPSTREAM_TIMEOUT', async () => {
    script = () => undefined; // never answers
    const error = await failure(client({ timeoutMs: 200, retries: 0 }).get('slow'));
    expect(error.extensions.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('an unreachable provider is UPSTREAM_UNAVAILABLE', async () => {
    const error = await failure(client({ baseUrl: 'http://127.0.0.1:9/v1', retries: 0 }).get('meters'));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'OPENVOLT' });
  });

  it('caps concurrent calls per client', async () => {
    script = (_req, res) => setTimeout(() => json(res, 200, {}), 30);
    const capped = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, index) => capped.get(`m/${index}`)));
    expect(maxInFlight).toBe(3);
  });

  describe('within the deadline of the request being served', () => {
    async function timed<T>(work: () => Promise<T>): Promise<{ outcome: T; elapsedMs: number }> {
      const started = performance.now();
      const outcome = await work();
      return { outcome, elapsedMs: performance.now() - started };
    }

    it('ends a hanging call at the deadline instead of after every attempt’s timeout: UPSTREAM_TIMEOUT naming the provider', async () => {
      script = () => undefined; // never answers
      const patient = client({ timeoutMs: 5_000, retries: 2 });
      const { outcome: error, elapsedMs } = await timed(() => failure(withDeadline(300, () => patient.get('hang'))));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'OPENVOLT' });
      expect(elapsedMs).toBeLessThan(1_500);
      expect(attempts.get('GET /v1/hang')).toBe(1);
    });

    it('makes no retry that would start after it: a Retry-After longer than the time left is not waited for', async () => {
      script = (_req, res, attempt) =>
        attempt === 1 ? json(res, 429, { message: 'later' }, { 'retry-after': '1' }) : json(res, 200, { ok: true });
      const { outcome: error, elapsedMs } = await timed(() => failure(withDeadline(500, () => client().get('limited'))));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'OPENVOLT' });
      expect(elapsedMs).toBeLessThan(500);
      expect(attempts.get('GET /v1/limited')).toBe(1);
    });

    it('still makes the retries that fit', async () => {
      script = (_req, res, attempt) => (attempt < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true }));
      expect(await withDeadline(5_000, () => client().get('burst'))).toEqual({ ok: true });
      expect(attempts.get('GET /v1/burst')).toBe(3);
    });

    it('sends nothing once it has passed, also for a call that waited for a concurrency slot past it', async () => {
      script = () => undefined;
      const error = await failure(withDeadline(0, () => client().get('late')));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'OPENVOLT' });
      expect(attempts.get('GET /v1/late')).toBeUndefined();

      const oneAtATime = client({ concurrency: 1, timeoutMs: 400, retries: 0 });
      const first = failure(oneAtATime.get('first')); // holds the only slot until its own timeout
      const queued = await failure(withDeadline(150, () => oneAtATime.get('queued')));
      expect(queued.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'OPENVOLT' });
      expect((await first).extensions.code).toBe('UPSTREAM_TIMEOUT');
      expect(attempts.get('GET /v1/queued')).toBeUndefined();
    });
  });

  describe('with run-time credentials (auth)', () => {
    // The scripted server accepts only the token it issued last; every token request issues a new one.
    let issued = 0;
    const tokenCache = () =>
      createCredentialCache({
        obtain: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { value: `token-${++issued}`, expiresInSeconds: 3600 };
        },
      });
    const acceptLatest: Script = (req, res) =>
      req.headers.authorization === `Bearer token-${issued}` ? json(res, 200, { auth: req.headers.authorization }) : json(res, 401, {});

    beforeEach(() => {
      issued = 0;
    });

    it('sends the credential and shares one login among concurrent requests', async () => {
      script = acceptLatest;
      const tokens = tokenCache();
      const authed = client({ headers: {}, auth: bearerAuth(tokens) });
      const bodies = await Promise.all(Array.from({ length: 20 }, (_, index) => authed.get<{ auth: string }>(`m/${index}`)));
      expect(bodies.every((body) => body.auth === 'Bearer token-1')).toBe(true);
      expect(tokens.obtained).toBe(1);
    });

    it('after a 401 renews once and retries, also for a POST; concurrent refusals cause one new login', async () => {
      script = acceptLatest;
      const tokens = tokenCache();
      const authed = client({ headers: {}, auth: bearerAuth(tokens) });
      await authed.get('warm');
      issued++; // the provider revokes token-1: only token-2, not yet fetched by anyone, would pass
      const tokenRequests = tokens.obtained;
      const results = await Promise.all([authed.post('a', {}), authed.get('b'), authed.get('c')]);
      expect(results).toHaveLength(3);
      expect(tokens.obtained - tokenRequests).toBe(1);
      expect(attempts.get('POST /v1/a')).toBe(2);
    });

    it('a second 401 is final: UPSTREAM_REJECTED, no loop', async () => {
      script = (_req, res) => json(res, 401, { error: 'invalid_token' });
      const tokens = tokenCache();
      const error = await failure(client({ headers: {}, auth: bearerAuth(tokens) }).get('meters'));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 401 });
      expect(attempts.get('GET /v1/meters')).toBe(2);
      expect(tokens.obtained).toBe(2);
    });
  });

  describe('backoff with jitter', () => {
    it('spreads each retry step over its upper half, doubling per attempt', () => {
      expect([backoffDelay(1, () => 0), backoffDelay(1, () => 0.5), backoffDelay(1, () => 1)]).toEqual([50, 75, 100]);
      expect([backoffDelay(3, () => 0), backoffDelay(3, () => 1)]).toEqual([200, 400]);
    });
  });

  describe('circuit breaker', () => {
    // Opens once 3 calls in the window were made and more than half failed; probes after 200 ms.
    const breaker = { errorThresholdPercentage: 50, volumeThreshold: 3, windowMs: 60_000, resetMs: 200 };
    const calls = (path: string) => attempts.get(`GET /v1/${path}`) ?? 0;
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('opens after repeated 5xx and then fails fast without calling the provider', async () => {
      script = (_req, res) => json(res, 503, { message: 'down' });
      const guarded = client({ retries: 0, breaker });
      for (let i = 0; i < 3; i++) expect((await failure(guarded.get('down'))).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(calls('down')).toBe(3);
      expect(guarded.circuit).toBe('OPEN');

      const refused = await failure(guarded.get('down'));
      expect(refused.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'OPENVOLT', circuit: 'OPEN' });
      expect(refused.message).toMatch(/Openvolt is failing.*probes Openvolt again/);
      const posted = await failure(guarded.post('meters', {}));
      expect(posted.extensions.circuit).toBe('OPEN');
      expect(calls('down')).toBe(3);
      expect(attempts.get('POST /v1/meters')).toBeUndefined();
    });

    it('counts timeouts and unreachable providers as failures', async () => {
      script = () => undefined; // never answers
      const slow = client({ timeoutMs: 100, retries: 0, breaker });
      for (let i = 0; i < 3; i++) expect((await failure(slow.get('slow'))).extensions.code).toBe('UPSTREAM_TIMEOUT');
      expect(slow.circuit).toBe('OPEN');

      const unreachable = client({ baseUrl: 'http://127.0.0.1:9/v1', retries: 0, breaker });
      for (let i = 0; i < 3; i++) await failure(unreachable.get('meters'));
      expect(unreachable.circuit).toBe('OPEN');
    });

    it('lets one probe through after resetMs; a successful probe closes it', async () => {
      let healthy = false;
      script = (_req, res) => (healthy ? json(res, 200, { ok: true }) : json(res, 500, { message: 'down' }));
      const guarded = client({ retries: 0, breaker });
      for (let i = 0; i < 3; i++) await failure(guarded.get('flaky'));
      expect(guarded.circuit).toBe('OPEN');
      await wait(250);
      expect(guarded.circuit).toBe('HALF_OPEN');
      healthy = true;
      expect(await guarded.get('flaky')).toEqual({ ok: true });
      expect(guarded.circuit).toBe('CLOSED');
      expect(calls('flaky')).toBe(4);
    });

    it('a failed probe opens it again', async () => {
      script = (_req, res) => json(res, 500, { message: 'down' });
      const guarded = client({ retries: 0, breaker });
      for (let i = 0; i < 3; i++) await failure(guarded.get('dead'));
      await wait(250);
      await failure(guarded.get('dead'));
      expect(guarded.circuit).toBe('OPEN');
      expect(calls('dead')).toBe(4);
    });

    it('4xx answers (404, 400, 409, 429) never trip it', async () => {
      const statuses = [404, 400, 409, 429];
      script = (req, res) => json(res, statuses[Number(req.url!.split('/').pop()) % 4]!, { message: 'answer' }, { 'retry-after': '60' });
      const guarded = client({ retries: 0, breaker });
      for (let i = 0; i < 12; i++) await failure(guarded.get(`answers/${i}`));
      expect(guarded.circuit).toBe('CLOSED');
      script = (_req, res) => json(res, 200, { ok: true });
      expect(await guarded.get('answers/ok')).toEqual({ ok: true });
    });

    it('retries inside one breaker call: a 5xx burst that a retry outlasts is not a failure', async () => {
      script = (_req, res, attempt) => (attempt < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true }));
      const guarded = client({ retries: 2, breaker: { ...breaker, volumeThreshold: 1 } });
      expect(await guarded.get('burst')).toEqual({ ok: true });
      expect(guarded.circuit).toBe('CLOSED');
    });
  });

  describe('visible (README "Operations")', () => {
    it('sends the request’s id and trace context upstream', async () => {
      script = (req, res) =>
        json(res, 200, { requestId: req.headers['x-request-id'] ?? null, traceparent: req.headers.traceparent ?? null });
      expect(await client().get('meters')).toEqual({ requestId: null, traceparent: null });
      const exporter = new InMemorySpanExporter();
      const tracing = (await startTracing('http-client-test', {}, exporter))!;
      try {
        const seen = await withRequest({ requestId: 'req-7' }, () =>
          client().get<{ requestId: string; traceparent: string }>('meters/6514167223e3d1424bf82742'),
        );
        expect(seen.requestId).toBe('req-7');
        const [span] = exporter.getFinishedSpans();
        expect(span).toMatchObject({ name: 'GET meters/:id', kind: SpanKind.CLIENT });
        expect(span!.attributes).toMatchObject({ 'gridgraph.provider': 'OPENVOLT', 'http.response.status_code': 200 });
        expect(seen.traceparent).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
      } finally {
        await tracing.stop();
      }
    });

    it('reports each call by route template and status, the calls left and the circuit, to the server it was built for', async () => {
      const metrics = new ServerMetrics();
      // Opens once more than 40 % of the calls failed: at the second 503 after two 200s.
      const guarded = reportingTo(metrics, () =>
        client({ retries: 0, breaker: { errorThresholdPercentage: 40, volumeThreshold: 2, windowMs: 60_000, resetMs: 60_000 } }),
      );
      const read = async (name: string, labels: Record<string, string>) => sampleSum((await metrics.exposition()).body, name, labels);
      const calls = 'gridgraph_upstream_request_duration_seconds_count';
      const circuit = { provider: 'OPENVOLT', api: new URL(baseUrl).host + '/v1' };

      script = (_req, res) => json(res, 200, {}, { 'x-ratelimit-remaining': '41' });
      await guarded.get('meters/6514167223e3d1424bf82742');
      await guarded.get('meters/6514167223e3d1424bf82743');
      expect(await read(calls, { provider: 'OPENVOLT', route: 'meters/:id', method: 'GET', status: '200' })).toBe(2);
      expect(await read('gridgraph_upstream_rate_limit_remaining', circuit)).toBe(41);
      expect(await read('gridgraph_upstream_circuit_state', circuit)).toBe(0);

      script = (_req, res) => json(res, 503, { message: 'down' });
      await failure(guarded.get('customers/5f3a9c01'));
      await failure(guarded.get('customers/5f3a9c02'));
      await failure(guarded.get('customers/5f3a9c03')); // refused by the open circuit: not sent
      expect(await read(calls, { route: 'customers/:id', status: '503' })).toBe(2);
      expect(await read(calls, { route: 'customers/:id', status: 'circuit_open' })).toBe(1);
      expect(await read('gridgraph_upstream_circuit_state', circuit)).toBe(2);
      expect(metrics.circuitStates()).toEqual([{ ...circuit, state: 'OPEN' }]);
    });

    it('reads the calls left from the header the provider names', async () => {
      const metrics = new ServerMetrics();
      const enerkeyLike = reportingTo(metrics, () => client({ rateLimitHeader: 'X-Rate-Limit' }));
      script = (_req, res) => json(res, 200, {}, { 'x-rate-limit': '39999', 'x-ratelimit-remaining': '5' });
      await enerkeyLike.get('facilities');
      expect(sampleSum((await metrics.exposition()).body, 'gridgraph_upstream_rate_limit_remaining')).toBe(39_999);
    });

    it('logs one line per call: provider, route template, method, status, duration, request id; never the key', async () => {
      const lines: string[] = [];
      vi.stubEnv('LOG_LEVEL', 'info');
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
      try {
        script = (req, res) => (req.url!.endsWith('/1001') ? json(res, 200, {}) : json(res, 401, { message: `bad key ${SECRET}` }));
        await withRequest({ requestId: 'req-8' }, async () => {
          await client().get('users/1001');
          await failure(client().get('users/1002'));
        });
      } finally {
        vi.restoreAllMocks();
        vi.unstubAllEnvs();
      }
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toEqual([
        expect.objectContaining({
          level: 'info',
          msg: 'upstream call',
          provider: 'OPENVOLT',
          route: 'users/:id',
          method: 'GET',
          status: '200',
          requestId: 'req-8',
        }),
        expect.objectContaining({
          level: 'warn',
          msg: 'upstream call failed',
          route: 'users/:id',
          status: '401',
          code: 'UPSTREAM_REJECTED',
        }),
      ]);
      expect(logged[0]!.durationMs).toEqual(expect.any(Number));
      expect(lines.join('')).not.toContain(SECRET);
    });
  });
});

describe('routeTemplate', () => {
  const words = fc.constantFrom('meters', 'interval-data', 'v1', 'P4', 'PushConsumptionsForMeter', 'update_consent', 'api');
  const ids = fc.oneof(
    fc.uuid(),
    fc.integer({ min: 0, max: 1e12 }).map(String),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 24, maxLength: 24 }).filter((id) => /\d/.test(id)),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
    fc.constant('871687400000000001'),
  );

  it('keeps the words of a path and turns every id into :id', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            words.map((word) => ({ word })),
            ids.map((id) => ({ id })),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (segments) => {
          const path = segments.map((segment) => ('word' in segment ? segment.word : encodeURIComponent(segment.id))).join('/');
          const expected = segments.map((segment) => ('word' in segment ? segment.word : ':id')).join('/');
          expect(routeTemplate(path)).toBe(expected);
          expect(routeTemplate(`/${path}`)).toBe(expected);
        },
      ),
    );
  });

  it('leaves a template alone', () => {
    expect(routeTemplate('users/:id/meters')).toBe('users/:id/meters');
  });
});

describe('adaptiveConcurrency', () => {
  it('grows by one per call that went well while others waited, up to the ceiling; an overload halves it, never below the floor', () => {
    const limit = { concurrency: 8, pendingCount: 40 };
    const adapt = adaptiveConcurrency(limit, 8, 64);
    for (let i = 0; i < 100; i++) adapt(true);
    expect(limit.concurrency).toBe(64);
    adapt(false);
    expect(limit.concurrency).toBe(32);
    for (let i = 0; i < 10; i++) adapt(false);
    expect(limit.concurrency).toBe(8);
    // Nothing waiting: a success says nothing about more.
    limit.pendingCount = 0;
    adapt(true);
    expect(limit.concurrency).toBe(8);
  });

  it('stays put when the ceiling is the floor (the default)', () => {
    const limit = { concurrency: 8, pendingCount: 40 };
    const adapt = adaptiveConcurrency(limit, 8, 8);
    adapt(true);
    adapt(false);
    expect(limit.concurrency).toBe(8);
  });
});
