import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readOwnership } from '../gateway/supergraph.js';
import { loadExamples } from '../gateway/playground/examples.js';
import { REQUEST_TIMEOUT_HEADER } from '../shared/connector/deadline.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import { SUBGRAPH_SECRET_SETTING } from '../shared/subgraph/gateway-secret.js';
import { startProvider, type StartedSubgraph } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { describeErrors } from './support/operations.js';
import { AnswerParts } from './support/parts.js';
import {
  asGateway,
  gatewayClient,
  gatewayOver,
  startStack,
  type GatewayClient,
  type GraphQLErrorShape,
  type TestStack,
} from './support/stack.js';
import { startSubgraphProxy } from './support/subgraph-proxy.js';

/**
 * One deadline per request: a provider or a subgraph that hangs costs the client the deadline, not three
 * upstream timeouts, and only its own part of the answer. The providers keep their 10 s per attempt and
 * two retries: 30 s of hanging without a deadline.
 */

/**
 * Playground examples that must answer within a deadline whatever hangs, one line each, with the
 * deadline they get: room for their healthy parts on a busy machine (the portfolio's Openvolt part is
 * 55 calls, eight at a time).
 */
const EXAMPLES: ReadonlyArray<[file: string, deadlineMs: number]> = [
  ['all-providers-metering-point.graphql', 2_000],
  ['portfolio-all-providers.graphql', 5_000],
];

const ownership = readOwnership(readFileSync(SUPERGRAPH_PATH, 'utf8'));
const QUERIES = EXAMPLES.map(([file, deadlineMs]) => {
  const { query, variables } = loadExamples().find((example) => example.file === file)!;
  // Which part of an answer is whose, from the supergraph (test/support/parts.ts).
  return { file, deadlineMs, query, variables: variables ?? undefined, parts: new AnswerParts(ownership, query) };
});
type Query = (typeof QUERIES)[number];

/** The stack's own gateway has the tests' long deadline: it gives the healthy answers. */
let stack: TestStack;
/** For each query, a gateway over the stack's subgraphs with that query's deadline. */
const hurried = new Map<Query, RunningServer & GatewayClient>();

async function healthyAnswer({ query, variables }: Query): Promise<unknown> {
  const { data, errors } = await stack.query(query, variables);
  expect(describeErrors(errors)).toEqual([]);
  return data;
}

beforeAll(async () => {
  stack = await startStack();
  for (const query of QUERIES) {
    await healthyAnswer(query); // logs in at every provider, which a busy machine may not finish within a deadline
    const gateway = await gatewayOver(stack, {}, { requestTimeoutMs: query.deadlineMs });
    hurried.set(query, gateway);
    await gateway.query(query.query, query.variables); // planned now, so no test spends its deadline planning
  }
});
afterAll(async () => {
  for (const gateway of hurried.values()) await gateway.stop();
  await stack?.stop();
});
beforeEach(() => {
  for (const name of Object.keys(stack.subgraphs)) stack.simulator(name).setFaults({ hangRate: 0 });
});

/**
 * Intellimeter's latest readings move on every five minutes of wall-clock time, so a healthy and a failed
 * answer are compared only when both were given within one such slot; else the pair is taken again.
 */
const SLOT_MS = 5 * 60_000;
async function withinOneSlot<T>(pair: () => Promise<T>): Promise<T> {
  for (;;) {
    const slot = Math.floor(Date.now() / SLOT_MS);
    const answers = await pair();
    if (Math.floor(Date.now() / SLOT_MS) === slot) return answers;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<T & { elapsedMs: number }> {
  const started = performance.now();
  const outcome = await work();
  return { ...outcome, elapsedMs: performance.now() - started };
}

/** The value at an error's path, where the failed part must be null. */
function valueAt(data: unknown, { path }: GraphQLErrorShape): unknown {
  return (path ?? []).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | null)?.[key], data);
}

describe('one provider hanging', () => {
  const cases = QUERIES.flatMap((query) => PROVIDERS.map(({ name, provider }) => [query.file, name, provider, query] as const));

  it.each(cases)(
    '%s with %s hanging: its part is null with UPSTREAM_TIMEOUT within the deadline; the rest as when healthy',
    async (_file, name, provider, query) => {
      const { healthy, failed } = await withinOneSlot(async () => {
        stack.simulator(name).setFaults({ hangRate: 0 });
        const answer = await healthyAnswer(query);
        stack.simulator(name).setFaults({ hangRate: 1 });
        return { healthy: answer, failed: await timed(() => hurried.get(query)!.query(query.query, query.variables)) };
      });
      const { data, errors, elapsedMs } = failed;
      expect(elapsedMs).toBeLessThan(query.deadlineMs + 1_000);
      expect(errors.length, 'the hanging provider’s part fails').toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.extensions, error.message).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider });
        expect(valueAt(data, error), error.message).toBeNull();
      }
      expect(query.parts.differences(healthy, data, name)).toEqual([]);
    },
  );
});

describe('a subgraph asked directly', () => {
  const SUBGRAPH_MAX_MS = 1_500;
  const QUANTITIES = 'query { enerkeyQuantities { id } }';
  let enerkey: StartedSubgraph;
  beforeAll(async () => {
    // A copy of the EnerKey subgraph (and simulator) whose own limit is short.
    enerkey = await startProvider(PROVIDERS.find(({ name }) => name === 'enerkey')!, {
      LOG_LEVEL: process.env.LOG_LEVEL,
      HOST: '127.0.0.1',
      ENERKEY_SUBGRAPH_PORT: '0',
      ENERKEY_SIMULATOR_PORT: '0',
      [SUBGRAPH_SECRET_SETTING]: stack.subgraphSecret,
      DATA_DIR: join(stack.dataDir, 'enerkey-copy'), // removed with the stack's
      SUBGRAPH_REQUEST_TIMEOUT_MS: String(SUBGRAPH_MAX_MS),
    });
    enerkey.simulator!.setFaults({ hangRate: 1 });
  });
  afterAll(async () => {
    await enerkey?.subgraph.stop();
    await enerkey?.simulator?.stop();
  });

  async function askEnerkey(timeoutHeader: string) {
    const { client, query } = gatewayClient(`${enerkey.subgraph.url}/graphql`);
    client.setHeaders({ ...asGateway(stack), [REQUEST_TIMEOUT_HEADER]: timeoutHeader });
    return timed(() => query(QUANTITIES));
  }

  it('honours a shorter time from the header', async () => {
    const { errors, elapsedMs } = await askEnerkey('300');
    expect(errors.map((error) => error.extensions)).toMatchObject([{ code: 'UPSTREAM_TIMEOUT', provider: 'ENERKEY' }]);
    expect(elapsedMs).toBeLessThan(SUBGRAPH_MAX_MS);
  });

  it('keeps its own limit when the header asks for more', async () => {
    const { errors, elapsedMs } = await askEnerkey('60000');
    expect(errors.map((error) => error.extensions)).toMatchObject([{ code: 'UPSTREAM_TIMEOUT', provider: 'ENERKEY' }]);
    expect(elapsedMs).toBeGreaterThanOrEqual(SUBGRAPH_MAX_MS - 50);
    expect(elapsedMs).toBeLessThan(SUBGRAPH_MAX_MS + 1_000);
  });
});

describe('a subgraph hanging itself', () => {
  it.each(QUERIES.map((query) => [query.file, query] as const))(
    '%s: the gateway nulls its part with UPSTREAM_TIMEOUT naming it at the deadline; the rest as when healthy',
    async (_file, query) => {
      const hung = await startSubgraphProxy(`${stack.subgraphs.intellimeter!.subgraph.url}/graphql`);
      const gateway = await gatewayOver(stack, { intellimeter: hung.url }, { requestTimeoutMs: query.deadlineMs });
      try {
        await gateway.query(query.query, query.variables); // planned now, so the deadline below is not spent planning
        hung.hang();
        const { healthy, failed } = await withinOneSlot(async () => ({
          healthy: await healthyAnswer(query),
          failed: await timed(() => gateway.query(query.query, query.variables)),
        }));
        const { data, errors, elapsedMs } = failed;
        expect(elapsedMs).toBeLessThan(query.deadlineMs + 1_000);
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors)
          expect(error.extensions, error.message).toEqual({
            code: 'UPSTREAM_TIMEOUT',
            subgraph: 'intellimeter',
            requestId: expect.any(String),
          });
        expect(query.parts.differences(healthy, data, 'intellimeter')).toEqual([]);
      } finally {
        await gateway.stop();
        await hung.stop();
      }
    },
  );
});
