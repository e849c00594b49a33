import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway/index.js';
import { loadExamples, type Example } from '../gateway/playground/examples.js';
import { REQUEST_TIMEOUT_HEADER } from '../shared/deadline.js';
import { SUBGRAPHS } from '../subgraphs/registry.js';
import { describeErrors } from './support/operations.js';
import { gatewayClient, startStack, type TestStack } from './support/stack.js';
import { startSubgraphProxy } from './support/subgraph-proxy.js';

/**
 * One deadline per request: a provider or a subgraph that hangs costs the client the deadline, not three
 * upstream timeouts, and only its own part of the answer. The providers keep their 10 s per attempt and
 * two retries (30 s of hanging without a deadline); the gateway gives each request 2 s, the subgraphs at
 * most 3 s.
 */
const DEADLINE_MS = 2_000;
const SUBGRAPH_MAX_MS = 3_000;

/** Playground examples whose answer must arrive within the deadline whatever hangs; one line each. */
const QUERIES: Example[] = [
  'all-providers-metering-point.graphql', //
].map((file) => loadExamples().find((example) => example.file === file)!);

let stack: TestStack;
/** A gateway over the same subgraphs with the default deadline, for the healthy answers. */
let patient: RunningGateway;

/** Another gateway over the stack's subgraphs, with some of them elsewhere. */
function gatewayOver(elsewhere: Record<string, string>, requestTimeoutMs?: number) {
  const subgraphUrls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, { subgraph }]) => [name, `${subgraph.url}/graphql`]));
  return startGateway({ host: '127.0.0.1', port: 0, requestTimeoutMs, subgraphUrls: { ...subgraphUrls, ...elsewhere } });
}

async function healthyAnswer(example: Example): Promise<unknown> {
  const { data, errors } = await gatewayClient(`${patient.url}/graphql`).query(example.query, example.variables ?? undefined);
  expect(describeErrors(errors)).toEqual([]);
  return data;
}

beforeAll(async () => {
  stack = await startStack({ GATEWAY_REQUEST_TIMEOUT_MS: String(DEADLINE_MS), SUBGRAPH_REQUEST_TIMEOUT_MS: String(SUBGRAPH_MAX_MS) });
  patient = await gatewayOver({});
  for (const example of QUERIES) {
    await healthyAnswer(example); // logs in at every provider, which a busy machine may not finish within 2 s
    await stack.query(example.query, example.variables ?? undefined); // planned now, so no test spends its deadline planning
  }
});
afterAll(async () => {
  await patient?.stop();
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

/**
 * The healthy answer with null for every field of the failed subgraph's provider, which carry its name as
 * their prefix (DESIGN.md, "The graph"): what the answer with that one part missing must equal.
 */
function withPartNull(data: unknown, subgraph: string): unknown {
  if (Array.isArray(data)) return data.map((item) => withPartNull(item, subgraph));
  if (data === null || typeof data !== 'object') return data;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, key.startsWith(subgraph) ? null : withPartNull(value, subgraph)]),
  );
}

describe('one provider hanging', () => {
  const cases = QUERIES.flatMap((example) => SUBGRAPHS.map(({ name, provider }) => [example.file, name, provider, example] as const));

  it.each(cases)(
    '%s with %s hanging: its part is null with UPSTREAM_TIMEOUT within the deadline; the rest as when healthy',
    async (_file, name, provider, example) => {
      const { healthy, failed } = await withinOneSlot(async () => {
        stack.simulator(name).setFaults({ hangRate: 0 });
        const answer = await healthyAnswer(example);
        stack.simulator(name).setFaults({ hangRate: 1 });
        return { healthy: answer, failed: await timed(() => stack.query(example.query, example.variables ?? undefined)) };
      });
      const { data, errors, elapsedMs } = failed;
      expect(elapsedMs).toBeLessThan(DEADLINE_MS + 1_000);
      expect(errors.length, 'the hanging provider’s part fails').toBeGreaterThan(0);
      for (const error of errors) expect(error.extensions, error.message).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider });
      expect(data).toEqual(withPartNull(healthy, name));
    },
  );
});

describe('a subgraph asked directly', () => {
  const QUANTITIES = 'query { enerkeyQuantities { id } }';
  function askEnerkey(timeoutHeader: string) {
    const { client, query } = gatewayClient(`${stack.subgraphs.enerkey!.subgraph.url}/graphql`);
    client.setHeader(REQUEST_TIMEOUT_HEADER, timeoutHeader);
    return query;
  }

  it('honours a shorter time from the header', async () => {
    stack.simulator('enerkey').setFaults({ hangRate: 1 });
    const { errors, elapsedMs } = await timed(() => askEnerkey('300')(QUANTITIES));
    expect(errors.map((error) => error.extensions)).toMatchObject([{ code: 'UPSTREAM_TIMEOUT', provider: 'ENERKEY' }]);
    expect(elapsedMs).toBeLessThan(1_300);
  });

  it('keeps its own limit when the header asks for more', async () => {
    stack.simulator('enerkey').setFaults({ hangRate: 1 });
    const { errors, elapsedMs } = await timed(() => askEnerkey('60000')(QUANTITIES));
    expect(errors.map((error) => error.extensions)).toMatchObject([{ code: 'UPSTREAM_TIMEOUT', provider: 'ENERKEY' }]);
    expect(elapsedMs).toBeLessThan(SUBGRAPH_MAX_MS + 1_000);
  });
});

describe('a subgraph hanging itself', () => {
  it.each(QUERIES.map((example) => [example.file, example] as const))(
    '%s: the gateway nulls its part with UPSTREAM_TIMEOUT naming it at the deadline; the rest as when healthy',
    async (_file, example) => {
      const hung = await startSubgraphProxy(`${stack.subgraphs.intellimeter!.subgraph.url}/graphql`);
      const gateway = await gatewayOver({ intellimeter: hung.url }, DEADLINE_MS);
      try {
        const { query } = gatewayClient(`${gateway.url}/graphql`);
        await query(example.query, example.variables ?? undefined); // planned now, so the deadline below is not spent planning
        hung.hang();
        const { healthy, failed } = await withinOneSlot(async () => ({
          healthy: await healthyAnswer(example),
          failed: await timed(() => query(example.query, example.variables ?? undefined)),
        }));
        const { data, errors, elapsedMs } = failed;
        expect(elapsedMs).toBeLessThan(DEADLINE_MS + 1_000);
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error.extensions, error.message).toEqual({ code: 'UPSTREAM_TIMEOUT', subgraph: 'intellimeter' });
        expect(data).toEqual(withPartNull(healthy, 'intellimeter'));
      } finally {
        await gateway.stop();
        await hung.stop();
      }
    },
  );
});
