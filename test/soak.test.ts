import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { VOLUE_API_BASE_PATH } from '../subgraphs/volue/contract.js';
import { VOLUE_SIMULATOR_CLIENT_ID, VOLUE_SIMULATOR_CLIENT_SECRET, startVolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { startSlowAnswerProxy, type SlowAnswerProxy } from './support/slow-proxy.js';
import { heldAtProviders, runMixedClients, uncoded } from './support/soak.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * Soak ("Nothing lost"): ten concurrent clients send a few hundred mixed queries and registration
 * mutations through the gateway while every simulator fails 10 % of requests (503) and adds latency,
 * and every fifth Volue write is committed but its answer comes after the connector's timeout (the lost
 * answer: without idempotency keys the retried webhook would exist twice).
 * Each mutation carries its own idempotency key and is retried by its client on an UPSTREAM_* error.
 * In the end every mutation is either confirmed by its client and present exactly once at the
 * provider, or reported failed to its client (and then present at most once); every response has data
 * or coded errors. Counts, not timings, are asserted.
 */

const CLIENTS = 10;
const OPERATIONS_PER_CLIENT = 30;
const MAX_ATTEMPTS = 4;

let stack: TestStack;
let volue: RunningSimulator & { tokenUrl: string };
let proxy: SlowAnswerProxy;
const simulator = (name: string) => (name === 'volue' ? volue : stack.simulator(name));

beforeAll(async () => {
  volue = await startVolueSimulator({ host: '127.0.0.1', port: 0 });
  proxy = await startSlowAnswerProxy(volue.url);
  stack = await startStack({
    ...OPEN_WITH_ADMIN,
    VOLUE_API_URL: `${proxy.url}${VOLUE_API_BASE_PATH}`,
    VOLUE_TOKEN_URL: volue.tokenUrl,
    VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
    VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
    VOLUE_WEBHOOK_SECRET: 'soak-webhook-secret',
    VOLUE_TIMEOUT_MS: '400',
  });
  for (const { name } of PROVIDERS) simulator(name).setFaults({ errorRate: 0.1, latencyMs: 3 });
  proxy.delayEveryWrite(5, 800);
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await volue?.stop();
});

describe('soak under injected faults', () => {
  it('loses nothing, duplicates nothing, and answers every request with data or a coded error', async () => {
    const { outcomes, responses } = await runMixedClients({
      clients: CLIENTS,
      operations: OPERATIONS_PER_CLIENT,
      maxAttempts: MAX_ATTEMPTS,
      send: (document, variables) => stack.query(document, variables),
    });
    for (const { name } of PROVIDERS) simulator(name).setFaults({ errorRate: 0, latencyMs: 0 });
    proxy.delayEveryWrite(0, 0);
    await proxy.committed();

    // Every response: data, or errors that each carry a code.
    expect(responses.length).toBeGreaterThanOrEqual(CLIENTS * OPERATIONS_PER_CLIENT);
    expect(uncoded(responses)).toEqual([]);

    // What the providers hold, read without faults.
    const held = await heldAtProviders((document, variables) => stack.query(document, variables), outcomes);

    const confirmed = outcomes.filter((o) => o.confirmed);
    const failed = outcomes.filter((o) => !o.confirmed);
    console.log(
      `soak: ${responses.length} responses, ${outcomes.length} mutations (${confirmed.length} confirmed, ${failed.length} reported failed), ` +
        `${outcomes.reduce((sum, o) => sum + o.attempts, 0)} mutation attempts, ${proxy.heldBack} Volue answers lost after commit`,
    );
    expect(outcomes.length).toBe((CLIENTS * OPERATIONS_PER_CLIENT) / 3);
    // Faults were really injected: some mutations needed a retry, and some Volue answers were lost.
    expect(outcomes.some((o) => o.attempts > 1)).toBe(true);
    expect(proxy.heldBack).toBeGreaterThan(0);
    for (const outcome of confirmed)
      expect({ identity: outcome.mutation.identity, held: held.get(outcome.mutation.identity) }).toEqual({
        identity: outcome.mutation.identity,
        held: 1,
      });
    for (const outcome of failed) expect(held.get(outcome.mutation.identity) ?? 0).toBeLessThanOrEqual(1);
  });
});
