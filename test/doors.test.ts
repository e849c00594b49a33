import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_SECRET_HEADER } from '../shared/subgraph/gateway-secret.js';
import { DEFAULT_SUBGRAPH_LIMITS } from '../shared/subgraph/query-limits.js';
import { OPENVOLT_WEBHOOK_PATH } from '../subgraphs/openvolt/webhooks.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { asGateway, startStack, type TestStack } from './support/stack.js';

/**
 * The doors of a started stack, probed as a stranger would (README "Security"): subgraphs answer GraphQL
 * only to their gateway, and enforce their own limits for whoever gets through; every server answers
 * what it cannot serve in JSON with a code and without a trace.
 */
let stack: TestStack;

beforeAll(async () => {
  // NODE_ENV=development: the gateway's debug mode, where GraphQL errors carry stack traces; a request
  // that cannot be read must still get none (Express's own page shows one whenever NODE_ENV is not
  // production, as under vitest).
  stack = await startStack({ NODE_ENV: 'development' });
});
afterAll(async () => {
  await stack?.stop();
});

const subgraphUrl = (name: string) => `${stack.subgraphs[name]!.subgraph.url}/graphql`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

/** `meteringPoint → openvoltMeters → meteringPoint → …`, `depth` fields deep counting `innermost` at the bottom. */
function chain(depth: number, innermost = 'id'): string {
  let selection = innermost;
  for (let level = depth - 2; level >= 1; level--) {
    selection = `${level % 2 === 1 ? 'openvoltMeters' : 'meteringPoint'} { ${selection} }`;
  }
  return `{ meteringPoint(id: "9999999999999") { ${selection} } }`;
}

describe('subgraphs trust only their gateway', () => {
  it('refuse GraphQL without the secret (401) or with another (403): no data, no _service', async () => {
    for (const { name } of PROVIDERS) {
      const missing = await post(subgraphUrl(name), { query: '{ _service { sdl } }' });
      expect([name, missing.status, missing.body.errors[0].extensions.code]).toEqual([name, 401, 'UNAUTHENTICATED']);
      expect(missing.body).not.toHaveProperty('data');
      const wrong = await post(subgraphUrl(name), { query: '{ _service { sdl } }' }, { [SUBGRAPH_SECRET_HEADER]: 'x'.repeat(43) });
      expect([name, wrong.status, wrong.body.errors[0].extensions.code]).toEqual([name, 403, 'FORBIDDEN']);
      expect(wrong.body).not.toHaveProperty('data');
    }
    const own = await post(subgraphUrl('openvolt'), { query: '{ _service { sdl } }' }, asGateway(stack));
    expect(own.body.data._service.sdl).toContain('OpenvoltMeter');
  });

  it('refuse a mutation from a stranger before it reaches the provider', async () => {
    const simulator = stack.simulator('intellimeter');
    simulator.reset();
    const refused = await post(subgraphUrl('intellimeter'), { query: 'mutation { rotateIntellimeterApiKey { __typename } }' });
    expect(refused.status).toBe(401);
    expect(simulator.stats().total).toBe(0);
  });

  it('keep health and metrics open for probes and scrapers', async () => {
    const base = stack.subgraphs.openvolt!.subgraph.url;
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 200]);
    }
  });

  it('answer their gateway, which sends the secret on every fetch', async () => {
    const { data, errors } = await stack.query(`{ meteringPoint(id: "9999999999999") { openvoltMeters { id } } }`);
    expect(errors).toEqual([]);
    expect(data.meteringPoint.openvoltMeters).toHaveLength(2);
  });

  it('serve no GraphQL on the webhook port, which may be public', async () => {
    const receivers = stack.subgraphs.openvolt!.webhooks!.url;
    const answer = await post(`${receivers}/graphql`, { query: '{ __typename }' }, asGateway(stack));
    expect(answer.status).toBe(404);
    expect(answer.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('limits where requests land', () => {
  it('refuse the 20-deep meteringPoint → openvoltMeters chain sent straight to the subgraph, and every server keeps answering', async () => {
    const refused = await post(subgraphUrl('openvolt'), { query: chain(20) }, asGateway(stack));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', max: DEFAULT_SUBGRAPH_LIMITS.maxDepth });
    expect(refused.body).not.toHaveProperty('data');

    const servers = Object.values(stack.subgraphs).flatMap(({ subgraph, webhooks }) => [subgraph, ...(webhooks ? [webhooks] : [])]);
    for (const server of [stack.gateway, ...servers]) {
      expect([server.name, (await fetch(`${server.url}/health/live`)).status]).toEqual([server.name, 200]);
    }
    expect((await stack.query(chain(4))).errors).toEqual([]);
  });

  it('answer the deepest chain their limit lets through', async () => {
    const answer = await post(subgraphUrl('openvolt'), { query: chain(DEFAULT_SUBGRAPH_LIMITS.maxDepth) }, asGateway(stack));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.meteringPoint.openvoltMeters.length).toBeGreaterThan(0);
  });

  it('refuse too many aliases, too high a cost and too many readings, each with its code', async () => {
    const aliases = `{ ${Array.from({ length: DEFAULT_SUBGRAPH_LIMITS.maxAliases + 1 }, (_, n) => `a${n}: meteringPoint(id: "${n}") { id }`).join(' ')} }`;
    const range = `{ from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", resolution: HALF_HOUR }`;
    const readings = `{ openvoltMeters(first: 100) { nodes { consumption(range: ${range}) { total } } } }`;
    // Within the depth limit, but a thousand fields at the bottom weigh more than Armor's cost allows.
    const costly = chain(DEFAULT_SUBGRAPH_LIMITS.maxDepth - 1, 'id '.repeat(1000));
    for (const [query, limit] of [
      [aliases, 'maxAliases'],
      [readings, 'maxReadings'],
      [costly, 'maxCost'],
    ] as const) {
      const refused = await post(subgraphUrl('openvolt'), { query }, asGateway(stack));
      expect([limit, refused.status]).toEqual([limit, 400]);
      expect(refused.body.errors[0].extensions).toMatchObject({
        limit,
        code: expect.stringMatching(/^(TOO_MANY_ALIASES|QUERY_TOO_COMPLEX)$/),
      });
    }
  });
});

describe('errors for strangers', () => {
  /** Every kind of server a stranger can reach, and what it needs to get as far as reading the body. */
  const servers = () => [
    { kind: 'gateway', base: stack.gateway.url, path: '/graphql', headers: {} },
    { kind: 'subgraph', base: stack.subgraphs.openvolt!.subgraph.url, path: '/graphql', headers: asGateway(stack) },
    {
      kind: 'webhook receiver',
      base: stack.subgraphs.openvolt!.webhooks!.url,
      // With the run's token: the receiver refuses a delivery without it before reading the body.
      path: `${OPENVOLT_WEBHOOK_PATH}${new URL(stack.subgraphs.openvolt!.webhookUrl!).search}`,
      headers: {},
    },
  ];
  const cases = [
    { problem: 'malformed JSON', contentType: 'application/json', body: '{"query": ', status: 400, code: 'BAD_REQUEST' },
    {
      problem: 'a body over 1 MB',
      contentType: 'application/json',
      body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    { problem: 'another media type', contentType: 'text/plain', body: '{ __typename }', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    {
      problem: 'another charset',
      contentType: 'application/json; charset=latin1',
      body: '{"query": "{ __typename }"}',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    { problem: 'a path nothing serves', path: '/nowhere', contentType: 'application/json', body: '{}', status: 404, code: 'NOT_FOUND' },
  ];

  it('answer every request they cannot read in JSON, coded, without a trace or X-Powered-By, on every server', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const server of servers()) {
      for (const { problem, contentType, body, status, code, ...rest } of cases) {
        const path = 'path' in rest ? rest.path : server.path;
        const response = await fetch(`${server.base}${path}`, {
          method: 'POST',
          headers: { ...server.headers, 'content-type': contentType },
          body,
        });
        const text = await response.text();
        const parsed = response.headers.get('content-type')?.startsWith('application/json')
          ? (JSON.parse(text) as Record<string, any>)
          : {};
        const traced = /\bat .*:\d+:\d+|node_modules|\.ts\b|<html|<pre/i.test(text);
        outcomes.push(
          `${server.kind}, ${problem}: ${response.status} ${parsed.errors?.[0]?.extensions?.code} ` +
            `powered-by=${response.headers.get('x-powered-by')} traced=${traced} requestId=${typeof parsed.errors?.[0]?.extensions?.requestId}`,
        );
        expected.push(`${server.kind}, ${problem}: ${status} ${code} powered-by=null traced=false requestId=string`);
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
