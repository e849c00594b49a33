import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig, startGateway } from '../gateway/index.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { hasTool } from './support/tools.js';

/**
 * Per-client rate limits (issue 19), counted in the store so that replicas count together: two gateway
 * replicas on one store (the embedded one in a shared DATA_DIR, and Redis), a limit per role or the
 * default for every role. Beyond it: HTTP 429, RATE_LIMITED, Retry-After and extensions.retryAfter.
 * `{ __typename }` is answered by the gateway itself, so no subgraph is needed.
 */

const KEYS = { reader: 'rate-reader-key-1', other: 'rate-reader-key-2', admin: 'rate-admin-key-3' };
const WINDOW_S = 86_400;
const withRedis = hasTool('redis');
let redis: TestRedis | undefined;
let dataDir: string;
const running: RunningServer[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridgraph-rate-'));
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const server of running.reverse()) await server.stop();
  await redis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function replicas(store: Record<string, string>): Promise<string[]> {
  const urls: string[] = [];
  for (let i = 0; i < 2; i++) {
    const gateway = await startGateway(
      readGatewayConfig({
        HOST: '127.0.0.1',
        GATEWAY_PORT: '0',
        GATEWAY_API_KEYS: `${KEYS.reader}:read,${KEYS.other}:read,${KEYS.admin}:admin`,
        GATEWAY_RATE_LIMIT: '3',
        GATEWAY_RATE_LIMIT_ADMIN: '0',
        GATEWAY_RATE_LIMIT_WINDOW_S: String(WINDOW_S),
        ...store,
      }),
    );
    running.push(gateway);
    urls.push(`${gateway.url}/graphql`);
  }
  return urls;
}

async function ask(url: string, key: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-API-Key': key },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> },
  };
}

const stores: Array<[string, () => Record<string, string>, boolean]> = [
  ['the embedded store in one DATA_DIR', () => ({ DATA_DIR: dataDir }), true],
  ['Redis', () => ({ STORE_URL: redis!.url }), withRedis],
];

for (const [name, store, available] of stores)
  describe.skipIf(!available)(`two gateway replicas on ${name}`, () => {
    it('count a client’s requests together and refuse the one over its limit with 429 RATE_LIMITED and Retry-After', async () => {
      const [a, b] = await replicas(store());
      for (const url of [a!, b!, a!]) expect((await ask(url, KEYS.reader)).body).toEqual({ data: { __typename: 'Query' } });
      for (const url of [b!, a!]) {
        const refused = await ask(url, KEYS.reader);
        expect(refused.status).toBe(429);
        expect(refused.body.data).toBeUndefined();
        const error = refused.body.errors![0]!;
        expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3, windowSeconds: WINDOW_S });
        expect(error.message).toMatch(/at most 3 per 86400 s/);
        const retryAfter = Number(refused.retryAfter);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
        expect(error.extensions.retryAfter).toBe(retryAfter);
      }
      // Another client of the same role has a count of its own.
      expect((await ask(b!, KEYS.other)).status).toBe(200);
    });

    it('apply a role’s own limit: admin unlimited here', async () => {
      const [a, b] = await replicas(store());
      for (let i = 0; i < 8; i++) expect((await ask(i % 2 ? a! : b!, KEYS.admin)).status).toBe(200);
    });
  });
